//! The aggregates consumer's work: one order event -> atomic ADDs on its day and month buckets.
//!
//! Exactly once per (order, event type): each order passes each step (placed, claimed...) at
//! most once, so the marker is keyed by the order and the step, not by the event id (a replay
//! with another id still counts once). An event's updates are split into transactions of at
//! most [`MAX_ACTIONS`] (DynamoDB allows 100): each holds a conditional put of its own marker
//! (`RPTDONE#<order>#<type>` / `PART#<n>`) and its bucket ADDs, so a part applies entirely or
//! not at all, and a redelivery skips the parts already applied. The split depends only on
//! the order (its lines and agent, which never change), so every delivery splits alike.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{dimension, Metric, Scope};
use crate::catalog::model::Item;
use crate::messaging::DomainEvent;
use crate::orders::Order;
use crate::store::{from_item, keys, n, s, Keys, Store, StoreError};
use crate::types::now_rfc3339;

/// Bucket updates per transaction (plus its marker: 100, DynamoDB's limit).
pub const MAX_ACTIONS: usize = 99;

/// Markers outlive any redelivery or replay from the DLQ (14 days) or an archive by far; a
/// replay older than this is a rebuild (docs/reports.md).
const MARKER_DAYS: i64 = 400;

/// Attempts of one part when other transactions hold its buckets (hot totals under a burst).
const ATTEMPTS: u32 = 12;

/// The value of a bucket without a name (an item deleted from the catalog, say).
pub const UNKNOWN: &str = "(unknown)";

/// One counter update: a bucket and what to add to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Add {
    pub pk: String,
    pub sk: String,
    /// A display name kept on the bucket (customer or item name), the latest one written.
    pub label: Option<String>,
    pub orders: i64,
    pub value: Decimal,
    pub quantity: i64,
}

/// What [`apply_event`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Not an event reports count.
    Ignored,
    /// `applied` transactions written now, `skipped` found applied by an earlier delivery.
    Counted { applied: usize, skipped: usize },
}

/// The type and brand of an item, as the catalog says when the event is first counted.
#[derive(Debug, Clone, Default)]
pub struct ItemFacts {
    pub item_type: String,
    pub brand: String,
}

/// Every bucket update of one order event, in groups that must stay together: the order's
/// own buckets first, then one group per line. Pure: the tests and the rebuild use it too.
pub fn plan(
    order: &Order,
    metric: Metric,
    at: &str,
    items: &HashMap<String, ItemFacts>,
) -> Vec<Vec<Add>> {
    let day = at.get(..10).unwrap_or(at);
    let month = at.get(..7).unwrap_or(at);
    let currency = order.currency.as_str();
    let agent = order
        .agent_id
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(|a| Scope::Agent(a.to_string()));
    // Scopes with every dimension: all orders, and the agent's customers'.
    let wide: Vec<Scope> = std::iter::once(Scope::All).chain(agent.clone()).collect();
    let customer = Scope::Customer(order.customer_id.clone());

    let both = |out: &mut Vec<Add>,
                scope: &Scope,
                dim: &str,
                value: &str,
                label: Option<&str>,
                orders: i64,
                amount: Decimal,
                quantity: i64| {
        let pk = keys::report_pk(&scope.key(), currency, dim);
        for sk in [
            keys::report_day_sk(day, value),
            keys::report_month_sk(month, value),
        ] {
            out.push(Add {
                pk: pk.clone(),
                sk,
                label: label.map(str::to_string),
                orders,
                value: amount,
                quantity,
            });
        }
    };

    let mut head = Vec::new();
    let quantity: i64 = order.lines.iter().map(|l| l.quantity).sum();
    for scope in wide.iter().chain([&customer]) {
        head.push(Add {
            pk: keys::report_pk(&scope.key(), currency, dimension::TOTAL),
            sk: keys::report_day_sk(day, ""),
            label: None,
            orders: 1,
            value: order.subtotal,
            quantity,
        });
    }
    let mut groups = Vec::new();
    if metric == Metric::Claimed {
        // A claim changes no sales figure: only the orders-by-status counts.
        groups.push(head);
        return groups;
    }
    for scope in &wide {
        both(
            &mut head,
            scope,
            dimension::CUSTOMER,
            &order.customer_id,
            Some(&order.customer_name),
            1,
            order.subtotal,
            quantity,
        );
        both(
            &mut head,
            scope,
            dimension::WAREHOUSE,
            &order.warehouse_id,
            None,
            1,
            order.subtotal,
            quantity,
        );
    }
    if let Some(Scope::Agent(agent_id)) = &agent {
        both(
            &mut head,
            &Scope::All,
            dimension::AGENT,
            agent_id,
            None,
            1,
            order.subtotal,
            quantity,
        );
    }
    groups.push(head);
    for line in &order.lines {
        let sku = line.sku.to_string();
        let facts = items.get(&sku).cloned().unwrap_or_default();
        let item_type = non_empty(&facts.item_type);
        let brand = non_empty(&facts.brand);
        let mut group = Vec::new();
        for scope in &wide {
            both(
                &mut group,
                scope,
                dimension::ITEM,
                &sku,
                Some(&line.name),
                1,
                line.subtotal,
                line.quantity,
            );
            // Type and brand count value and units, not orders (two lines of one type in one
            // order would count it twice).
            both(
                &mut group,
                scope,
                dimension::ITEM_TYPE,
                item_type,
                None,
                0,
                line.subtotal,
                line.quantity,
            );
            both(
                &mut group,
                scope,
                dimension::BRAND,
                brand,
                None,
                0,
                line.subtotal,
                line.quantity,
            );
        }
        both(
            &mut group,
            &customer,
            dimension::ITEM,
            &sku,
            Some(&line.name),
            1,
            line.subtotal,
            line.quantity,
        );
        groups.push(group);
    }
    groups
}

fn non_empty(value: &str) -> &str {
    let v = value.trim();
    if v.is_empty() {
        UNKNOWN
    } else {
        v
    }
}

/// Packs groups into transactions of at most [`MAX_ACTIONS`] updates (a group is never split;
/// none is larger than that), then merges the updates of one bucket inside each transaction
/// (DynamoDB refuses two actions on one item in a transaction).
pub fn pack(groups: Vec<Vec<Add>>) -> Vec<Vec<Add>> {
    let mut parts: Vec<Vec<Add>> = Vec::new();
    let mut current: Vec<Add> = Vec::new();
    for group in groups {
        if !current.is_empty() && current.len() + group.len() > MAX_ACTIONS {
            parts.push(std::mem::take(&mut current));
        }
        current.extend(group);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts.into_iter().map(merge).collect()
}

fn merge(adds: Vec<Add>) -> Vec<Add> {
    let mut merged: BTreeMap<(String, String), Add> = BTreeMap::new();
    for add in adds {
        match merged.get_mut(&(add.pk.clone(), add.sk.clone())) {
            Some(existing) => {
                existing.orders += add.orders;
                existing.value += add.value;
                existing.quantity += add.quantity;
                if add.label.is_some() {
                    existing.label = add.label;
                }
            }
            None => {
                merged.insert((add.pk.clone(), add.sk.clone()), add);
            }
        }
    }
    merged.into_values().collect()
}

/// The UpdateItem of one bucket: `ADD <metric>_orders, <metric>_value, <metric>_qty`.
fn update(store: &Store, metric: Metric, add: &Add) -> Result<TransactWriteItem, StoreError> {
    let m = metric.as_str();
    let orders = format!("{m}_orders");
    let value = format!("{m}_value");
    let qty = format!("{m}_qty");
    let mut names: Vec<(&str, &str)> = vec![("#v", &value), ("#q", &qty)];
    let mut values: Vec<(&str, AttributeValue)> =
        vec![(":v", n(add.value)), (":q", n(add.quantity))];
    let mut expression = "ADD #v :v, #q :q".to_string();
    if add.orders != 0 {
        expression.push_str(", #o :o");
        names.push(("#o", &orders));
        values.push((":o", n(add.orders)));
    }
    if let Some(label) = &add.label {
        expression.push_str(" SET #l = :l");
        names.push(("#l", "label"));
        values.push((":l", s(label)));
    }
    store.tx_update(&add.pk, &add.sk, &expression, None, &names, values)
}

#[derive(Serialize)]
struct Marker<'a> {
    order_id: &'a str,
    event_type: &'a str,
    event_id: &'a str,
    part: usize,
    updates: usize,
    at: String,
}

/// Applies one part: its marker (only if absent) and its ADDs, in one transaction. `false`
/// when an earlier delivery applied it.
async fn apply_part(
    store: &Store,
    event: &DomainEvent,
    order_id: &str,
    metric: Metric,
    part: usize,
    adds: &[Add],
) -> Result<bool, StoreError> {
    let ttl = chrono::Utc::now().timestamp() + MARKER_DAYS * 24 * 3600;
    let marker_keys = Keys::new(
        keys::report_marker_pk(order_id, &event.kind),
        keys::report_marker_sk(part),
    )
    .ttl(ttl);
    let marker = Marker {
        order_id,
        event_type: &event.kind,
        event_id: &event.id,
        part,
        updates: adds.len(),
        at: now_rfc3339(),
    };
    let mut actions = vec![store.tx_put_new(&marker_keys, &marker)?];
    for add in adds {
        actions.push(update(store, metric, add)?);
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        match store.transact(actions.clone()).await {
            Ok(()) => return Ok(true),
            Err(StoreError::TransactionCanceled(reasons))
                if reasons.first().and_then(|r| r.as_deref()) == Some("ConditionalCheckFailed") =>
            {
                return Ok(false)
            }
            // Another transaction holds one of the buckets (a hot day total under a burst), or
            // DynamoDB throttles: wait a little, with jitter, and try again.
            Err(StoreError::TransactionCanceled(reasons))
                if attempt < ATTEMPTS
                    && reasons.iter().flatten().all(|r| {
                        matches!(
                            r.as_str(),
                            "TransactionConflict"
                                | "ThrottlingError"
                                | "ProvisionedThroughputExceeded"
                        )
                    }) =>
            {
                backoff(attempt).await
            }
            Err(StoreError::Unavailable(_)) if attempt < ATTEMPTS => backoff(attempt).await,
            Err(e) => return Err(e),
        }
    }
}

async fn backoff(attempt: u32) {
    let base = 10u64 << attempt.min(6);
    let jitter = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0),
    ) % base.max(1);
    tokio::time::sleep(std::time::Duration::from_millis(base + jitter)).await;
}

/// Counts one order event in the report buckets, once however often it is delivered.
pub async fn apply_event(store: &Store, event: &DomainEvent) -> Result<Applied, StoreError> {
    let Some(metric) = Metric::of_event(&event.kind) else {
        return Ok(Applied::Ignored);
    };
    let order_id = event
        .data
        .get("order_id")
        .and_then(|v| v.as_str())
        .ok_or_else(|| StoreError::Other(format!("event {} has no order_id", event.id)))?;
    // The order, not the event, is the source: it has every line (an event carries at most
    // 100) and the agent, and its step times never change.
    let order: Order = store
        .get(&keys::order_pk(order_id), keys::ORDER_SK)
        .await?
        .ok_or_else(|| StoreError::Other(format!("order {order_id} not found")))?;
    let at = metric
        .at(&order)
        .map(str::to_string)
        .unwrap_or_else(|| event.occurred_at.clone());
    let items = if metric == Metric::Claimed {
        HashMap::new()
    } else {
        item_facts(store, &order).await?
    };
    let parts = pack(plan(&order, metric, &at, &items));
    let (mut applied, mut skipped) = (0, 0);
    for (n, adds) in parts.iter().enumerate() {
        if apply_part(store, event, order_id, metric, n, adds).await? {
            applied += 1;
        } else {
            skipped += 1;
        }
    }
    Ok(Applied::Counted { applied, skipped })
}

/// Type and brand of the order's items: one BatchGetItem per 100 lines.
async fn item_facts(
    store: &Store,
    order: &Order,
) -> Result<HashMap<String, ItemFacts>, StoreError> {
    let keys: Vec<(String, String)> = order
        .lines
        .iter()
        .map(|l| (keys::item_pk(&l.sku.to_string()), keys::ITEM_SK.to_string()))
        .collect();
    let mut facts = HashMap::new();
    for raw in store.batch_get_items(keys).await? {
        let item: Item = from_item(raw)?;
        facts.insert(
            item.sku.to_string(),
            ItemFacts {
                item_type: item.item_type,
                brand: item.brand,
            },
        );
    }
    Ok(facts)
}

/// The domain event in an SQS message body: the EventBridge envelope the rule delivers
/// (`detail` an object, or a JSON string when sent by hand).
pub fn event_of_body(body: &str) -> Result<DomainEvent, String> {
    let envelope: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("not an EventBridge event: {e}"))?;
    let detail = match envelope.get("detail") {
        Some(serde_json::Value::String(text)) => {
            serde_json::from_str(text).map_err(|e| format!("detail: {e}"))?
        }
        Some(other) => other.clone(),
        None => return Err("an EventBridge event without detail".into()),
    };
    serde_json::from_value(detail).map_err(|e| format!("detail is not a domain event: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adds(count: usize, pk: &str) -> Vec<Add> {
        (0..count)
            .map(|i| Add {
                pk: pk.into(),
                sk: format!("D#2026-01-01#{i}"),
                label: None,
                orders: 1,
                value: Decimal::ONE,
                quantity: 1,
            })
            .collect()
    }

    #[test]
    fn parts_never_exceed_the_transaction_limit_and_keep_groups_whole() {
        let groups = vec![
            adds(13, "H"),
            adds(14, "A"),
            adds(14, "B"),
            adds(14, "C"),
            adds(14, "D"),
            adds(14, "E"),
            adds(14, "F"),
            adds(14, "G"),
        ];
        let parts = pack(groups);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 13 + 14 * 6);
        assert_eq!(parts[1].len(), 14);
        assert!(parts.iter().all(|p| p.len() <= MAX_ACTIONS));
    }

    #[test]
    fn one_bucket_is_one_action_per_transaction() {
        let mut group = adds(2, "T");
        group[1].sk = group[0].sk.clone();
        let parts = pack(vec![group]);
        assert_eq!(parts[0].len(), 1);
        assert_eq!(parts[0][0].orders, 2);
        assert_eq!(parts[0][0].value, Decimal::TWO);
    }
}
