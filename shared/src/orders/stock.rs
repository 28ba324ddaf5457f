//! The stock writes of orders: conditional reservations, releases and fulfilment.
//!
//! DynamoDB conditions cannot add, so "`reserved + q <= on_hand`" is written with what was read:
//! `on_hand >= :on_hand_seen AND reserved <= :on_hand_seen - q`. Both only get harder to meet
//! for a competing write that reduces availability, so the reservation succeeds exactly when
//! `q` units are still available; availability never goes below zero.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use crate::catalog::{Sku, Stock};
use crate::store::{self, keys, Store, StoreError};
use crate::types::now_rfc3339;

const NAMES: &[(&str, &str)] = &[("#on_hand", "on_hand"), ("#reserved", "reserved")];

/// On hand and reserved per SKU of one warehouse, as read.
#[derive(Debug, Clone, Default)]
pub struct StockSnapshot {
    levels: HashMap<Sku, (i64, i64)>,
}

impl StockSnapshot {
    /// Picks the warehouse's stock records out of fetched items.
    pub fn from_fetched(warehouse_id: &str, fetched: &[store::Item]) -> Self {
        let pk = keys::warehouse_pk(warehouse_id);
        let mut levels = HashMap::new();
        for raw in fetched {
            let is_stock = matches!(raw.get(keys::PK), Some(AttributeValue::S(p)) if *p == pk)
                && matches!(raw.get(keys::SK), Some(AttributeValue::S(s)) if s.starts_with("SKU#"));
            if !is_stock {
                continue;
            }
            match store::from_item::<Stock>(raw.clone()) {
                Ok(stock) => {
                    levels.insert(stock.sku.clone(), (stock.on_hand, stock.reserved));
                }
                Err(e) => tracing::warn!(error = %e, "unreadable stock record"),
            }
        }
        Self { levels }
    }

    pub fn on_hand(&self, sku: &Sku) -> i64 {
        self.levels.get(sku).map(|l| l.0).unwrap_or(0)
    }

    pub fn available(&self, sku: &Sku) -> i64 {
        self.levels
            .get(sku)
            .map(|(on_hand, reserved)| (on_hand - reserved).max(0))
            .unwrap_or(0)
    }

    pub fn available_map(&self) -> HashMap<Sku, i64> {
        self.levels
            .keys()
            .map(|sku| (sku.clone(), self.available(sku)))
            .collect()
    }
}

/// Reserves `quantity` of `sku`, conditioned on it still being available.
pub fn reserve(
    store: &Store,
    warehouse_id: &str,
    sku: &Sku,
    quantity: i64,
    on_hand_seen: i64,
) -> Result<TransactWriteItem, StoreError> {
    store.tx_update(
        &keys::warehouse_pk(warehouse_id),
        &keys::stock_sk(sku.as_str()),
        "SET #reserved = if_not_exists(#reserved, :zero) + :q, updated_at = :now",
        Some(
            "#on_hand >= :on_hand_seen AND (attribute_not_exists(#reserved) OR #reserved <= :max_reserved)",
        ),
        NAMES,
        vec![
            (":zero", store::n(0)),
            (":q", store::n(quantity)),
            (":now", store::s(&now_rfc3339())),
            (":on_hand_seen", store::n(on_hand_seen)),
            (":max_reserved", store::n(on_hand_seen - quantity)),
        ],
    )
}

/// Gives reserved units back (cancel, expiry, undoing a reservation).
pub fn release(
    store: &Store,
    warehouse_id: &str,
    sku: &Sku,
    quantity: i64,
) -> Result<TransactWriteItem, StoreError> {
    store.tx_update(
        &keys::warehouse_pk(warehouse_id),
        &keys::stock_sk(sku.as_str()),
        "SET #reserved = if_not_exists(#reserved, :zero) - :q, updated_at = :now",
        None,
        &NAMES[1..],
        vec![
            (":zero", store::n(0)),
            (":q", store::n(quantity)),
            (":now", store::s(&now_rfc3339())),
        ],
    )
}

/// The goods left: on hand and reserved both go down (F23 fulfil).
///
/// Staff corrections and the ERP set `on_hand` to a physical count, which may be below what
/// open orders reserved (goods lost or damaged); availability then shows zero. Shipping is
/// conditioned on the goods being on hand, so `on_hand` never goes negative: a fulfilment of
/// goods the stock does not have is refused until someone corrects the count.
pub fn ship(
    store: &Store,
    warehouse_id: &str,
    sku: &Sku,
    quantity: i64,
) -> Result<TransactWriteItem, StoreError> {
    store.tx_update(
        &keys::warehouse_pk(warehouse_id),
        &keys::stock_sk(sku.as_str()),
        "SET #on_hand = if_not_exists(#on_hand, :zero) - :q, #reserved = if_not_exists(#reserved, :zero) - :q, updated_at = :now",
        Some("#on_hand >= :q"),
        NAMES,
        vec![
            (":zero", store::n(0)),
            (":q", store::n(quantity)),
            (":now", store::s(&now_rfc3339())),
        ],
    )
}
