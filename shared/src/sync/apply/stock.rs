//! Stock from the ERP (F29 with F17/F18/F22).
//!
//! The rule (docs/erp-contract.md, "Stock"): the ERP's `on_hand` is the truth, and it already
//! excludes the units of every order the ERP has acknowledged (they are committed in the ERP).
//! The portal's `reserved` still holds those orders' reservations (the orders' own code
//! releases them when they are cancelled, expire or ship), so to count nothing twice the
//! stored `on_hand` is the ERP's figure plus the reservations of the open orders the ERP has
//! acknowledged in that warehouse:
//!
//! `on_hand = erp_on_hand + acknowledged_reserved`, hence
//! `available = on_hand - reserved = erp_on_hand - (reservations the ERP does not know yet)`.
//!
//! The stock record keeps `erp_on_hand`, `erp_committed` (the acknowledged part) and
//! `erp_version` beside `on_hand` / `reserved`. Each row is one conditional UpdateItem
//! (`erp_version` older or absent) that never touches `reserved`, so concurrent orders
//! reserving the same stock are never lost; rows go 100 to a transaction.

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

use super::{transact_rows, ApplyReport, CONCURRENCY};
use crate::catalog::{Sku, Warehouse};
use crate::store::{self, keys, Keys, Store, StoreError};
use crate::sync::outbound::acknowledged_reservations;
use crate::sync::records::StockRecord;
use crate::types::now_rfc3339;

/// Warehouses the ERP reports stock for but the portal does not have yet are created (named
/// by their code; staff can rename them), so that the stock is not lost.
async fn ensure_warehouses(store: &Store, ids: &HashSet<&str>) -> Result<(), StoreError> {
    let found: HashSet<String> = store
        .batch_get_many(
            ids.iter()
                .map(|id| (keys::warehouse_pk(id), keys::META_SK.to_string()))
                .collect(),
            CONCURRENCY,
        )
        .await?
        .into_iter()
        .filter_map(|raw| store::from_item::<Warehouse>(raw).ok())
        .map(|w| w.id)
        .collect();
    for id in ids.iter().filter(|id| !found.contains(**id)) {
        let warehouse = Warehouse {
            id: id.to_string(),
            name: id.to_string(),
            address: None,
            active: true,
            updated_at: now_rfc3339(),
        };
        let k =
            Keys::new(keys::warehouse_pk(id), keys::META_SK).gsi1(keys::WAREHOUSES_INDEX_PK, *id);
        match store.put_new(&k, &warehouse).await {
            Ok(()) | Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn update_action(
    store: &Store,
    row: &StockRecord,
    committed: i64,
    now: &str,
) -> Result<TransactWriteItem, StoreError> {
    let update = Update::builder()
        .table_name(store.table())
        .set_key(Some(store::key_of(
            &keys::warehouse_pk(&row.warehouse_id),
            &keys::stock_sk(row.sku.as_str()),
        )))
        .update_expression(
            "SET on_hand = :on_hand, erp_on_hand = :erp, erp_committed = :committed, erp_version = :v, \
             reserved = if_not_exists(reserved, :zero), warehouse_id = :wh, sku = :sku, updated_at = :now",
        )
        .condition_expression("attribute_not_exists(erp_version) OR erp_version < :v")
        .expression_attribute_values(":on_hand", store::n(row.on_hand + committed))
        .expression_attribute_values(":erp", store::n(row.on_hand))
        .expression_attribute_values(":committed", store::n(committed))
        .expression_attribute_values(":v", store::s(&row.version))
        .expression_attribute_values(":zero", store::n(0))
        .expression_attribute_values(":wh", store::s(&row.warehouse_id))
        .expression_attribute_values(":sku", store::s(row.sku.as_str()))
        .expression_attribute_values(":now", store::s(now))
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().update(update).build())
}

pub async fn apply_stock(
    store: &Store,
    rows: Vec<(usize, StockRecord)>,
) -> Result<ApplyReport, StoreError> {
    let mut report = ApplyReport::default();
    if rows.is_empty() {
        return Ok(report);
    }
    let warehouses: HashSet<&str> = rows.iter().map(|(_, r)| r.warehouse_id.as_str()).collect();
    ensure_warehouses(store, &warehouses).await?;
    let committed: HashMap<(String, Sku), i64> =
        acknowledged_reservations(store, &warehouses).await?;
    let now = now_rfc3339();
    let writes = rows
        .iter()
        .map(|(index, row)| {
            let c = committed
                .get(&(row.warehouse_id.clone(), row.sku.clone()))
                .copied()
                .unwrap_or(0);
            update_action(store, row, c, &now).map(|a| (*index, a))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = transact_rows(store, writes).await?;
    report.applied += outcome.done.len();
    report.ignored += outcome.condition_failed.len();
    Ok(report)
}
