//! F37 previously purchased: the items a customer bought in a period, with the last quantity,
//! price and date of each.
//!
//! Read from the customer's orders of the period (the `ORDERS#<cust>` index, sorted by creation,
//! newest first), not from a per-SKU record kept at placement: placing an order is one
//! transaction already holding up to 100 actions (93 stock lines), and 500 more writes per
//! order would need a second, recoverable step for every order. The read is bounded: one Query
//! page (up to 1 MB) per about 100 orders, at most [`MAX_PAGES`] pages; a customer ordering more
//! than that in the period gets `complete: false` and the newest orders' items. A buyer
//! reordering weekly reads one or two pages for 90 days.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{Order, OrderStatus};
use crate::catalog::Sku;
use crate::error::{AppError, AppResult};
use crate::store::{self, keys, QuerySpec, Store};

pub const DEFAULT_DAYS: u32 = 90;
pub const MAX_DAYS: u32 = 730;
/// Query pages read at most (each up to 1 MB of orders).
pub const MAX_PAGES: usize = 10;
const PAGE_SIZE: i32 = 100;

/// `GET /v1/purchased` parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurchasedParams {
    /// The period: the last `days` days, 1 to 730 (default 90).
    pub days: Option<u32>,
    /// Keeps items whose SKU or name contains this text (case-insensitive).
    pub q: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PurchasedItem {
    pub sku: Sku,
    pub name: String,
    pub unit: String,
    /// Quantity on the most recent order of the period.
    pub last_quantity: i64,
    /// Net unit price on that order, in `currency`.
    #[schema(value_type = String)]
    pub last_unit_price: Decimal,
    pub currency: String,
    pub last_ordered_at: String,
    pub last_order_id: String,
    /// Orders of the period with this item.
    pub times_ordered: usize,
    /// Units over the period.
    pub total_quantity: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Purchased {
    pub days: u32,
    /// Start of the period (RFC 3339).
    pub since: String,
    /// Most recently bought first.
    pub items: Vec<PurchasedItem>,
    /// False when the period held more orders than one answer reads (the newest were read).
    pub complete: bool,
}

/// Items bought (orders placed, claimed or fulfilled) in the last `days` days.
pub async fn purchased(
    store: &Store,
    customer_id: &str,
    params: &PurchasedParams,
) -> AppResult<Purchased> {
    let days = params.days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::invalid(
            "days",
            format!("must be from 1 to {MAX_DAYS}"),
        ));
    }
    let q = params.q.as_deref().map(str::trim).unwrap_or_default();
    if q.chars().count() > 100 || q.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "q",
            "must be at most 100 characters, without control characters",
        ));
    }
    let since = (chrono::Utc::now() - chrono::Duration::days(i64::from(days)))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut spec = QuerySpec::index(keys::GSI1, keys::customer_orders_pk(customer_id))
        .limit(PAGE_SIZE)
        .newest_first();
    // Sort keys are `<created>#<id>`; `~` sorts after every digit and letter.
    spec.sk_between = Some((since.clone(), "~".to_string()));
    let mut by_sku: HashMap<Sku, PurchasedItem> = HashMap::new();
    let mut order_of_first: Vec<Sku> = Vec::new();
    let mut complete = true;
    for page in 0.. {
        if page == MAX_PAGES {
            complete = false;
            break;
        }
        let (items, next) = store.query_items(&spec).await?;
        for raw in items {
            let order: Order = match store::from_item(raw) {
                Ok(o) => o,
                Err(e) => {
                    tracing::warn!(error = %e, "unreadable order skipped");
                    continue;
                }
            };
            if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Expired) {
                continue;
            }
            for line in &order.lines {
                match by_sku.get_mut(&line.sku) {
                    // Newest first: the first sighting is the last purchase.
                    Some(seen) => {
                        seen.times_ordered += 1;
                        seen.total_quantity = seen.total_quantity.saturating_add(line.quantity);
                    }
                    None => {
                        order_of_first.push(line.sku.clone());
                        by_sku.insert(
                            line.sku.clone(),
                            PurchasedItem {
                                sku: line.sku.clone(),
                                name: line.name.clone(),
                                unit: line.unit.clone(),
                                last_quantity: line.quantity,
                                last_unit_price: line.unit_price,
                                currency: order.currency.clone(),
                                last_ordered_at: order.created_at.clone(),
                                last_order_id: order.id.clone(),
                                times_ordered: 1,
                                total_quantity: line.quantity,
                            },
                        );
                    }
                }
            }
        }
        match next {
            Some(cursor) => spec.cursor = Some(cursor),
            None => break,
        }
    }
    let needle = q.to_lowercase();
    let items = order_of_first
        .into_iter()
        .filter_map(|sku| by_sku.remove(&sku))
        .filter(|i| {
            needle.is_empty()
                || i.sku.as_str().to_lowercase().contains(&needle)
                || i.name.to_lowercase().contains(&needle)
        })
        .collect();
    Ok(Purchased {
        days,
        since,
        items,
        complete,
    })
}
