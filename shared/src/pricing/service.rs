//! `POST /v1/pricing/quote` as a business action: check the customer and the warehouse, read
//! items, prices and stock in one `batch_get_items` call, then run the pure quote engine.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use super::book::{price_book, price_keys};
use super::quote::{quote, Quote, QuoteLineRequest, StockLevels, MAX_QUOTE_LINES};
use crate::catalog::{Item, Sku, Warehouse};
use crate::customers::{Customer, CustomerStatus};
use crate::error::{AppError, AppResult};
use crate::store::{self, keys, Store};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// One of the customer's assigned warehouses; its stock decides availability.
    pub warehouse_id: String,
    /// 1 to 500 lines; lines of the same SKU are merged.
    pub lines: Vec<QuoteLineRequest>,
}

/// Loads a customer that may buy: it exists and is active (F4: blocked or inactive customers
/// cannot order, so they get no quotes either).
pub async fn load_buying_customer(store: &Store, customer_id: &str) -> AppResult<Customer> {
    let customer: Customer = store
        .get(&keys::customer_pk(customer_id), keys::CUSTOMER_PROFILE_SK)
        .await?
        .ok_or(AppError::NotFound)?;
    if customer.status != CustomerStatus::Active {
        return Err(AppError::conflict(
            "customer-not-active",
            format!(
                "this customer account is {}; it cannot buy",
                customer.status.as_str()
            ),
        ));
    }
    Ok(customer)
}

/// Prices `request` for `customer_id` against the chosen warehouse's stock.
pub async fn quote_for_customer(
    store: &Store,
    customer_id: &str,
    request: &QuoteRequest,
) -> AppResult<Quote> {
    if request.lines.is_empty() {
        return Err(AppError::invalid("lines", "must have at least one line"));
    }
    if request.lines.len() > MAX_QUOTE_LINES {
        return Err(AppError::invalid(
            "lines",
            format!("at most {MAX_QUOTE_LINES} lines"),
        ));
    }
    let (customer, settings) = tokio::join!(
        load_buying_customer(store, customer_id),
        crate::settings::load(store)
    );
    let (customer, settings) = (customer?, settings?);
    if !customer.warehouse_ids.contains(&request.warehouse_id) {
        return Err(AppError::invalid(
            "warehouse_id",
            "is not one of this customer's warehouses",
        ));
    }
    if customer.price_list_id.is_none() {
        return Err(AppError::conflict(
            "no-price-list",
            "this customer has no price list yet; staff must assign one before it can buy",
        ));
    }
    let mut skus: Vec<Sku> = request.lines.iter().map(|l| l.sku.clone()).collect();
    skus.sort();
    skus.dedup();

    let mut wanted: Vec<(String, String)> = skus
        .iter()
        .map(|sku| (keys::item_pk(sku.as_str()), keys::ITEM_SK.to_string()))
        .collect();
    wanted.extend(price_keys(&customer, &skus));
    wanted.extend(StockLevels::keys(&request.warehouse_id, &skus));
    let warehouse_key = (
        keys::warehouse_pk(&request.warehouse_id),
        keys::META_SK.to_string(),
    );
    wanted.push(warehouse_key.clone());
    let fetched = store.batch_get_items(wanted).await?;

    // Assigned is not enough: the warehouse must still exist and be in use.
    let warehouse = fetched
        .iter()
        .find(|raw| {
            matches!(raw.get(keys::PK), Some(AttributeValue::S(pk)) if *pk == warehouse_key.0)
                && matches!(raw.get(keys::SK), Some(AttributeValue::S(sk)) if *sk == warehouse_key.1)
        })
        .and_then(|raw| store::from_item::<Warehouse>(raw.clone()).ok());
    if !warehouse.is_some_and(|w| w.active) {
        return Err(AppError::invalid(
            "warehouse_id",
            "this warehouse is not in use; choose another of your warehouses",
        ));
    }

    let items = items_of(&fetched);
    let book = price_book(&customer, &items, &fetched);
    if book.price_list().is_none() {
        // Assigned, but the list itself is gone: nothing can be priced.
        return Err(AppError::conflict(
            "no-price-list",
            "this customer's price list does not exist; staff must assign an existing one",
        ));
    }
    let stock = StockLevels::from_fetched(&request.warehouse_id, &fetched);
    Ok(quote(&request.lines, &book, &stock, settings.stock_display))
}

/// The catalog items among fetched records (`ITEM#<sku>` / `ITEM`).
pub fn items_of(fetched: &[store::Item]) -> Vec<Item> {
    fetched
        .iter()
        .filter(|raw| {
            matches!(raw.get(keys::SK), Some(AttributeValue::S(sk)) if sk == keys::ITEM_SK)
                && matches!(raw.get(keys::PK), Some(AttributeValue::S(pk)) if pk.starts_with("ITEM#"))
        })
        .filter_map(|raw| match store::from_item::<Item>(raw.clone()) {
            Ok(item) => Some(item),
            Err(e) => {
                tracing::warn!(error = %e, "unreadable item");
                None
            }
        })
        .collect()
}
