//! Warehouses (F17): `WH#<id>`/`META`, listed through GSI1 `WAREHOUSES`.

use super::model::{check_warehouse_id, Warehouse, WarehouseInput, WarehousePatch};
use crate::error::{AppError, AppResult};
use crate::store::{keys, Keys, QuerySpec, Store, StoreError};
use crate::types::now_rfc3339;

fn warehouse_keys(warehouse: &Warehouse) -> Keys {
    Keys::new(keys::warehouse_pk(&warehouse.id), keys::META_SK)
        .gsi1(keys::WAREHOUSES_INDEX_PK, &warehouse.id)
}

pub async fn get_warehouse(store: &Store, id: &str) -> Result<Option<Warehouse>, StoreError> {
    if check_warehouse_id(id).is_err() {
        return Ok(None);
    }
    store.get(&keys::warehouse_pk(id), keys::META_SK).await
}

/// Every warehouse, by id (a handful per store: one query).
pub async fn list_warehouses(store: &Store) -> Result<Vec<Warehouse>, StoreError> {
    store
        .query_all(QuerySpec::index(keys::GSI1, keys::WAREHOUSES_INDEX_PK))
        .await
}

/// Creates a warehouse (409 `warehouse-exists` when the id is taken).
pub async fn create_warehouse(store: &Store, input: &WarehouseInput) -> AppResult<Warehouse> {
    let warehouse = input
        .validate(&now_rfc3339())
        .map_err(AppError::Validation)?;
    match store.put_new(&warehouse_keys(&warehouse), &warehouse).await {
        Ok(()) => Ok(warehouse),
        Err(StoreError::ConditionFailed) => Err(AppError::conflict(
            "warehouse-exists",
            format!("a warehouse with id {} already exists", warehouse.id),
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn update_warehouse(
    store: &Store,
    id: &str,
    patch: &WarehousePatch,
) -> AppResult<Warehouse> {
    let current = get_warehouse(store, id).await?.ok_or(AppError::NotFound)?;
    let updated = patch
        .apply(&current, &now_rfc3339())
        .map_err(AppError::Validation)?;
    // Only if it still exists (a put must not resurrect a deleted record).
    let item = crate::store::item(&warehouse_keys(&updated), &updated)?;
    store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(item))
        .condition_expression("attribute_exists(PK)")
        .send()
        .await
        .map_err(|e| AppError::internal(e.into_service_error()))?;
    Ok(updated)
}
