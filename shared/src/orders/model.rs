//! Orders, their lines and who acted on them; quotes; the cart (F21-F26).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::events::Recipient;
use crate::auth::{Impersonator, Principal, PrincipalKind};
use crate::catalog::Sku;
use crate::store::{keys, Keys};

/// F23/F24: `placed -> claimed -> fulfilled`; `placed | claimed -> cancelled`; `placed -> expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Claimed,
    Fulfilled,
    Cancelled,
    Expired,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Claimed => "claimed",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            OrderStatus::Placed,
            OrderStatus::Claimed,
            OrderStatus::Fulfilled,
            OrderStatus::Cancelled,
            OrderStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }

    /// Whether the order still holds stock and counts against the customer's open orders.
    pub fn is_open(self) -> bool {
        matches!(self, OrderStatus::Placed | OrderStatus::Claimed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A contact of the customer (or staff acting as the customer: see `impersonated_by`).
    Contact,
    /// Seller staff through the admin routes.
    Staff,
    /// The system itself (the expiry schedule).
    System,
}

/// Who did something to an order or quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Actor {
    pub kind: ActorKind,
    /// The contact's email, the staff id, or `system`.
    pub id: String,
    pub name: String,
    /// Set when staff acted as the customer (F9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonated_by: Option<Impersonator>,
}

impl Actor {
    pub fn of(principal: &Principal) -> Self {
        Self {
            kind: match principal.kind {
                PrincipalKind::Contact => ActorKind::Contact,
                PrincipalKind::Staff => ActorKind::Staff,
            },
            id: principal.sub.clone(),
            name: principal.name.clone(),
            impersonated_by: principal.impersonated_by.clone(),
        }
    }

    pub fn system() -> Self {
        Self {
            kind: ActorKind::System,
            id: "system".into(),
            name: "system".into(),
            impersonated_by: None,
        }
    }

    /// The contact's email when a real contact (not staff acting as one) did it.
    pub fn contact_email(&self) -> Option<&str> {
        (self.kind == ActorKind::Contact && self.impersonated_by.is_none())
            .then_some(self.id.as_str())
    }
}

/// One line of an order, priced on the server when it was placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderLine {
    pub sku: Sku,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    /// Net unit price before tax.
    #[schema(value_type = String, example = "114.475")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "0.16")]
    pub tax_rate: Decimal,
    /// `unit_price x quantity`, rounded to cents.
    #[schema(value_type = String, example = "228.95")]
    pub subtotal: Decimal,
    #[schema(value_type = String, example = "36.63")]
    pub tax: Decimal,
    #[schema(value_type = String, example = "265.58")]
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Order {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: OrderStatus,
    /// The warehouse the stock is reserved in (one of the customer's).
    pub warehouse_id: String,
    /// ISO 4217; every amount of the order is in it.
    pub currency: String,
    /// Lines of the same SKU are merged.
    pub lines: Vec<OrderLine>,
    #[schema(value_type = String, example = "1200.00")]
    pub subtotal: Decimal,
    #[schema(value_type = String, example = "192.00")]
    pub tax: Decimal,
    #[schema(value_type = String, example = "1392.00")]
    pub total: Decimal,
    #[serde(default)]
    pub note: Option<String>,
    /// Who placed it: a contact, staff acting as the customer, or staff on its behalf.
    pub placed_by: Actor,
    /// Who hears of it on the customer's side (confirmation and status emails).
    pub notify: Recipient,
    /// The contact who placed it, and a phone to reach them (seller's WhatsApp link).
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// The quote this order was accepted from (F26).
    #[serde(default)]
    pub quote_id: Option<String>,
    /// The customer's agent when it was placed (for agents' lists).
    #[serde(default)]
    pub agent_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// F24: the claim deadline; a placed order not claimed by then expires.
    pub expires_at: String,
    #[serde(default)]
    pub claimed_by: Option<Actor>,
    #[serde(default)]
    pub claimed_at: Option<String>,
    #[serde(default)]
    pub fulfilled_by: Option<Actor>,
    #[serde(default)]
    pub fulfilled_at: Option<String>,
    #[serde(default)]
    pub cancelled_by: Option<Actor>,
    #[serde(default)]
    pub cancelled_at: Option<String>,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    #[serde(default)]
    pub expired_at: Option<String>,
    /// The ERP's number for this order and when the ERP acknowledged it (F30), set by the
    /// erp-sync worker; until then the order is waiting to reach the ERP. Never written as
    /// NULL: the worker's `if_not_exists` and the stock sync's `attribute_exists` read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp_acknowledged_at: Option<String>,
    /// F39: set when the order came from an approval request: who asked and who approved
    /// (`placed_by` is the approving manager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalRef>,
}

/// F39: the approval request an order was placed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalRef {
    pub approval_id: String,
    pub requested_by: Actor,
    pub approved_by: Actor,
}

impl Order {
    /// Keys of an order in the given status: the sparse expiry index only while placed.
    pub fn keys(&self) -> Keys {
        let mut k = Keys::new(keys::order_pk(&self.id), keys::ORDER_SK)
            .gsi1(
                keys::customer_orders_pk(&self.customer_id),
                created_sk(&self.created_at, &self.id),
            )
            .gsi3(
                keys::ORDERS_BY_STATUS_PK,
                status_sk(self.status.as_str(), &self.created_at, &self.id),
            );
        if self.status == OrderStatus::Placed {
            k = k.gsi2(
                keys::OPEN_ORDERS_PK,
                format!("{}#{}", self.expires_at, self.id),
            );
        }
        k
    }

    pub fn summary(&self) -> OrderSummary {
        OrderSummary {
            id: self.id.clone(),
            customer_id: self.customer_id.clone(),
            customer_name: self.customer_name.clone(),
            status: self.status,
            warehouse_id: self.warehouse_id.clone(),
            currency: self.currency.clone(),
            line_count: self.lines.len(),
            subtotal: self.subtotal,
            tax: self.tax,
            total: self.total,
            placed_by: self.placed_by.clone(),
            quote_id: self.quote_id.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            expires_at: self.expires_at.clone(),
            erp_number: self.erp_number.clone(),
        }
    }
}

/// An order in a list (its lines left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: OrderStatus,
    pub warehouse_id: String,
    pub currency: String,
    pub line_count: usize,
    #[schema(value_type = String)]
    pub subtotal: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub placed_by: Actor,
    pub quote_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub expires_at: String,
    /// The ERP's number once it acknowledged the order; `null` while the order waits to reach
    /// the ERP (e.g. during an ERP outage).
    #[serde(default)]
    pub erp_number: Option<String>,
}

/// Sort key by creation (customer lists).
pub fn created_sk(created_at: &str, id: &str) -> String {
    format!("{created_at}#{id}")
}

/// Sort key of the staff lists: by status, then creation.
pub fn status_sk(status: &str, created_at: &str, id: &str) -> String {
    format!("{status}#{created_at}#{id}")
}

/// F26: `requested -> answered -> accepted`; answered quotes past `valid_until` are `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Requested,
    Answered,
    Accepted,
    Expired,
}

impl QuoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Requested => "requested",
            QuoteStatus::Answered => "answered",
            QuoteStatus::Accepted => "accepted",
            QuoteStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            QuoteStatus::Requested,
            QuoteStatus::Answered,
            QuoteStatus::Accepted,
            QuoteStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuoteLine {
    pub sku: Sku,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    /// The price list's price when requested, for staff to start from.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub list_unit_price: Option<Decimal>,
    /// Set by staff when answering: the net unit price the customer may buy at.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub subtotal: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub tax: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub total: Option<Decimal>,
}

/// A quote request and its answer (F26). Named `CustomerQuote` in the API description, apart
/// from the pricing function's priced `Quote`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CustomerQuote)]
pub struct Quote {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: QuoteStatus,
    pub warehouse_id: String,
    pub currency: String,
    pub lines: Vec<QuoteLine>,
    /// The customer's message with the request.
    #[serde(default)]
    pub note: Option<String>,
    pub requested_by: Actor,
    /// Who hears of the answer.
    pub notify: Recipient,
    /// Totals, once answered.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub subtotal: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub tax: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub total: Option<Decimal>,
    #[serde(default)]
    pub answered_by: Option<Actor>,
    #[serde(default)]
    pub answered_at: Option<String>,
    /// Staff's message with the answer.
    #[serde(default)]
    pub answer_note: Option<String>,
    /// RFC 3339: an answered quote can be accepted until then.
    #[serde(default)]
    pub valid_until: Option<String>,
    #[serde(default)]
    pub accepted_by: Option<Actor>,
    #[serde(default)]
    pub accepted_at: Option<String>,
    /// The order the accepted quote became.
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub agent_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Quote {
    pub fn keys(&self) -> Keys {
        let mut k = Keys::new(keys::quote_pk(&self.id), keys::QUOTE_SK)
            .gsi1(
                keys::customer_quotes_pk(&self.customer_id),
                created_sk(&self.created_at, &self.id),
            )
            .gsi3(
                keys::QUOTES_BY_STATUS_PK,
                status_sk(self.status.as_str(), &self.created_at, &self.id),
            );
        if let (QuoteStatus::Answered, Some(valid_until)) = (self.status, &self.valid_until) {
            k = k.gsi2(keys::OPEN_QUOTES_PK, format!("{valid_until}#{}", self.id));
        }
        k
    }

    /// The status as the reader sees it now: an answered quote past its validity is expired even
    /// before the schedule marks it so.
    pub fn effective_status(&self, now: &str) -> QuoteStatus {
        match (self.status, &self.valid_until) {
            (QuoteStatus::Answered, Some(until)) if until.as_str() <= now => QuoteStatus::Expired,
            (status, _) => status,
        }
    }
}

/// A line as a client sends it.
pub use crate::pricing::QuoteLineRequest as LineRequest;

/// The contact's cart (F21): only SKUs and quantities are kept; it is priced when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCart {
    pub customer_id: String,
    pub owner: String,
    #[serde(default)]
    pub warehouse_id: Option<String>,
    pub lines: Vec<LineRequest>,
    pub updated_at: String,
}

impl StoredCart {
    pub fn keys(&self) -> Keys {
        Keys::new(
            keys::customer_pk(&self.customer_id),
            keys::cart_sk(&self.owner),
        )
    }
}
