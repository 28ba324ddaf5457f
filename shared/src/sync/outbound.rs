//! Outbound sync (F30, F32): order events from the bus reach the `erp-sync` queue and are
//! sent to the ERP, in order per order, each exactly once as the ERP sees it.
//!
//! - Per order, an `ERPOUT#<order>` / `STATE` item records which events the ERP acknowledged
//!   (placed, claimed, cancelled) with its order number. An event already acknowledged is not
//!   sent again; the ERP also deduplicates by `event_id`, which covers a crash between its
//!   answer and the portal's record of it.
//! - Ordering: an event is sent only when its predecessors are acknowledged: claimed and
//!   cancelled wait for placed; cancelled waits for claimed when the order was claimed. One
//!   that arrives early is deferred (sent back to the queue with a delay) — so a cancel never
//!   overtakes its create, even though the queue itself does not keep order.
//! - The acknowledgement marks the order: `erp_acknowledged_at` and `erp_number` on the order
//!   item (and `erp_claim_acknowledged_at` / `erp_cancel_acknowledged_at`). Stock applied from
//!   the ERP counts acknowledged orders as already in the ERP's figures (see `apply::stock`).

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use super::erp::{
    ErpApi, ErpError, ErpOrder, ErpOrderLine, OrderEventMessage, OrderEventType, CONTRACT,
};
use crate::catalog::Sku;
use crate::messaging::{event_types, DomainEvent};
use crate::orders::events::OrderNotice;
use crate::orders::{Order, OrderStatus};
use crate::store::{self, keys, Page, Store, StoreError};
use crate::types::now_rfc3339;

/// GSI1 partition of the outbound states, newest change first: the "exported orders" list.
pub const OUTBOUND_INDEX_PK: &str = "ERPOUTS";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delivery {
    pub event_id: String,
    pub acknowledged_at: String,
    #[serde(default)]
    pub erp_number: Option<String>,
}

/// What the ERP has acknowledged of one order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutboundState {
    pub order_id: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub placed: Option<Delivery>,
    #[serde(default)]
    pub claimed: Option<Delivery>,
    #[serde(default)]
    pub cancelled: Option<Delivery>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl OutboundState {
    fn delivery(&self, kind: OrderEventType) -> Option<&Delivery> {
        match kind {
            OrderEventType::Placed => self.placed.as_ref(),
            OrderEventType::Claimed => self.claimed.as_ref(),
            OrderEventType::Cancelled => self.cancelled.as_ref(),
        }
    }
}

pub async fn load_state(
    store: &Store,
    order_id: &str,
) -> Result<Option<OutboundState>, StoreError> {
    store
        .get(&keys::erp_outbound_pk(order_id), keys::ERP_OUTBOUND_SK)
        .await
}

/// The orders sent to the ERP, most recently acknowledged first.
pub async fn list_states(
    store: &Store,
    cursor: Option<String>,
    limit: i32,
) -> Result<Page<OutboundState>, StoreError> {
    store
        .query(
            store::QuerySpec::index(keys::GSI1, OUTBOUND_INDEX_PK)
                .newest_first()
                .limit(limit)
                .cursor(cursor),
        )
        .await
}

/// Which outbound event a domain event is (`None`: not one the ERP hears of).
pub fn event_type_of(kind: &str) -> Option<OrderEventType> {
    match kind {
        event_types::ORDER_PLACED => Some(OrderEventType::Placed),
        event_types::ORDER_CLAIMED => Some(OrderEventType::Claimed),
        // An expired order is cancelled as far as the ERP is concerned.
        event_types::ORDER_CANCELLED | event_types::ORDER_EXPIRED => {
            Some(OrderEventType::Cancelled)
        }
        _ => None,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// A predecessor of this event is not acknowledged yet: try again later.
    #[error("waiting for {0}")]
    Deferred(String),
    #[error(transparent)]
    Erp(#[from] ErpError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Not an order event this consumer can read: nothing to retry.
    #[error("unreadable order event: {0}")]
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Acknowledged(Delivery),
    /// The ERP had acknowledged it before (a redelivered message).
    AlreadyAcknowledged,
    /// An event the ERP does not hear of.
    Skipped,
}

/// The order as the event describes it, when the order item cannot be read.
fn order_from_notice(notice: &OrderNotice) -> ErpOrder {
    ErpOrder {
        id: notice.order_id.clone(),
        customer_id: notice.customer_id.clone(),
        customer_erp_key: None,
        customer_name: notice.customer_name.clone(),
        status: notice.status,
        warehouse_id: notice.warehouse_id.clone(),
        currency: notice.currency.clone(),
        lines: notice
            .lines
            .iter()
            .map(|l| ErpOrderLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                unit: l.unit.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: Default::default(),
                subtotal: l.total,
                tax: Default::default(),
                total: l.total,
            })
            .collect(),
        subtotal: notice.subtotal,
        tax: notice.tax,
        total: notice.total,
        note: None,
        contact_email: notice.contact_email.clone(),
        placed_by: notice.placed_by.clone(),
        created_at: notice.created_at.clone(),
    }
}

/// Sends one order event to the ERP if it is due (see the module documentation).
pub async fn deliver<E: ErpApi>(
    store: &Store,
    erp: &E,
    event: &DomainEvent,
) -> Result<Sent, OutboundError> {
    let Some(kind) = event_type_of(&event.kind) else {
        return Ok(Sent::Skipped);
    };
    let notice: OrderNotice = serde_json::from_value(event.data.clone())
        .map_err(|e| OutboundError::Unreadable(format!("{} data: {e}", event.kind)))?;
    let order_id = notice.order_id.clone();
    let state = load_state(store, &order_id).await?.unwrap_or_default();
    if state.delivery(kind).is_some() {
        return Ok(Sent::AlreadyAcknowledged);
    }
    let order: Option<Order> = store
        .get(&keys::order_pk(&order_id), keys::ORDER_SK)
        .await?;
    if kind != OrderEventType::Placed && state.placed.is_none() {
        return Err(OutboundError::Deferred(format!(
            "order.placed of order {order_id}"
        )));
    }
    let was_claimed = order.as_ref().is_some_and(|o| o.claimed_at.is_some());
    if kind == OrderEventType::Cancelled && was_claimed && state.claimed.is_none() {
        return Err(OutboundError::Deferred(format!(
            "order.claimed of order {order_id}"
        )));
    }
    let customer_erp_key = crate::customers::profile::get(store, &notice.customer_id)
        .await?
        .and_then(|c| c.erp_key);
    let mut erp_order = match &order {
        Some(order) => ErpOrder::of(order, customer_erp_key),
        None => {
            let mut o = order_from_notice(&notice);
            o.customer_erp_key = customer_erp_key;
            o
        }
    };
    // The status the event reports, not whatever the order has become since.
    erp_order.status = match kind {
        OrderEventType::Placed => OrderStatus::Placed,
        OrderEventType::Claimed => OrderStatus::Claimed,
        OrderEventType::Cancelled => notice.status,
    };
    let message = OrderEventMessage {
        contract: CONTRACT.to_string(),
        event_id: event.id.clone(),
        event_type: kind,
        sequence: kind.sequence(),
        occurred_at: event.occurred_at.clone(),
        order: erp_order,
        reason: match event.kind.as_str() {
            event_types::ORDER_EXPIRED => Some("expired".into()),
            _ => notice.reason.clone(),
        },
    };
    let ack = erp.send_order_event(&message).await?;
    if ack.event_id != event.id {
        return Err(ErpError::BadAnswer(format!(
            "acknowledged event {} instead of {}",
            ack.event_id, event.id
        ))
        .into());
    }
    let delivery = Delivery {
        event_id: event.id.clone(),
        acknowledged_at: now_rfc3339(),
        erp_number: ack.erp_number.clone(),
    };
    // The order first, then the state: a crash in between sends the event again, which the
    // ERP answers the same (idempotent by event id), and marks the order again.
    mark_order(store, &order_id, kind, &delivery).await?;
    record_delivery(store, &order_id, &notice.customer_id, kind, &delivery).await?;
    Ok(Sent::Acknowledged(delivery))
}

async fn mark_order(
    store: &Store,
    order_id: &str,
    kind: OrderEventType,
    delivery: &Delivery,
) -> Result<(), StoreError> {
    let mut update = store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(
            &keys::order_pk(order_id),
            keys::ORDER_SK,
        )))
        .condition_expression("attribute_exists(PK)")
        .expression_attribute_values(":at", store::s(&delivery.acknowledged_at));
    update = match kind {
        OrderEventType::Placed => {
            let number = delivery
                .erp_number
                .as_deref()
                .map(store::s)
                .unwrap_or(AttributeValue::Null(true));
            update
                .update_expression("SET erp_acknowledged_at = if_not_exists(erp_acknowledged_at, :at), erp_number = :number")
                .expression_attribute_values(":number", number)
        }
        OrderEventType::Claimed => update.update_expression(
            "SET erp_claim_acknowledged_at = if_not_exists(erp_claim_acknowledged_at, :at)",
        ),
        OrderEventType::Cancelled => update.update_expression(
            "SET erp_cancel_acknowledged_at = if_not_exists(erp_cancel_acknowledged_at, :at)",
        ),
    };
    match update.send().await {
        Ok(_) => Ok(()),
        Err(err) => {
            let service = err.into_service_error();
            if service.is_conditional_check_failed_exception() {
                // The order item is gone (deleted by hand): nothing to mark.
                Ok(())
            } else {
                Err(StoreError::Other(format!("mark order: {service}")))
            }
        }
    }
}

async fn record_delivery(
    store: &Store,
    order_id: &str,
    customer_id: &str,
    kind: OrderEventType,
    delivery: &Delivery,
) -> Result<(), StoreError> {
    let value =
        serde_dynamo::to_attribute_value(delivery).map_err(|e| StoreError::Serde(e.to_string()))?;
    let result = store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(&keys::erp_outbound_pk(order_id), keys::ERP_OUTBOUND_SK)))
        .update_expression("SET #kind = :delivery, order_id = :order, customer_id = :customer, updated_at = :now, GSI1PK = :gpk, GSI1SK = :gsk")
        .condition_expression("attribute_not_exists(#kind)")
        .expression_attribute_names("#kind", kind.state_attribute())
        .expression_attribute_values(":delivery", value)
        .expression_attribute_values(":order", store::s(order_id))
        .expression_attribute_values(":customer", store::s(customer_id))
        .expression_attribute_values(":now", store::s(&delivery.acknowledged_at))
        .expression_attribute_values(":gpk", store::s(OUTBOUND_INDEX_PK))
        .expression_attribute_values(":gsk", store::s(&format!("{}#{order_id}", delivery.acknowledged_at)))
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(err) => {
            let service = err.into_service_error();
            if service.is_conditional_check_failed_exception() {
                // A concurrent delivery of the same event recorded it first.
                Ok(())
            } else {
                Err(StoreError::Other(format!("record delivery: {service}")))
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct ReservedLine {
    sku: Sku,
    quantity: i64,
}

#[derive(Debug, Deserialize)]
struct ReservingOrder {
    warehouse_id: String,
    #[serde(default)]
    lines: Vec<ReservedLine>,
}

/// Units reserved by open (placed or claimed) orders the ERP has acknowledged, per warehouse
/// and SKU, for the given warehouses: they are already in the ERP's stock figures.
pub async fn acknowledged_reservations(
    store: &Store,
    warehouses: &HashSet<&str>,
) -> Result<HashMap<(String, Sku), i64>, StoreError> {
    let mut out: HashMap<(String, Sku), i64> = HashMap::new();
    for status in [OrderStatus::Placed, OrderStatus::Claimed] {
        let mut start = None;
        loop {
            let page = store
                .client()
                .query()
                .table_name(store.table())
                .index_name(keys::GSI3)
                .key_condition_expression("GSI3PK = :pk AND begins_with(GSI3SK, :status)")
                .filter_expression("attribute_exists(erp_acknowledged_at)")
                .projection_expression("warehouse_id, #lines")
                .expression_attribute_names("#lines", "lines")
                .expression_attribute_values(":pk", store::s(keys::ORDERS_BY_STATUS_PK))
                .expression_attribute_values(":status", store::s(&format!("{}#", status.as_str())))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| {
                    StoreError::Other(format!("open orders: {}", e.into_service_error()))
                })?;
            for raw in page.items.unwrap_or_default() {
                let Ok(order) = store::from_item::<ReservingOrder>(raw) else {
                    continue;
                };
                if !warehouses.contains(order.warehouse_id.as_str()) {
                    continue;
                }
                for line in order.lines {
                    *out.entry((order.warehouse_id.clone(), line.sku))
                        .or_default() += line.quantity;
                }
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => break,
            }
        }
    }
    Ok(out)
}
