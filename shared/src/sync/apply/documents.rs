//! Documents from the ERP (F27): the document, its entry in the customer's list, and the change
//! of the customer's unpaid total in the document's currency (credit record `unpaid_<CUR>`,
//! read by the order credit check for the credit's currency) are
//! written in one transaction, conditional on the stored document being the one read; so the
//! unpaid total moves exactly once per version, whatever is retried.
//!
//! A document of a customer the portal does not know yet (its customer record not synced yet)
//! is pending: the message is retried later, and lands in the DLQ if the customer never comes.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use rust_decimal::Decimal;

use super::customers::mapping;
use super::{for_each_row, rounds, ApplyReport, RowError};
use crate::documents::Document;
use crate::orders::credit::{unpaid_attribute, CreditRecord};
use crate::store::{self, keys, Store, StoreError};
use crate::sync::records::{CustomerRef, DocumentRecord};
use crate::sync::version::is_newer;
use crate::types::now_rfc3339;

enum Outcome {
    Applied,
    Ignored,
    Rejected(RowError),
    Pending(RowError),
}

/// Moves the customer's unpaid totals, per currency (see `orders::credit`), in one update:
/// a transaction may touch the credit record only once.
fn unpaid_change(
    store: &Store,
    customer_id: &str,
    deltas: &[(&str, Decimal)],
) -> Result<TransactWriteItem, StoreError> {
    let (pk, sk) = CreditRecord::key(customer_id);
    let attributes: Vec<String> = deltas.iter().map(|(c, _)| unpaid_attribute(c)).collect();
    let name_keys: Vec<String> = (0..deltas.len()).map(|i| format!("#unpaid{i}")).collect();
    let value_keys: Vec<String> = (0..deltas.len()).map(|i| format!(":delta{i}")).collect();
    let adds: Vec<String> = name_keys
        .iter()
        .zip(&value_keys)
        .map(|(n, v)| format!("{n} {v}"))
        .collect();
    let names: Vec<(&str, &str)> = name_keys
        .iter()
        .zip(&attributes)
        .map(|(k, a)| (k.as_str(), a.as_str()))
        .collect();
    let mut values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)> = value_keys
        .iter()
        .zip(deltas)
        .map(|(k, (_, delta))| (k.as_str(), store::n(delta)))
        .collect();
    values.push((":now", store::s(&now_rfc3339())));
    values.push((":customer", store::s(customer_id)));
    store.tx_update(
        &pk,
        &sk,
        &format!(
            "ADD {} SET updated_at = :now, customer_id = :customer",
            adds.join(", ")
        ),
        None,
        &names,
        values,
    )
}

fn put_with(
    store: &Store,
    item: store::Item,
    condition: &str,
    values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)>,
) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder()
        .table_name(store.table())
        .set_item(Some(item))
        .condition_expression(condition);
    if condition.contains("#version") {
        put = put.expression_attribute_names("#version", "version");
    }
    for (k, v) in values {
        put = put.expression_attribute_values(k, v);
    }
    let put = put.build().map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// The transaction that moves the stored document from `before` to `after`.
fn actions(
    store: &Store,
    before: Option<&Document>,
    after: &Document,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut actions = Vec::new();
    let record = store::item(&after.keys(), after)?;
    actions.push(match before {
        None => put_with(store, record, "attribute_not_exists(PK)", vec![])?,
        Some(b) => put_with(
            store,
            record,
            "#version = :seen",
            vec![(":seen", store::s(&b.version))],
        )?,
    });
    // The list entry; its key must not belong to another document of the customer.
    let entry = store::item(&after.entry_keys(), &after.summary())?;
    actions.push(put_with(
        store,
        entry,
        "attribute_not_exists(PK) OR id = :id",
        vec![(":id", store::s(&after.id))],
    )?);
    if let Some(b) = before {
        let (old, new) = (b.entry_keys(), after.entry_keys());
        if (old.pk.as_str(), old.sk.as_str()) != (new.pk.as_str(), new.sk.as_str()) {
            actions.push(store.tx_delete(&old.pk, &old.sk, None)?);
        }
    }
    // What leaves the stored version's (customer, currency) and what the new one brings,
    // summed per customer: one update per credit record.
    let mut moves: Vec<(&str, &str, Decimal)> = Vec::new();
    if let Some(b) = before {
        moves.push((&b.customer_id, &b.currency, -b.balance));
    }
    moves.push((&after.customer_id, &after.currency, after.balance));
    let mut per_customer: Vec<(&str, Vec<(&str, Decimal)>)> = Vec::new();
    for (customer, currency, delta) in moves {
        let index = match per_customer.iter().position(|(c, _)| *c == customer) {
            Some(i) => i,
            None => {
                per_customer.push((customer, Vec::new()));
                per_customer.len() - 1
            }
        };
        let deltas = &mut per_customer[index].1;
        match deltas.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, total)) => *total += delta,
            None => deltas.push((currency, delta)),
        }
    }
    for (customer, mut deltas) in per_customer {
        deltas.retain(|(_, delta)| !delta.is_zero());
        if !deltas.is_empty() {
            actions.push(unpaid_change(store, customer, &deltas)?);
        }
    }
    Ok(actions)
}

async fn resolve_customer(
    store: &Store,
    index: usize,
    customer: &CustomerRef,
) -> Result<Result<String, Outcome>, StoreError> {
    Ok(match customer {
        CustomerRef::ErpKey(key) => match mapping(store, key).await? {
            Some(m) => Ok(m.customer_id),
            None => Err(Outcome::Pending(RowError::new(
                index,
                "customer_erp_key",
                format!("no customer with ERP key {key} yet; send the customer first"),
            ))),
        },
        CustomerRef::PortalId(id) => match crate::customers::profile::get(store, id).await? {
            Some(c) => Ok(c.id),
            None => Err(Outcome::Rejected(RowError::new(
                index,
                "customer_id",
                "no such customer",
            ))),
        },
    })
}

async fn apply_one(
    store: Store,
    index: usize,
    record: DocumentRecord,
) -> Result<Outcome, StoreError> {
    let customer_id = match resolve_customer(&store, index, &record.customer).await? {
        Ok(id) => id,
        Err(outcome) => return Ok(outcome),
    };
    let mut after = record.document;
    after.customer_id = customer_id;
    for round in rounds() {
        if round > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20 << round)).await;
        }
        let before: Option<Document> = store
            .get(&keys::document_pk(&after.id), keys::DOCUMENT_SK)
            .await?;
        if before
            .as_ref()
            .is_some_and(|b| !is_newer(&after.version, Some(&b.version)))
        {
            return Ok(Outcome::Ignored);
        }
        match store
            .transact(actions(&store, before.as_ref(), &after)?)
            .await
        {
            Ok(()) => return Ok(Outcome::Applied),
            Err(StoreError::TransactionCanceled(reasons)) => {
                let failed = |i: usize| {
                    reasons
                        .get(i)
                        .is_some_and(|r| r.as_deref() == Some("ConditionalCheckFailed"))
                };
                if failed(1) && !failed(0) {
                    return Ok(Outcome::Rejected(RowError::new(
                        index,
                        "number",
                        format!(
                            "another document of this customer has number {} on {}",
                            after.number, after.issued_on
                        ),
                    )));
                }
                // Changed meanwhile (or a conflict): read again and decide again.
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Unavailable(format!(
        "document {} kept changing while being applied",
        after.erp_key
    )))
}

pub async fn apply_documents(
    store: &Store,
    rows: Vec<(usize, DocumentRecord)>,
) -> Result<ApplyReport, StoreError> {
    let store = store.clone();
    let outcomes = for_each_row(rows, move |(index, record)| {
        apply_one(store.clone(), index, record)
    })
    .await?;
    let mut report = ApplyReport::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Applied => report.applied += 1,
            Outcome::Ignored => report.ignored += 1,
            Outcome::Rejected(error) => report.reject(error),
            Outcome::Pending(error) => report.pending.push(error),
        }
    }
    Ok(report)
}
