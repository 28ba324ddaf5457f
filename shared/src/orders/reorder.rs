//! F37 order again: a past order's lines go to the contact's cart at today's prices and
//! availability, each marked with what changed since the order.

use rust_decimal::Decimal;
use serde::Serialize;

use super::cart::{self, add_lines, CartAdded, Unbuyable};
use super::handling::{load_scoped, Scope};
use super::model::LineRequest;
use crate::catalog::Sku;
use crate::error::AppResult;
use crate::pricing::LineIssue;
use crate::store::Store;

/// What changed for one line since the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    /// Same unit price, enough stock.
    Same,
    PriceUp,
    PriceDown,
    /// Not in the customer's catalog, inactive or without a price now: not added.
    NoLongerBuyable,
    /// Added, but the warehouse has fewer units available than the order had.
    Short,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReorderLine {
    pub sku: Sku,
    pub name: String,
    pub quantity: i64,
    /// The net unit price the order was placed at (in `previous_currency`).
    #[schema(value_type = String)]
    pub previous_unit_price: Decimal,
    pub previous_currency: String,
    /// Today's net unit price for this quantity, when the item can be bought.
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    pub change: LineChange,
    /// Whether the line went to the cart.
    pub added: bool,
    pub message: Option<String>,
    /// Units available now (when stock is shown as a quantity).
    pub available_quantity: Option<i64>,
}

/// `POST /v1/orders/{id}/reorder`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reorder {
    pub order_id: String,
    pub lines: Vec<ReorderLine>,
    /// How many lines went to the cart.
    pub added: usize,
    pub cart: cart::CartView,
}

/// Adds the order's buyable lines to the contact's cart (merged with what is there), in the
/// cart's warehouse (else the order's, if still the customer's, else the default one).
pub async fn reorder(
    store: &Store,
    customer_id: &str,
    owner: &str,
    order_id: &str,
) -> AppResult<Reorder> {
    let order = load_scoped(store, order_id, Scope::Customer(customer_id)).await?;
    let lines: Vec<LineRequest> = order
        .lines
        .iter()
        .map(|l| LineRequest {
            sku: l.sku.clone(),
            quantity: l.quantity,
        })
        .collect();
    // The order's warehouse when the cart has none yet (and it is still the customer's).
    let CartAdded { skipped, cart } = add_lines(
        store,
        customer_id,
        owner,
        None,
        Some(&order.warehouse_id),
        &lines,
        Unbuyable::Skip,
    )
    .await?;
    // Today's unit price is the cart's for that SKU: the cart may hold more units of it, so a
    // tier may apply; that is what the buyer will pay.
    let out: Vec<ReorderLine> = order
        .lines
        .iter()
        .map(|l| {
            let skipped_line = skipped.iter().find(|s| s.sku == l.sku);
            let now = cart.priced.lines.iter().find(|q| q.sku == l.sku);
            let unit_price = now.and_then(|q| q.unit_price);
            let available = now
                .and_then(|q| q.availability.as_ref())
                .and_then(|a| a.available_quantity);
            let short = now.is_some_and(|q| q.reason == Some(LineIssue::StockShort));
            let change = if skipped_line.is_some() {
                LineChange::NoLongerBuyable
            } else if short {
                LineChange::Short
            } else {
                match unit_price {
                    Some(p)
                        if order.currency == cart.priced.currency.clone().unwrap_or_default() =>
                    {
                        if p > l.unit_price {
                            LineChange::PriceUp
                        } else if p < l.unit_price {
                            LineChange::PriceDown
                        } else {
                            LineChange::Same
                        }
                    }
                    _ => LineChange::Same,
                }
            };
            ReorderLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                previous_unit_price: l.unit_price,
                previous_currency: order.currency.clone(),
                unit_price: if skipped_line.is_some() {
                    None
                } else {
                    unit_price
                },
                change,
                added: skipped_line.is_none(),
                message: skipped_line
                    .map(|s| s.message.clone())
                    .or_else(|| now.and_then(|q| q.message.clone())),
                available_quantity: available,
            }
        })
        .collect();
    Ok(Reorder {
        order_id: order.id,
        added: out.iter().filter(|l| l.added).count(),
        lines: out,
        cart,
    })
}
