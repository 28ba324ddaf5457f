//! Prices from the ERP: one conditional put per price (`PL#<list>` / `SKU#<sku>`), newer
//! versions only. A price list the ERP names but the portal does not have yet is created with
//! the record's currency; a price in another currency than its list is rejected.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

use super::{transact_rows, ApplyReport, RowError, CONCURRENCY};
use crate::pricing::PriceList;
use crate::store::{self, keys, Keys, Store, StoreError};
use crate::sync::records::PriceRecord;
use crate::types::now_rfc3339;

/// The condition of every versioned write.
pub const NEWER_CONDITION: &str =
    "attribute_not_exists(PK) OR attribute_not_exists(#version) OR #version < :version";

fn price_list_keys(list: &PriceList) -> Keys {
    Keys::new(keys::price_list_pk(&list.id), keys::META_SK).gsi1(
        keys::PRICE_LISTS_INDEX_PK,
        keys::price_list_index_sk(&list.name, &list.id),
    )
}

/// The lists the records name, created where missing. Answers each list's currency.
async fn ensure_lists(
    store: &Store,
    rows: &[(usize, PriceRecord)],
) -> Result<HashMap<String, PriceList>, StoreError> {
    // Per list, the first record that names it (else the first record).
    let mut wanted: BTreeMap<&str, &PriceRecord> = BTreeMap::new();
    for (_, record) in rows {
        let entry = wanted
            .entry(record.price.price_list_id.as_str())
            .or_insert(record);
        if entry.list_name.is_none() && record.list_name.is_some() {
            *entry = record;
        }
    }
    let keys = wanted
        .keys()
        .map(|id| (keys::price_list_pk(id), keys::META_SK.to_string()))
        .collect();
    let mut lists: HashMap<String, PriceList> = store
        .batch_get_many(keys, CONCURRENCY)
        .await?
        .into_iter()
        .filter_map(|raw| store::from_item::<PriceList>(raw).ok())
        .map(|l| (l.id.clone(), l))
        .collect();
    for (id, record) in wanted {
        if lists.contains_key(id) {
            continue;
        }
        let now = now_rfc3339();
        let list = PriceList {
            id: id.to_string(),
            name: record.list_name.clone().unwrap_or_else(|| id.to_string()),
            currency: record.currency.clone(),
            has_prices: true,
            created_at: now.clone(),
            updated_at: now,
        };
        match store.put_new(&price_list_keys(&list), &list).await {
            Ok(()) => {
                lists.insert(list.id.clone(), list);
            }
            // Created meanwhile (by staff or another batch): use that one.
            Err(StoreError::ConditionFailed) => {
                if let Some(existing) = store
                    .get::<PriceList>(&keys::price_list_pk(id), keys::META_SK)
                    .await?
                {
                    lists.insert(existing.id.clone(), existing);
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(lists)
}

pub async fn apply_prices(
    store: &Store,
    rows: Vec<(usize, PriceRecord)>,
) -> Result<ApplyReport, StoreError> {
    let mut report = ApplyReport::default();
    if rows.is_empty() {
        return Ok(report);
    }
    let lists = ensure_lists(store, &rows).await?;
    let mut writes = Vec::new();
    let mut used_lists: Vec<&PriceList> = Vec::new();
    for (index, record) in &rows {
        let Some(list) = lists.get(&record.price.price_list_id) else {
            report.reject(RowError::new(
                *index,
                "price_list_id",
                "the price list could not be created",
            ));
            continue;
        };
        if list.currency != record.currency {
            report.reject(RowError::new(
                *index,
                "currency",
                format!(
                    "the price list {} is in {}, not {}",
                    list.id, list.currency, record.currency
                ),
            ));
            continue;
        }
        if !list.has_prices && !used_lists.iter().any(|l| l.id == list.id) {
            used_lists.push(list);
        }
        let price = &record.price;
        let item = store::item(
            &Keys::new(
                keys::price_list_pk(&price.price_list_id),
                keys::price_sk(price.sku.as_str()),
            ),
            price,
        )?;
        let put = Put::builder()
            .table_name(store.table())
            .set_item(Some(item))
            .condition_expression(NEWER_CONDITION)
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(
                ":version",
                store::s(price.version.as_deref().unwrap_or_default()),
            )
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        writes.push((*index, TransactWriteItem::builder().put(put).build()));
    }
    // A list with prices keeps its currency from now on (as the price-list routes do).
    for list in used_lists {
        store
            .client()
            .update_item()
            .table_name(store.table())
            .set_key(Some(store::key_of(
                &keys::price_list_pk(&list.id),
                keys::META_SK,
            )))
            .update_expression("SET has_prices = :yes")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await
            .map_err(|e| StoreError::Other(format!("lock currency: {}", e.into_service_error())))?;
    }
    let outcome = transact_rows(store, writes).await?;
    report.applied += outcome.done.len();
    report.ignored += outcome.condition_failed.len();
    Ok(report)
}
