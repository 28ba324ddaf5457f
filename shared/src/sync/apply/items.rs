//! Items from the ERP. Each item record is written with a condition that it is still the one
//! read (the catalog's `rev`, or absent), after checking the read one is older, in the same
//! transaction as its search words (the new ones put, the dropped ones deleted): a retried
//! message finds the item at its version and skips it, so words written later could be lost.
//! Facet counters follow (transactions of 100 counter updates). A record that lost a race is read
//! again and decided again.

use std::collections::HashMap;

use super::{rounds, transact_grouped, transact_rows, ApplyReport, CONCURRENCY};
use crate::catalog::items::{self, FacetDeltas};
use crate::catalog::Item;
use crate::store::{Store, StoreError};
use crate::sync::version::is_newer;

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
        let stored =
            items::get_stored_many(store, pending.iter().map(|(_, i)| &i.sku), CONCURRENCY).await?;

        let mut writes = Vec::new();
        let mut plans: HashMap<usize, Item> = HashMap::new();
        for (index, item) in pending.drain(..) {
            let before = stored.get(&item.sku);
            let incoming = item.version.as_deref().unwrap_or_default();
            if before.is_some_and(|b| !is_newer(incoming, b.item.version.as_deref())) {
                report.ignored += 1;
                continue;
            }
            writes.push((index, items::item_write_actions(store, before, &item)?));
            plans.insert(index, item);
        }
        let outcome = transact_grouped(store, writes).await?;

        // The facet counters of what was written.
        let mut deltas = FacetDeltas::default();
        for index in &outcome.done {
            let after = &plans[index];
            let before = stored.get(&after.sku).map(|s| &s.item);
            report.applied += 1;
            deltas.record(before, Some(after));
        }
        // Many counters change at once in a large batch: 100 to a transaction, not one
        // UpdateItem each (no conditions; a conflict with another writer is retried).
        let counters = items::facet_update_actions(store, &deltas)?;
        transact_rows(store, counters.into_iter().enumerate().collect()).await?;

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
