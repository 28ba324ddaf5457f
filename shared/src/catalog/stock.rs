//! Stock (F17, F18): one record per warehouse and item, `WH#<wh>`/`SKU#<sku>`, holding
//! `on_hand` and `reserved`; available = on_hand - reserved. Orders reserve and release with
//! conditional updates (`orders::stock`).
//!
//! Staff corrections and imports set `on_hand` only, with an UpdateItem that leaves `reserved`
//! alone: a correction never loses a reservation made meanwhile (which a read-then-put, or a
//! BatchWrite put, would).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde::Serialize;

use super::model::{Sku, Stock};
use crate::store::{self, keys, Store, StoreError};
use crate::types::now_rfc3339;

pub fn stock_key(warehouse_id: &str, sku: &Sku) -> (String, String) {
    (
        keys::warehouse_pk(warehouse_id),
        keys::stock_sk(sku.as_str()),
    )
}

/// Sets the on-hand quantity of one item in one warehouse, keeping `reserved`.
pub async fn set_on_hand(
    store: &Store,
    warehouse_id: &str,
    sku: &Sku,
    on_hand: i64,
) -> Result<Stock, StoreError> {
    let (pk, sk) = stock_key(warehouse_id, sku);
    let out = store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(&pk, &sk)))
        .update_expression(
            "SET on_hand = :n, reserved = if_not_exists(reserved, :zero), \
             warehouse_id = :wh, sku = :sku, updated_at = :now",
        )
        .expression_attribute_values(":n", store::n(on_hand))
        .expression_attribute_values(":zero", store::n(0))
        .expression_attribute_values(":wh", store::s(warehouse_id))
        .expression_attribute_values(":sku", store::s(sku.as_str()))
        .expression_attribute_values(":now", store::s(&now_rfc3339()))
        .return_values(ReturnValue::AllNew)
        .send()
        .await
        .map_err(|e| StoreError::Other(format!("set on hand: {}", e.into_service_error())))?;
    store::from_item(out.attributes.unwrap_or_default())
}

/// Stock of one item in one warehouse, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StockLevel {
    pub warehouse_id: String,
    pub sku: Sku,
    pub on_hand: i64,
    pub reserved: i64,
    /// on_hand - reserved, never below zero.
    pub available: i64,
    pub updated_at: String,
}

impl From<Stock> for StockLevel {
    fn from(stock: Stock) -> Self {
        Self {
            available: stock.available(),
            warehouse_id: stock.warehouse_id,
            sku: stock.sku,
            on_hand: stock.on_hand,
            reserved: stock.reserved,
            updated_at: stock.updated_at,
        }
    }
}

fn attr<'a>(item: &'a store::Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.as_str()),
        _ => None,
    }
}

/// Picks the stock records out of fetched items: (warehouse, sku) -> stock.
pub fn stock_of(fetched: &[store::Item]) -> HashMap<(String, Sku), Stock> {
    let mut out = HashMap::new();
    for raw in fetched {
        let (Some(pk), Some(sk)) = (attr(raw, keys::PK), attr(raw, keys::SK)) else {
            continue;
        };
        if !(pk.starts_with("WH#") && sk.starts_with("SKU#")) {
            continue;
        }
        match store::from_item::<Stock>(raw.clone()) {
            Ok(stock) => {
                out.insert((stock.warehouse_id.clone(), stock.sku.clone()), stock);
            }
            Err(e) => tracing::warn!(pk, sk, error = %e, "unreadable stock record"),
        }
    }
    out
}

/// Stock of one item in every warehouse that has a record for it.
pub async fn item_stock(store: &Store, sku: &Sku) -> Result<Vec<StockLevel>, StoreError> {
    let warehouses = super::warehouses::list_warehouses(store).await?;
    let keys = warehouses.iter().map(|w| stock_key(&w.id, sku)).collect();
    let mut levels: Vec<StockLevel> = stock_of(&store.batch_get_items(keys).await?)
        .into_values()
        .map(StockLevel::from)
        .collect();
    levels.sort_by(|a, b| a.warehouse_id.cmp(&b.warehouse_id));
    Ok(levels)
}
