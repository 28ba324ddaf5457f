//! Orders and quotes (F21-F26): the cart, atomic placement with stock reservation and credit,
//! seller handling, expiry of unclaimed orders and quotes.
//!
//! - [`place`]: placing an order (one transaction, or a recoverable multi-step reservation for
//!   large orders, see [`intent`]); idempotent through `Idempotency-Key`.
//! - [`handling`]: the state machine (claim, fulfil, cancel, expire) with exactly-once releases.
//! - [`expiry`]: the scheduled job: expires due orders and quotes through sparse indexes, sweeps
//!   stale reservation intents and unfinished stock jobs.
//! - [`cart`], [`quotes`], [`listing`].
//! - Buying tools (F36-F38): [`quick`] order, [`reorder`], [`purchased`] items, saved [`lists`].

pub mod approvals;
pub mod cart;
pub mod credit;
pub mod error;
pub mod events;
pub mod expiry;
pub mod handling;
pub mod intent;
pub mod listing;
pub mod lists;
pub mod model;
pub mod place;
pub mod purchased;
pub mod quick;
pub mod quotes;
pub mod reorder;
pub mod stock;

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, WriteRequest};

pub use error::{OrderError, OrderResult, ShortLine};
pub use model::*;

use crate::app::App;
use crate::messaging::DomainEvent;
use crate::store::{self, keys, Store, StoreError};

/// Items read so far by (PK, SK), and every key asked for (found or not), so a key is never
/// read twice.
#[derive(Debug, Default)]
pub(crate) struct Fetched {
    items: HashMap<(String, String), store::Item>,
    asked: HashSet<(String, String)>,
}

impl Fetched {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn values(&self) -> impl Iterator<Item = &store::Item> {
        self.items.values()
    }

    pub fn into_values(self) -> impl Iterator<Item = store::Item> {
        self.items.into_values()
    }
}

fn key_of_item(item: &store::Item) -> Option<(String, String)> {
    match (item.get(keys::PK), item.get(keys::SK)) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
            Some((pk.clone(), sk.clone()))
        }
        _ => None,
    }
}

/// Reads many keys: one BatchGet per 100 keys, the BatchGets in parallel.
pub(crate) async fn fetch(
    store: &Store,
    mut wanted: Vec<(String, String)>,
    into: &mut Fetched,
) -> Result<(), StoreError> {
    wanted.sort();
    wanted.dedup();
    wanted.retain(|k| !into.asked.contains(k));
    if wanted.is_empty() {
        return Ok(());
    }
    into.asked.extend(wanted.iter().cloned());
    let found = if wanted.len() <= 100 {
        store.batch_get_items(wanted).await?
    } else {
        let mut set = tokio::task::JoinSet::new();
        for chunk in wanted.chunks(100) {
            let (store, chunk) = (store.clone(), chunk.to_vec());
            // Still this function's code (aws_ops: the IAM test).
            set.spawn(crate::aws_ops::inherit(async move {
                store.batch_get_items(chunk).await
            }));
        }
        let mut all = Vec::new();
        while let Some(done) = set.join_next().await {
            all.extend(done.map_err(|e| StoreError::Other(e.to_string()))??);
        }
        all
    };
    for item in found {
        if let Some(k) = key_of_item(&item) {
            into.items.insert(k, item);
        }
    }
    Ok(())
}

pub(crate) fn get<'a>(fetched: &'a Fetched, pk: &str, sk: &str) -> Option<&'a store::Item> {
    fetched.items.get(&(pk.to_string(), sk.to_string()))
}

/// What placement needs to know about a customer before reading it (its price list decides
/// which price keys to read): remembered per process, always checked against the customer read
/// in the same BatchGet, and re-read when it was wrong. It lets a warm function place a
/// 10-line order with one BatchGet and one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CustomerHint {
    pub price_list_id: Option<String>,
    pub default_warehouse_id: Option<String>,
}

fn hints() -> &'static Mutex<HashMap<String, CustomerHint>> {
    static HINTS: OnceLock<Mutex<HashMap<String, CustomerHint>>> = OnceLock::new();
    HINTS.get_or_init(|| Mutex::new(HashMap::new()))
}

pub(crate) fn hint(customer_id: &str) -> Option<CustomerHint> {
    hints()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(customer_id)
        .cloned()
}

pub(crate) fn remember_hint(customer_id: &str, hint: CustomerHint) {
    let mut map = hints().lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= 10_000 {
        map.clear();
    }
    map.insert(customer_id.to_string(), hint);
}

/// Relays events committed with an action, then clears them from the outbox in one
/// BatchWriteItem. Failures are logged: the outbox sweep relays what is left.
pub async fn relay(app: &App, events: &[DomainEvent]) {
    if events.is_empty() {
        return;
    }
    let published = match app.events.publish(events).await {
        Ok(ids) => ids,
        Err(err) => {
            tracing::warn!(error = %err, count = events.len(), "event relay failed; left in the outbox for the sweep");
            return;
        }
    };
    let deletes: Vec<WriteRequest> = events
        .iter()
        .filter(|e| published.contains(&e.id))
        .filter_map(|e| {
            let (pk, sk) = e.outbox_key();
            let key = store::key_of(&pk, &sk);
            DeleteRequest::builder()
                .set_key(Some(key))
                .build()
                .ok()
                .map(|d| WriteRequest::builder().delete_request(d).build())
        })
        .collect();
    for chunk in deletes.chunks(25) {
        let mut pending = chunk.to_vec();
        for attempt in 0..5u32 {
            let out = app
                .store
                .client()
                .batch_write_item()
                .request_items(app.store.table(), pending.clone())
                .send()
                .await;
            match out {
                Ok(out) => {
                    pending = out
                        .unprocessed_items
                        .and_then(|mut u| u.remove(app.store.table()))
                        .unwrap_or_default();
                    if pending.is_empty() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
                }
                Err(err) => {
                    tracing::warn!(error = ?err, "outbox cleanup failed; the sweep will retry (consumers dedupe)");
                    break;
                }
            }
        }
    }
}

/// Whether a store error is worth retrying the whole action for (a competing transaction).
pub(crate) fn is_contention(err: &StoreError) -> bool {
    match err {
        StoreError::TransactionCanceled(reasons) => reasons.iter().flatten().any(|r| {
            r == "TransactionConflict" || r == "ConditionalCheckFailed" || r == "ThrottlingError"
        }),
        StoreError::Other(msg) | StoreError::Unavailable(msg) => {
            msg.contains("TransactionConflict") || msg.contains("TransactionInProgress")
        }
        _ => false,
    }
}

/// A short random pause before retrying after contention (grows with the attempt).
pub(crate) async fn backoff(attempt: u32) {
    use rand::Rng;
    let ceiling = 8u64 << attempt.min(5);
    let ms = rand::thread_rng().gen_range(2..=ceiling);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// The RFC 3339 instant `hours` from now, in the sortable format of sort keys.
pub(crate) fn hours_from_now(hours: u32) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(i64::from(hours)))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
