//! Customers from the ERP, with their credit limits and terms. The ERP key of each customer is
//! mapped to its portal id by an `ERPMAP#customer#<key>` item that also holds the version of the
//! last record applied (the profile itself is replaced by staff edits, so it cannot keep it).
//! The profile and the mapping change in one transaction.
//!
//! A record without a mapping (nor a `customer_id`) is linked to the one portal customer with
//! the same tax id and no ERP key yet (customers approved from registration requests before
//! the ERP knew them); otherwise a new customer is created. New customers start `inactive` (F4). Required fields replace the profile's; optional fields
//! replace it only when the record has them. Everything else (tags, agent, catalog access,
//! shipping method, addresses, status) stays the portal's.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use super::{for_each_row, rounds, ApplyReport, RowError};
use crate::customers::profile::{create_actions, replace_actions};
use crate::customers::{CreditSetting, Customer, CustomerStatus};
use crate::store::{self, keys, Keys, QuerySpec, Store, StoreError};
use crate::sync::records::CustomerRecord;
use crate::sync::version::is_newer;
use crate::types::{new_id, now_rfc3339};

pub const CUSTOMER_MAP_KIND: &str = "customer";

/// `ERPMAP#customer#<erp key>` / `MAP`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMapping {
    pub erp_key: String,
    pub customer_id: String,
    pub version: String,
    pub updated_at: String,
}

impl CustomerMapping {
    pub fn keys(erp_key: &str) -> Keys {
        Keys::new(
            keys::erp_map_pk(CUSTOMER_MAP_KIND, erp_key),
            keys::ERP_MAP_SK,
        )
    }
}

pub async fn mapping(store: &Store, erp_key: &str) -> Result<Option<CustomerMapping>, StoreError> {
    let k = CustomerMapping::keys(erp_key);
    store.get(&k.pk, &k.sk).await
}

enum Outcome {
    Applied,
    Ignored,
    Rejected(RowError),
}

fn mapping_put(
    store: &Store,
    mapping: &CustomerMapping,
    previous: Option<&CustomerMapping>,
) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder()
        .table_name(store.table())
        .set_item(Some(store::item(
            &CustomerMapping::keys(&mapping.erp_key),
            mapping,
        )?));
    put = match previous {
        None => put.condition_expression("attribute_not_exists(PK)"),
        Some(previous) => put
            .condition_expression("#version = :seen")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":seen", store::s(&previous.version)),
    };
    let put = put.build().map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// The record's data on a profile.
fn apply_fields(customer: &mut Customer, record: &CustomerRecord) {
    customer.name = record.name.clone();
    customer.tax_id = record.tax_id.clone();
    customer.email = record.email.clone();
    customer.erp_key = Some(record.erp_key.clone());
    if let Some(legal_name) = &record.legal_name {
        customer.legal_name = Some(legal_name.clone());
    }
    if let Some(phone) = &record.phone {
        customer.phone = Some(phone.clone());
    }
    if let Some(language) = record.language {
        customer.language = language;
    }
    if let Some(list) = &record.price_list_id {
        customer.price_list_id = Some(list.clone());
    }
    if let Some(warehouses) = &record.warehouse_ids {
        customer.warehouse_ids = warehouses.clone();
        if customer
            .default_warehouse_id
            .as_ref()
            .is_none_or(|d| !warehouses.contains(d))
        {
            customer.default_warehouse_id = warehouses.first().cloned();
        }
    }
    if let Some(default) = &record.default_warehouse_id {
        customer.default_warehouse_id = Some(default.clone());
    }
    if let Some(credit) = &record.credit {
        customer.credit = Some(CreditSetting {
            terms: credit.terms,
            credit_days: credit.credit_days,
            limit: credit.limit,
            currency: credit.currency.clone(),
        });
    }
}

fn is_condition_failure(err: &StoreError) -> bool {
    match err {
        StoreError::TransactionCanceled(reasons) => reasons.iter().any(|r| {
            matches!(
                r.as_deref(),
                Some("ConditionalCheckFailed" | "TransactionConflict")
            )
        }),
        StoreError::ConditionFailed => true,
        _ => false,
    }
}

/// Tax ids compared without case, spaces or punctuation (`FAC-010101 ab1` = `FAC010101AB1`).
pub fn tax_key(tax_id: &str) -> String {
    tax_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Portal customers without an ERP key, by tax id (loaded once per batch, when needed).
type Unlinked = Arc<OnceCell<HashMap<String, Vec<String>>>>;

async fn unlinked_by_tax_id(
    store: &Store,
    cache: &Unlinked,
    tax_id: &str,
) -> Result<Option<String>, StoreError> {
    let index = cache
        .get_or_try_init(|| async {
            let all: Vec<Customer> = store
                .query_all(QuerySpec::index(keys::GSI1, keys::CUSTOMERS_INDEX_PK))
                .await?;
            let mut index: HashMap<String, Vec<String>> = HashMap::new();
            for c in all.into_iter().filter(|c| c.erp_key.is_none()) {
                index
                    .entry(tax_key(c.tax_id.as_str()))
                    .or_default()
                    .push(c.id);
            }
            Ok::<_, StoreError>(index)
        })
        .await?;
    Ok(match index.get(&tax_key(tax_id)).map(Vec::as_slice) {
        Some([only]) => Some(only.clone()),
        _ => None,
    })
}

async fn apply_one(
    store: Store,
    unlinked: Unlinked,
    index: usize,
    record: CustomerRecord,
) -> Result<Outcome, StoreError> {
    for round in rounds() {
        if round > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20 << round)).await;
        }
        let previous = mapping(&store, &record.erp_key).await?;
        if let Some(previous) = &previous {
            if !is_newer(&record.version, Some(&previous.version)) {
                return Ok(Outcome::Ignored);
            }
            if record
                .customer_id
                .as_ref()
                .is_some_and(|id| *id != previous.customer_id)
            {
                return Ok(Outcome::Rejected(RowError::new(
                    index,
                    "customer_id",
                    format!(
                        "the ERP key {} is linked to another customer",
                        record.erp_key
                    ),
                )));
            }
        }
        let mut target = previous
            .as_ref()
            .map(|m| m.customer_id.clone())
            .or_else(|| record.customer_id.clone());
        let by_tax_id = target.is_none();
        if by_tax_id {
            target = unlinked_by_tax_id(&store, &unlinked, record.tax_id.as_str()).await?;
        }
        let now = now_rfc3339();
        let mut existing = match &target {
            Some(id) => crate::customers::profile::get(&store, id).await?,
            None => None,
        };
        let linked_elsewhere =
            |c: &Customer| c.erp_key.as_ref().is_some_and(|k| *k != record.erp_key);
        if by_tax_id && existing.as_ref().is_some_and(linked_elsewhere) {
            // Linked to another ERP customer meanwhile (two ERP accounts, one tax id): new one.
            existing = None;
            target = None;
        }
        let (customer_id, mut actions) = match existing {
            Some(before) => {
                if linked_elsewhere(&before) {
                    return Ok(Outcome::Rejected(RowError::new(
                        index,
                        "customer_id",
                        format!(
                            "the customer is linked to the ERP key {}",
                            before.erp_key.as_deref().unwrap_or_default()
                        ),
                    )));
                }
                let mut after = before.clone();
                apply_fields(&mut after, &record);
                after.updated_at = now.clone();
                (
                    after.id.clone(),
                    replace_actions(&store, &before, &after, None)?,
                )
            }
            None if record.customer_id.is_some() && previous.is_none() => {
                return Ok(Outcome::Rejected(RowError::new(
                    index,
                    "customer_id",
                    "no such customer",
                )));
            }
            None => {
                // New (or its profile was deleted since it was mapped: created again).
                let id = target.unwrap_or_else(new_id);
                let mut customer = Customer::new(
                    &id,
                    CustomerStatus::Inactive,
                    record.name.clone(),
                    record.tax_id.clone(),
                    record.email.clone(),
                );
                apply_fields(&mut customer, &record);
                (id, create_actions(&store, &customer)?)
            }
        };
        let new_mapping = CustomerMapping {
            erp_key: record.erp_key.clone(),
            customer_id,
            version: record.version.clone(),
            updated_at: now,
        };
        actions.push(mapping_put(&store, &new_mapping, previous.as_ref())?);
        match store.transact(actions).await {
            Ok(()) => return Ok(Outcome::Applied),
            // Someone changed the profile or the mapping meanwhile: decide again.
            Err(e) if is_condition_failure(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Unavailable(format!(
        "customer {} kept changing while being applied",
        record.erp_key
    )))
}

pub async fn apply_customers(
    store: &Store,
    rows: Vec<(usize, CustomerRecord)>,
) -> Result<ApplyReport, StoreError> {
    let store = store.clone();
    let unlinked = Unlinked::default();
    let outcomes = for_each_row(rows, move |(index, record)| {
        apply_one(store.clone(), Arc::clone(&unlinked), index, record)
    })
    .await?;
    let mut report = ApplyReport::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Applied => report.applied += 1,
            Outcome::Ignored => report.ignored += 1,
            Outcome::Rejected(error) => report.reject(error),
        }
    }
    Ok(report)
}
