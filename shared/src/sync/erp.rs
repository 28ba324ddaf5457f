//! The ERP's side of contract v1 (docs/erp-contract.md), as the portal calls it: order events
//! (`POST {base}/orders`) and the pull of changes (`GET {base}/changes?since=`). The transport
//! is the function's (HTTP with an API key); the reference simulator in `infra/erp-simulator`
//! implements the other end with these same types.

use std::future::Future;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::orders::{Order, OrderStatus};

/// Sent in every outbound message, so the ERP side can tell versions apart.
pub const CONTRACT: &str = "b2b-portal.erp/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum OrderEventType {
    #[serde(rename = "order.placed")]
    Placed,
    #[serde(rename = "order.claimed")]
    Claimed,
    #[serde(rename = "order.cancelled")]
    Cancelled,
}

impl OrderEventType {
    /// Events of one order carry increasing sequence numbers; the ERP may rely on them.
    pub fn sequence(self) -> u32 {
        match self {
            OrderEventType::Placed => 1,
            OrderEventType::Claimed => 2,
            OrderEventType::Cancelled => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderEventType::Placed => "order.placed",
            OrderEventType::Claimed => "order.claimed",
            OrderEventType::Cancelled => "order.cancelled",
        }
    }

    /// The attribute of the outbound state that records its acknowledgement.
    pub fn state_attribute(self) -> &'static str {
        match self {
            OrderEventType::Placed => "placed",
            OrderEventType::Claimed => "claimed",
            OrderEventType::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErpOrderLine {
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub subtotal: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
}

/// The order as the ERP receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErpOrder {
    pub id: String,
    pub customer_id: String,
    /// The customer's key in the ERP, when it came from the ERP.
    pub customer_erp_key: Option<String>,
    pub customer_name: String,
    pub status: OrderStatus,
    pub warehouse_id: String,
    pub currency: String,
    pub lines: Vec<ErpOrderLine>,
    #[schema(value_type = String)]
    pub subtotal: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    pub placed_by: String,
    pub created_at: String,
}

impl ErpOrder {
    pub fn of(order: &Order, customer_erp_key: Option<String>) -> Self {
        Self {
            id: order.id.clone(),
            customer_id: order.customer_id.clone(),
            customer_erp_key,
            customer_name: order.customer_name.clone(),
            status: order.status,
            warehouse_id: order.warehouse_id.clone(),
            currency: order.currency.clone(),
            lines: order
                .lines
                .iter()
                .map(|l| ErpOrderLine {
                    sku: l.sku.to_string(),
                    name: l.name.clone(),
                    unit: l.unit.clone(),
                    quantity: l.quantity,
                    unit_price: l.unit_price,
                    tax_rate: l.tax_rate,
                    subtotal: l.subtotal,
                    tax: l.tax,
                    total: l.total,
                })
                .collect(),
            subtotal: order.subtotal,
            tax: order.tax,
            total: order.total,
            note: order.note.clone(),
            contact_email: order.contact_email.clone(),
            placed_by: order.placed_by.name.clone(),
            created_at: order.created_at.clone(),
        }
    }
}

/// `POST {base}/orders`: one order event. Idempotent by `event_id` on the ERP's side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderEventMessage {
    pub contract: String,
    pub event_id: String,
    pub event_type: OrderEventType,
    /// Increases with each event of the same order (placed 1, claimed 2, cancelled 3).
    pub sequence: u32,
    pub occurred_at: String,
    pub order: ErpOrder,
    /// Why it was cancelled (or `expired`), when it was.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The ERP's answer to an order event: it has the event (a repeat answers the same).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderAck {
    pub event_id: String,
    /// The ERP's own number for the order (its sales order).
    #[serde(default)]
    pub erp_number: Option<String>,
    #[serde(default)]
    pub received_at: Option<String>,
}

/// The records changed in the ERP since a cursor, in the inbound records' format.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeSet {
    #[serde(default)]
    pub items: Vec<serde_json::Value>,
    #[serde(default)]
    pub prices: Vec<serde_json::Value>,
    #[serde(default)]
    pub stock: Vec<serde_json::Value>,
    #[serde(default)]
    pub customers: Vec<serde_json::Value>,
    #[serde(default)]
    pub documents: Vec<serde_json::Value>,
}

impl ChangeSet {
    pub fn of_kind(&self, kind: super::records::RecordKind) -> &[serde_json::Value] {
        use super::records::RecordKind;
        match kind {
            RecordKind::Items => &self.items,
            RecordKind::Prices => &self.prices,
            RecordKind::Stock => &self.stock,
            RecordKind::Customers => &self.customers,
            RecordKind::Documents => &self.documents,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
            + self.prices.len()
            + self.stock.len()
            + self.customers.len()
            + self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `GET {base}/changes?since=<cursor>&limit=<n>`: one page of changes and the cursor after it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangesPage {
    pub cursor: String,
    #[serde(default)]
    pub has_more: bool,
    #[serde(default)]
    pub changes: ChangeSet,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErpError {
    #[error("the ERP endpoint is not configured (ERP_BASE_URL)")]
    NotConfigured,
    /// No answer, a timeout, 5xx or 429: worth retrying later.
    #[error("the ERP did not answer: {0}")]
    Unreachable(String),
    /// The ERP refused the message (4xx): retrying the same message will not help.
    #[error("the ERP refused the message ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("the ERP's answer is not contract v1: {0}")]
    BadAnswer(String),
    /// The configured endpoint may not be called (e.g. `http://` to another machine).
    #[error("the ERP endpoint (ERP_BASE_URL) is refused: {0}")]
    Misconfigured(String),
}

/// The ERP as the portal calls it.
pub trait ErpApi: Send + Sync {
    fn send_order_event(
        &self,
        message: &OrderEventMessage,
    ) -> impl Future<Output = Result<OrderAck, ErpError>> + Send;

    fn changes(
        &self,
        since: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<ChangesPage, ErpError>> + Send;
}
