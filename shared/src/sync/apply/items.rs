//! Items from the ERP. Each item record is written with a condition that it is still the one
//! read (the catalog's `rev`, or absent), after checking the read one is older; then its search
//! words (BatchWriteItem) and facet counters follow, as the catalog's own writes do. A record
//! that lost a race is read again and decided again.

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

use super::{delete_request, get_many, put_request, rounds, transact_rows, ApplyReport};
use crate::catalog::files::write_all;
use crate::catalog::items::{self, FacetDeltas, StoredItem};
use crate::catalog::{Item, Sku};
use crate::store::{keys, Store, StoreError};
use crate::sync::version::is_newer;

fn conditional_put(
    store: &Store,
    item: &Item,
    stored: Option<&StoredItem>,
) -> Result<TransactWriteItem, StoreError> {
    let record = items::item_record(item)?;
    let mut put = Put::builder()
        .table_name(store.table())
        .set_item(Some(record));
    match stored {
        None => put = put.condition_expression("attribute_not_exists(PK)"),
        Some(stored) => {
            let (condition, values) = items::unchanged_condition(stored.rev.as_deref());
            put = put
                .condition_expression(condition)
                .expression_attribute_names("#rev", "rev");
            for (k, v) in values {
                put = put.expression_attribute_values(k, v);
            }
        }
    }
    let put = put.build().map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

pub async fn apply_items(
    store: &Store,
    rows: Vec<(usize, Item)>,
) -> Result<ApplyReport, StoreError> {
    let mut report = ApplyReport::default();
    let mut pending = rows;
    for _ in rounds() {
        if pending.is_empty() {
            return Ok(report);
        }
        let stored: HashMap<Sku, StoredItem> = get_many(
            store,
            pending
                .iter()
                .map(|(_, i)| (keys::item_pk(i.sku.as_str()), keys::ITEM_SK.to_string()))
                .collect(),
        )
        .await?
        .into_iter()
        .filter_map(|raw| StoredItem::from_record(raw).ok())
        .map(|s| (s.item.sku.clone(), s))
        .collect();

        let mut writes = Vec::new();
        let mut plans: HashMap<usize, Item> = HashMap::new();
        for (index, item) in pending.drain(..) {
            let before = stored.get(&item.sku);
            let incoming = item.version.as_deref().unwrap_or_default();
            if before.is_some_and(|b| !is_newer(incoming, b.item.version.as_deref())) {
                report.ignored += 1;
                continue;
            }
            writes.push((index, conditional_put(store, &item, before)?));
            plans.insert(index, item);
        }
        let outcome = transact_rows(store, writes).await?;

        // The search words and facet counters of what was written.
        let mut derived = Vec::new();
        let mut deltas = FacetDeltas::default();
        for index in &outcome.done {
            let after = &plans[index];
            let before = stored.get(&after.sku).map(|s| &s.item);
            report.applied += 1;
            let new_words: HashSet<String> = items::search_words(after).into_iter().collect();
            if let Some(before) = before {
                for word in items::search_words(before) {
                    if !new_words.contains(&word) {
                        let (pk, sk) = items::search_key(&word, &before.sku);
                        derived.push(delete_request(&pk, &sk)?);
                    }
                }
            }
            for record in items::search_records(after)? {
                derived.push(put_request(record)?);
            }
            deltas.record(before, Some(after));
        }
        write_all(store, derived).await?;
        items::apply_facet_deltas(store, &deltas).await?;

        // Someone else wrote these since the read: decide again on what is stored now.
        pending = outcome
            .condition_failed
            .into_iter()
            .filter_map(|i| plans.remove(&i).map(|item| (i, item)))
            .collect();
    }
    if pending.is_empty() {
        Ok(report)
    } else {
        Err(StoreError::Unavailable(format!(
            "{} items kept changing while being applied",
            pending.len()
        )))
    }
}
