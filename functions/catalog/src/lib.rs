//! The catalog function: items, warehouses, stock, import/export (staff) and the storefront
//! reads (list, search, detail, facets). Handlers are thin: parse, call `shared::catalog`,
//! answer.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shared::auth::{MaybePrincipal, Principal};
use shared::catalog::browse::{self, BrowseQuery, CatalogItem, CatalogItemDetail, Facets};
use shared::catalog::files::{
    self, FileFormat, FileKind, ImportProblem, ImportRefused, ImportReport, MAX_FILE_BYTES,
};
use shared::catalog::stock::{self, StockLevel};
use shared::catalog::{
    items, warehouses, Item, ItemInput, ItemPatch, Sku, Warehouse, WarehouseInput, WarehousePatch,
};
use shared::http::{ApiJson, ApiQuery, PageOf, MAX_JSON_BODY};
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppError, AppResult, AppState};

/// The router and its OpenAPI description, built from the same route list so they never differ.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    // Import files are large (100,000 rows): only this route takes big bodies.
    let import = ApiRouter::new()
        .routes(routes!(import_file))
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES));
    ApiRouter::new()
        .routes(routes!(list_catalog))
        .routes(routes!(get_catalog_item))
        .routes(routes!(get_facets))
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item, update_item))
        .routes(routes!(get_item_stock))
        .routes(routes!(export_file))
        .routes(routes!(list_warehouses, create_warehouse))
        .routes(routes!(get_warehouse, update_warehouse))
        .routes(routes!(set_stock))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .merge(import)
        .split_for_parts()
}

/// The cold start: configuration, clients and the session signing keys, read once (as this
/// function's code, so the IAM test sees the Secrets Manager read).
pub async fn cold_start() -> Result<AppState, String> {
    shared::aws_ops::within("catalog", shared::App::from_env_with_session_keys()).await
}

pub fn router(state: AppState) -> axum::Router {
    // Requests run as this function's code (aws_ops: the IAM test attributes AWS calls).
    shared::http::with_problem_fallbacks(
        shared::aws_ops::layer(api().0, "catalog").with_state(state),
    )
}

fn sku_path(raw: &str) -> AppResult<Sku> {
    Sku::parse(raw).map_err(|_| AppError::NotFound)
}

// Storefront -------------------------------------------------------------------------------------

/// Items this caller may see, with its price and availability when it is a customer. Search
/// (`q`) matches word prefixes of name, brand and SKU; `type` and `brand` filter.
#[utoipa::path(get, path = "/v1/catalog/items", tag = "catalog", params(BrowseQuery),
    security((), ("bearer" = [])),
    responses((status = 200, body = PageOf<CatalogItem>),
        (status = 401, description = "not logged in and the store is not in B2B mode"),
        (status = 422, description = "bad q, type, brand, cursor or limit")))]
async fn list_catalog(
    State(app): State<AppState>,
    MaybePrincipal(principal): MaybePrincipal,
    ApiQuery(params): ApiQuery<BrowseQuery>,
) -> AppResult<Json<PageOf<CatalogItem>>> {
    let ctx = browse::Context::load(&app.store, principal.as_ref()).await?;
    Ok(Json(browse::list(&app.store, &ctx, &params).await?))
}

/// One item; 404 when the caller may not see it (inactive, or outside its catalog).
#[utoipa::path(get, path = "/v1/catalog/items/{sku}", tag = "catalog",
    params(("sku" = String, Path, description = "the item's SKU")),
    security((), ("bearer" = [])),
    responses((status = 200, body = CatalogItemDetail), (status = 401), (status = 404)))]
async fn get_catalog_item(
    State(app): State<AppState>,
    MaybePrincipal(principal): MaybePrincipal,
    Path(sku): Path<String>,
) -> AppResult<Json<CatalogItemDetail>> {
    let ctx = browse::Context::load(&app.store, principal.as_ref()).await?;
    Ok(Json(browse::detail(&app.store, &ctx, &sku).await?))
}

/// Types and brands with the number of items the caller can see.
#[utoipa::path(get, path = "/v1/catalog/facets", tag = "catalog",
    security((), ("bearer" = [])),
    responses((status = 200, body = Facets), (status = 401)))]
async fn get_facets(
    State(app): State<AppState>,
    MaybePrincipal(principal): MaybePrincipal,
) -> AppResult<Json<Facets>> {
    let ctx = browse::Context::load(&app.store, principal.as_ref()).await?;
    Ok(Json(browse::facets(&app.store, &ctx).await?))
}

// Items (staff read, admins write) ---------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ItemListParams {
    /// `true` (default): active items; `false`: the deactivated ones.
    active: Option<String>,
    cursor: Option<String>,
    /// 1-200, default 50.
    limit: Option<String>,
}

/// Items by name, active or deactivated (staff).
#[utoipa::path(get, path = "/v1/admin/items", tag = "catalog", params(ItemListParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<Item>), (status = 403), (status = 422)))]
async fn list_items(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<ItemListParams>,
) -> AppResult<Json<PageOf<Item>>> {
    principal.require_staff()?;
    let active = match params.active.as_deref().map(str::trim) {
        None | Some("") | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(AppError::invalid("active", "must be true or false")),
    };
    let limit = match params.limit.as_deref().map(str::trim) {
        None | Some("") => 50,
        Some(raw) => raw
            .parse::<i32>()
            .ok()
            .filter(|l| (1..=200).contains(l))
            .ok_or_else(|| AppError::invalid("limit", "must be a whole number from 1 to 200"))?,
    };
    let page = items::list_items(&app.store, active, params.cursor, limit).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates an item (admins).
#[utoipa::path(post, path = "/v1/admin/items", tag = "catalog", request_body = ItemInput,
    security(("bearer" = [])),
    responses((status = 201, body = Item), (status = 403),
        (status = 409, description = "the SKU exists"), (status = 422, description = "invalid field")))]
async fn create_item(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ItemInput>,
) -> AppResult<(StatusCode, Json<Item>)> {
    principal.require_admin()?;
    let item = body
        .validate(&shared::types::now_rfc3339())
        .map_err(AppError::Validation)?;
    let item = items::create_item(&app.store, item).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// One item, active or not (staff).
#[utoipa::path(get, path = "/v1/admin/items/{sku}", tag = "catalog",
    params(("sku" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Item), (status = 403), (status = 404)))]
async fn get_item(
    State(app): State<AppState>,
    principal: Principal,
    Path(sku): Path<String>,
) -> AppResult<Json<Item>> {
    principal.require_staff()?;
    let sku = sku_path(&sku)?;
    let item = items::get_item(&app.store, &sku)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(item))
}

/// Changes an item; `active: false` deactivates it (admins).
#[utoipa::path(patch, path = "/v1/admin/items/{sku}", tag = "catalog", request_body = ItemPatch,
    params(("sku" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Item), (status = 403), (status = 404),
        (status = 409, description = "changed meanwhile"), (status = 422, description = "invalid field")))]
async fn update_item(
    State(app): State<AppState>,
    principal: Principal,
    Path(sku): Path<String>,
    ApiJson(body): ApiJson<ItemPatch>,
) -> AppResult<Json<Item>> {
    principal.require_admin()?;
    let sku = sku_path(&sku)?;
    Ok(Json(items::update_item(&app.store, &sku, &body).await?))
}

/// Stock of one item in every warehouse (staff).
#[utoipa::path(get, path = "/v1/admin/items/{sku}/stock", tag = "catalog",
    params(("sku" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<StockLevel>), (status = 403), (status = 404)))]
async fn get_item_stock(
    State(app): State<AppState>,
    principal: Principal,
    Path(sku): Path<String>,
) -> AppResult<Json<Vec<StockLevel>>> {
    principal.require_staff()?;
    let sku = sku_path(&sku)?;
    if items::get_item(&app.store, &sku).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(stock::item_stock(&app.store, &sku).await?))
}

// Import and export ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FileParams {
    /// `items`, `prices` or `stock`.
    kind: Option<String>,
    /// `csv` or `json` (import: else from the Content-Type).
    format: Option<String>,
    /// Export of prices: the price list.
    price_list_id: Option<String>,
}

fn kind_of(params: &FileParams) -> AppResult<FileKind> {
    FileKind::parse(
        params
            .kind
            .as_deref()
            .ok_or_else(|| AppError::invalid("kind", "is required: items, prices or stock"))?,
    )
}

/// Imports a CSV or JSON file of items, prices or stock (admins). The whole file is checked
/// first: one bad row and nothing is applied, and the answer lists every bad row. Importing
/// the same file again changes nothing. Up to 64 MiB / 200,000 rows.
#[utoipa::path(post, path = "/v1/admin/items/import", tag = "catalog", params(FileParams),
    request_body(content = String, content_type = "text/csv",
        description = "CSV with a header row, or (format=json) a JSON array of row objects"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 403), (status = 413),
        (status = 422, body = ImportProblem, description = "bad rows: nothing was applied")))]
async fn import_file(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<FileParams>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ImportRefused> {
    principal.require_admin()?;
    let kind = kind_of(&params)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let format = FileFormat::choose(params.format.as_deref(), content_type)?;
    let body = body.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) => AppError::PayloadTooLarge,
        other => AppError::MalformedBody(other.body_text()),
    })?;
    Ok(Json(files::import(&app.store, kind, format, &body).await?))
}

/// Exports items, prices (of one list) or stock as CSV or JSON, in the import's format (staff).
#[utoipa::path(get, path = "/v1/admin/items/export", tag = "catalog", params(FileParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403),
        (status = 404, description = "no such price list"), (status = 422)))]
async fn export_file(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<FileParams>,
) -> AppResult<Response> {
    principal.require_staff()?;
    let kind = kind_of(&params)?;
    let format = FileFormat::choose(Some(params.format.as_deref().unwrap_or("csv")), None)?;
    let body = files::export(&app.store, kind, format, params.price_list_id.as_deref()).await?;
    let name = format!(
        "attachment; filename=\"{}.{}\"",
        params.kind.as_deref().unwrap_or("export"),
        if format == FileFormat::Csv {
            "csv"
        } else {
            "json"
        }
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

// Warehouses and stock ---------------------------------------------------------------------------

/// Every warehouse (staff).
#[utoipa::path(get, path = "/v1/admin/warehouses", tag = "catalog", security(("bearer" = [])),
    responses((status = 200, body = Vec<Warehouse>), (status = 403)))]
async fn list_warehouses(
    State(app): State<AppState>,
    principal: Principal,
) -> AppResult<Json<Vec<Warehouse>>> {
    principal.require_staff()?;
    Ok(Json(warehouses::list_warehouses(&app.store).await?))
}

/// Creates a warehouse (admins).
#[utoipa::path(post, path = "/v1/admin/warehouses", tag = "catalog", request_body = WarehouseInput,
    security(("bearer" = [])),
    responses((status = 201, body = Warehouse), (status = 403),
        (status = 409, description = "the id exists"), (status = 422)))]
async fn create_warehouse(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<WarehouseInput>,
) -> AppResult<(StatusCode, Json<Warehouse>)> {
    principal.require_admin()?;
    let warehouse = warehouses::create_warehouse(&app.store, &body).await?;
    Ok((StatusCode::CREATED, Json(warehouse)))
}

/// One warehouse (staff).
#[utoipa::path(get, path = "/v1/admin/warehouses/{id}", tag = "catalog",
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Warehouse), (status = 403), (status = 404)))]
async fn get_warehouse(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Warehouse>> {
    principal.require_staff()?;
    let warehouse = warehouses::get_warehouse(&app.store, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(warehouse))
}

/// Changes a warehouse; `active: false` hides its stock from customers (admins).
#[utoipa::path(patch, path = "/v1/admin/warehouses/{id}", tag = "catalog",
    request_body = WarehousePatch, params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Warehouse), (status = 403), (status = 404), (status = 422)))]
async fn update_warehouse(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WarehousePatch>,
) -> AppResult<Json<Warehouse>> {
    principal.require_admin()?;
    Ok(Json(
        warehouses::update_warehouse(&app.store, &id, &body).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct StockCorrection {
    /// Units physically in the warehouse, 0 or more. Reservations are kept.
    on_hand: i64,
}

/// Sets the on-hand quantity of an item in a warehouse (staff correction, admins). What orders
/// have reserved is kept.
#[utoipa::path(put, path = "/v1/admin/stock/{warehouse_id}/{sku}", tag = "catalog",
    request_body = StockCorrection,
    params(("warehouse_id" = String, Path), ("sku" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = StockLevel), (status = 403),
        (status = 404, description = "no such warehouse or item"), (status = 422)))]
async fn set_stock(
    State(app): State<AppState>,
    principal: Principal,
    Path((warehouse_id, sku)): Path<(String, String)>,
    ApiJson(body): ApiJson<StockCorrection>,
) -> AppResult<Json<StockLevel>> {
    principal.require_admin()?;
    let on_hand = files::parse_on_hand(&body.on_hand.to_string())
        .map_err(|reason| AppError::invalid("on_hand", reason))?;
    let sku = sku_path(&sku)?;
    let (warehouse, item) = tokio::join!(
        warehouses::get_warehouse(&app.store, &warehouse_id),
        items::get_item(&app.store, &sku)
    );
    if warehouse?.is_none() || item?.is_none() {
        return Err(AppError::NotFound);
    }
    let stock = stock::set_on_hand(&app.store, &warehouse_id, &sku, on_hand).await?;
    Ok(Json(StockLevel::from(stock)))
}
