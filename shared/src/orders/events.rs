//! The data of order and quote events: what the email templates (F25) and the ERP sync read.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{Order, OrderStatus, Quote};
use crate::messaging::{event_types, DomainEvent};
use crate::types::Language;

/// Most lines an event carries.
pub const NOTICE_MAX_LINES: usize = 100;

/// Who hears of an order on the customer's side: the contact who placed it, or the customer's
/// main email when staff placed it for the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = OrderRecipient)]
pub struct Recipient {
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub language: Option<Language>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: Decimal,
    pub total: Decimal,
}

/// Data of every order event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderNotice {
    pub order_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: OrderStatus,
    pub warehouse_id: String,
    pub currency: String,
    pub subtotal: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub line_count: usize,
    /// The first [`NOTICE_MAX_LINES`] lines (events stay well below EventBridge's size limit);
    /// `lines_truncated` says when the order has more: read it by id for all of them.
    pub lines: Vec<NoticeLine>,
    #[serde(default)]
    pub lines_truncated: bool,
    pub created_at: String,
    pub expires_at: String,
    /// The customer's side.
    pub to: Recipient,
    /// Who placed it (name), and the phone the seller can reach them on (WhatsApp).
    pub placed_by: String,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// Who made this change (claim, fulfil, cancel), when a person did.
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub quote_id: Option<String>,
}

impl OrderNotice {
    pub fn of(order: &Order, actor: Option<&str>, reason: Option<&str>) -> Self {
        Self {
            order_id: order.id.clone(),
            customer_id: order.customer_id.clone(),
            customer_name: order.customer_name.clone(),
            status: order.status,
            warehouse_id: order.warehouse_id.clone(),
            currency: order.currency.clone(),
            subtotal: order.subtotal,
            tax: order.tax,
            total: order.total,
            line_count: order.lines.len(),
            lines_truncated: order.lines.len() > NOTICE_MAX_LINES,
            lines: order
                .lines
                .iter()
                .take(NOTICE_MAX_LINES)
                .map(|l| NoticeLine {
                    sku: l.sku.to_string(),
                    name: l.name.clone(),
                    quantity: l.quantity,
                    unit: l.unit.clone(),
                    unit_price: l.unit_price,
                    total: l.total,
                })
                .collect(),
            created_at: order.created_at.clone(),
            expires_at: order.expires_at.clone(),
            to: order.notify.clone(),
            placed_by: order.placed_by.name.clone(),
            contact_email: order.contact_email.clone(),
            contact_phone: order.contact_phone.clone(),
            actor: actor.map(str::to_string),
            reason: reason.map(str::to_string),
            quote_id: order.quote_id.clone(),
        }
    }

    pub fn event(&self, kind: &str) -> DomainEvent {
        DomainEvent::new(
            kind,
            Some(&self.customer_id),
            serde_json::to_value(self).unwrap_or_default(),
        )
    }
}

/// The two events of a placed order: the seller's notice (and the ERP's) and the customer's
/// confirmation.
pub fn placed_events(order: &Order) -> Vec<DomainEvent> {
    let notice = OrderNotice::of(order, None, None);
    vec![
        notice.event(event_types::ORDER_PLACED),
        notice.event(event_types::ORDER_CONFIRMATION_REQUESTED),
    ]
}

/// Data of `QuoteAnswered`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteNotice {
    pub quote_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub currency: String,
    pub total: Decimal,
    pub line_count: usize,
    pub lines: Vec<NoticeLine>,
    pub valid_until: String,
    #[serde(default)]
    pub answer_note: Option<String>,
    pub to: Recipient,
}

impl QuoteNotice {
    pub fn of(quote: &Quote, to: Recipient) -> Self {
        Self {
            quote_id: quote.id.clone(),
            customer_id: quote.customer_id.clone(),
            customer_name: quote.customer_name.clone(),
            currency: quote.currency.clone(),
            total: quote.total.unwrap_or_default(),
            line_count: quote.lines.len(),
            lines: quote
                .lines
                .iter()
                .take(NOTICE_MAX_LINES)
                .map(|l| NoticeLine {
                    sku: l.sku.to_string(),
                    name: l.name.clone(),
                    quantity: l.quantity,
                    unit: l.unit.clone(),
                    unit_price: l.unit_price.unwrap_or_default(),
                    total: l.total.unwrap_or_default(),
                })
                .collect(),
            valid_until: quote.valid_until.clone().unwrap_or_default(),
            answer_note: quote.answer_note.clone(),
            to,
        }
    }

    pub fn event(&self) -> DomainEvent {
        DomainEvent::new(
            event_types::QUOTE_ANSWERED,
            Some(&self.customer_id),
            serde_json::to_value(self).unwrap_or_default(),
        )
    }
}
