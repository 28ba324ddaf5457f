//! Applying inbound records idempotently (F29): each write is conditional on the stored
//! version being older than the record's (`attribute_not_exists(version) OR version < :v`), so
//! the same batch applied twice changes nothing and an older record never replaces a newer one.
//!
//! Requests: reads are BatchGetItem (100 keys each); conditional writes go in TransactWriteItems
//! of up to 100 actions (one request for 100 records, where BatchWriteItem would take four but
//! cannot carry conditions); a cancelled transaction is retried without the records whose
//! condition failed. What a record implies (an item's search words) is written in the same
//! transaction as the record: a worker stopped between the two would otherwise leave it
//! undone for good, as the retry finds the record already at its version and skips it.

pub mod customers;
pub mod documents;
pub mod items;
pub mod prices;
pub mod stock;

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use super::records::Records;
use crate::store::{Store, StoreError};

/// Actions in one TransactWriteItems (DynamoDB's limit).
pub const TRANSACTION_ACTIONS: usize = 100;
/// Requests of one kind in flight at once while applying.
pub const CONCURRENCY: usize = 8;
/// Rounds of re-reading and retrying records whose write lost a race.
const MAX_ROUNDS: usize = 8;

/// A problem with one record, by its index in the batch and the field (relative to the record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub index: usize,
    pub field: String,
    pub reason: String,
}

impl RowError {
    pub fn new(index: usize, field: &str, reason: impl Into<String>) -> Self {
        Self {
            index,
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// What applying some records did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApplyReport {
    /// Written (new, or newer than what was stored).
    pub applied: usize,
    /// Not written: the stored record is as new or newer (a repeat, or an older version).
    pub ignored: usize,
    /// Refused for good (e.g. a price in another currency than its list); see `errors`.
    pub rejected: usize,
    pub errors: Vec<RowError>,
    /// Records that cannot be applied yet (e.g. a document of a customer not synced yet): the
    /// message is retried later, and ends in the DLQ if it never can.
    #[serde(default)]
    pub pending: Vec<RowError>,
}

impl ApplyReport {
    pub fn reject(&mut self, error: RowError) {
        self.rejected += 1;
        self.errors.push(error);
    }

    pub fn add(&mut self, other: ApplyReport) {
        self.applied += other.applied;
        self.ignored += other.ignored;
        self.rejected += other.rejected;
        self.errors.extend(other.errors);
        self.pending.extend(other.pending);
    }
}

/// Applies valid records of one kind.
pub async fn apply(store: &Store, records: Records) -> Result<ApplyReport, StoreError> {
    match records {
        Records::Items(rows) => items::apply_items(store, rows).await,
        Records::Prices(rows) => prices::apply_prices(store, rows).await,
        Records::Stock(rows) => stock::apply_stock(store, rows).await,
        Records::Customers(rows) => customers::apply_customers(store, rows).await,
        Records::Documents(rows) => documents::apply_documents(store, rows).await,
    }
}

// Bulk helpers --------------------------------------------------------------------------------

/// What became of conditional writes.
#[derive(Debug, Default)]
pub struct TransactOutcome {
    /// Written.
    pub done: Vec<usize>,
    /// Their condition was false (for versioned writes: the stored record is as new or newer).
    pub condition_failed: Vec<usize>,
}

/// Runs conditional writes, one action per record (keyed by the record's index); see
/// [`transact_grouped`].
pub async fn transact_rows(
    store: &Store,
    rows: Vec<(usize, TransactWriteItem)>,
) -> Result<TransactOutcome, StoreError> {
    transact_grouped(
        store,
        rows.into_iter()
            .map(|(i, action)| (i, vec![action]))
            .collect(),
    )
    .await
}

/// Packs records (each a list of actions that must commit together) into transactions of at
/// most [`TRANSACTION_ACTIONS`] actions, never splitting a record.
fn pack(rows: Vec<(usize, Vec<TransactWriteItem>)>) -> Vec<Vec<(usize, Vec<TransactWriteItem>)>> {
    let mut groups = Vec::new();
    let mut current: Vec<(usize, Vec<TransactWriteItem>)> = Vec::new();
    let mut size = 0;
    for row in rows {
        if size + row.1.len() > TRANSACTION_ACTIONS && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
            size = 0;
        }
        size += row.1.len();
        current.push(row);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// Runs conditional writes of records, each record a list of actions that commit together
/// (an item with its search words), in transactions of up to [`TRANSACTION_ACTIONS`] actions,
/// [`CONCURRENCY`] at a time. A transaction cancelled by some records' conditions is retried
/// without them; one cancelled by a conflict with another writer (an order reserving the same
/// stock) or by throttling is retried with backoff.
pub async fn transact_grouped(
    store: &Store,
    rows: Vec<(usize, Vec<TransactWriteItem>)>,
) -> Result<TransactOutcome, StoreError> {
    if let Some((index, actions)) = rows.iter().find(|(_, a)| a.len() > TRANSACTION_ACTIONS) {
        return Err(StoreError::Other(format!(
            "record {index} needs {} actions, more than one transaction holds",
            actions.len()
        )));
    }
    let mut outcome = TransactOutcome::default();
    let mut pending = rows;
    for attempt in 0..12u32 {
        if pending.is_empty() {
            return Ok(outcome);
        }
        let mut groups = pack(std::mem::take(&mut pending)).into_iter();
        let mut running = tokio::task::JoinSet::new();
        let mut contended = false;
        loop {
            while running.len() < CONCURRENCY {
                let Some(group) = groups.next() else { break };
                let store = store.clone();
                // Still this function's code (aws_ops: the IAM test).
                running.spawn(crate::aws_ops::inherit(async move {
                    let actions = group.iter().flat_map(|(_, a)| a.iter().cloned()).collect();
                    let result = store.transact(actions).await;
                    (group, result)
                }));
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            let (group, result) = joined.map_err(|e| StoreError::Other(e.to_string()))?;
            match result {
                Ok(()) => outcome.done.extend(group.iter().map(|(i, _)| *i)),
                Err(StoreError::TransactionCanceled(reasons)) => {
                    let failed: HashSet<usize> = reasons
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.as_deref() == Some("ConditionalCheckFailed"))
                        .map(|(pos, _)| pos)
                        .collect();
                    if failed.is_empty() {
                        contended = true;
                    }
                    let mut position = 0;
                    for row in group {
                        let actions = position..position + row.1.len();
                        position = actions.end;
                        if actions.into_iter().any(|p| failed.contains(&p)) {
                            outcome.condition_failed.push(row.0);
                        } else {
                            pending.push(row);
                        }
                    }
                }
                Err(StoreError::Unavailable(_)) => {
                    contended = true;
                    pending.extend(group);
                }
                Err(StoreError::Other(message))
                    if message.contains("TransactionConflict")
                        || message.contains("TransactionInProgress") =>
                {
                    contended = true;
                    pending.extend(group);
                }
                Err(other) => return Err(other),
            }
        }
        if contended && !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(25 << attempt.min(6))).await;
        }
    }
    if pending.is_empty() {
        Ok(outcome)
    } else {
        Err(StoreError::Unavailable(format!(
            "{} records still contended after retries",
            pending.len()
        )))
    }
}

/// Runs `work` on every row, [`CONCURRENCY`] at a time (records that need their own
/// transaction: customers, documents).
pub async fn for_each_row<T, R, F, Fut>(rows: Vec<T>, work: F) -> Result<Vec<R>, StoreError>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<R, StoreError>> + Send + 'static,
{
    let mut out = Vec::with_capacity(rows.len());
    let mut pending = rows.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < CONCURRENCY {
            let Some(row) = pending.next() else { break };
            running.spawn(crate::aws_ops::inherit(work(row)));
        }
        match running.join_next().await {
            None => return Ok(out),
            Some(Ok(result)) => out.push(result?),
            Some(Err(e)) => return Err(StoreError::Other(e.to_string())),
        }
    }
}

pub(crate) fn rounds() -> std::ops::Range<usize> {
    0..MAX_ROUNDS
}
