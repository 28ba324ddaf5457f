//! The pricing function: price lists, bulk prices, per-customer prices and the quote.
//! Handlers are thin: parse, call `shared::pricing`, answer.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::auth::Principal;
use shared::customers::Customer;
use shared::http::{ApiJson, ApiQuery, PageOf, PageParams, MAX_JSON_BODY};
use shared::pricing::admin::{
    self, CustomerPriceRowInput, NewPriceList, PriceListPatch, PriceRowInput,
};
use shared::pricing::service::{self, QuoteRequest};
use shared::pricing::{CustomerPrice, Price, PriceList, Quote};
use shared::routes;
use shared::routes::ApiRouter;
use shared::store::keys;
use shared::{AppError, AppResult, AppState};

/// Bulk price bodies hold up to 1,000 rows.
pub const MAX_BULK_BODY: usize = 1024 * 1024;
const DEFAULT_PAGE: i32 = 50;
const MAX_PAGE: i32 = 200;

/// The router and its OpenAPI description, built from the same route list so they never differ.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let bulk = ApiRouter::new()
        .routes(routes!(put_prices, list_prices))
        .routes(routes!(put_customer_prices, list_customer_prices))
        .layer(DefaultBodyLimit::max(MAX_BULK_BODY));
    ApiRouter::new()
        .routes(routes!(list_price_lists, create_price_list))
        .routes(routes!(get_price_list, update_price_list))
        .routes(routes!(quote))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .merge(bulk)
        .split_for_parts()
}

/// The cold start: configuration, clients and the session signing keys, read once (as this
/// function's code, so the IAM test sees the Secrets Manager read).
pub async fn cold_start() -> Result<AppState, String> {
    shared::aws_ops::within("pricing", shared::App::from_env_with_session_keys()).await
}

pub fn router(state: AppState) -> axum::Router {
    // Requests run as this function's code (aws_ops: the IAM test attributes AWS calls).
    shared::http::with_problem_fallbacks(
        shared::aws_ops::layer(api().0, "pricing").with_state(state),
    )
}

fn page<T>(page: shared::store::Page<T>) -> PageOf<T> {
    PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }
}

// ---------------------------------------------------------------------------------------------
// Price lists (staff; admins write)

/// Price lists by name (staff).
#[utoipa::path(get, path = "/v1/admin/price-lists", tag = "pricing",
    params(PageParams),
    responses((status = 200, body = PageOf<PriceList>), (status = 403), (status = 422)),
    security(("bearer" = [])))]
async fn list_price_lists(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<PriceList>>> {
    principal.require_staff()?;
    let limit = params.limit_or(DEFAULT_PAGE, MAX_PAGE)?;
    let lists = admin::list_price_lists(&app.store, params.cursor, limit).await?;
    Ok(Json(page(lists)))
}

/// Creates a price list with its currency (admins).
#[utoipa::path(post, path = "/v1/admin/price-lists", tag = "pricing",
    request_body = NewPriceList,
    responses((status = 201, body = PriceList), (status = 403), (status = 409, description = "id taken"),
        (status = 422, description = "a field is invalid")),
    security(("bearer" = [])))]
async fn create_price_list(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<NewPriceList>,
) -> AppResult<(StatusCode, Json<PriceList>)> {
    principal.require_admin()?;
    let list = admin::create_price_list(&app.store, input).await?;
    Ok((StatusCode::CREATED, Json(list)))
}

/// One price list (staff).
#[utoipa::path(get, path = "/v1/admin/price-lists/{id}", tag = "pricing",
    params(("id" = String, Path, description = "price list id")),
    responses((status = 200, body = PriceList), (status = 403), (status = 404)),
    security(("bearer" = [])))]
async fn get_price_list(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<PriceList>> {
    principal.require_staff()?;
    Ok(Json(admin::get_price_list(&app.store, &id).await?))
}

/// Renames a price list or changes its currency; the currency is locked once it has prices
/// (409 `currency-locked`). Admins.
#[utoipa::path(patch, path = "/v1/admin/price-lists/{id}", tag = "pricing",
    params(("id" = String, Path, description = "price list id")),
    request_body = PriceListPatch,
    responses((status = 200, body = PriceList), (status = 403), (status = 404),
        (status = 409, description = "currency-locked"), (status = 422)),
    security(("bearer" = [])))]
async fn update_price_list(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<PriceListPatch>,
) -> AppResult<Json<PriceList>> {
    principal.require_admin()?;
    Ok(Json(
        admin::update_price_list(&app.store, &id, patch).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Bulk prices

/// Rows are read loosely so that every bad row can be reported, not just the first.
#[derive(Debug, Deserialize)]
struct BulkRows {
    prices: Vec<Value>,
}

/// Documentation of the list-price bulk body.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PricesUpsert {
    /// 1 to 1,000 rows, one per SKU.
    pub prices: Vec<PriceRowInput>,
}

/// Documentation of the customer-price bulk body.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CustomerPricesUpsert {
    /// 1 to 1,000 rows, one per SKU.
    pub prices: Vec<CustomerPriceRowInput>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Written {
    /// Rows written (or, for customer prices with neither part, removed).
    pub written: usize,
}

/// Upserts list prices in bulk (admins). The whole body is validated first: any bad row gives
/// a 422 naming every bad field (`prices[3].unit_price`) and nothing is written.
#[utoipa::path(put, path = "/v1/admin/price-lists/{id}/prices", tag = "pricing",
    params(("id" = String, Path, description = "price list id")),
    request_body = PricesUpsert,
    responses((status = 200, body = Written), (status = 403), (status = 404),
        (status = 413), (status = 422, description = "every bad row, by field")),
    security(("bearer" = [])))]
async fn put_prices(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BulkRows>,
) -> AppResult<Json<Written>> {
    principal.require_admin()?;
    let rows = admin::parse_price_rows(&body.prices)?;
    let written = admin::write_prices(&app.store, &id, &rows).await?;
    Ok(Json(Written { written }))
}

/// A price list's prices by SKU (staff).
#[utoipa::path(get, path = "/v1/admin/price-lists/{id}/prices", tag = "pricing",
    params(("id" = String, Path, description = "price list id"), PageParams),
    responses((status = 200, body = PageOf<Price>), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
async fn list_prices(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<Price>>> {
    principal.require_staff()?;
    let limit = params.limit_or(DEFAULT_PAGE, MAX_PAGE)?;
    let prices = admin::list_prices(&app.store, &id, params.cursor, limit).await?;
    Ok(Json(page(prices)))
}

/// The customer, if this staff member may see it (agents: only their own; 404 otherwise).
async fn managed_customer(app: &AppState, principal: &Principal, id: &str) -> AppResult<Customer> {
    principal.require_staff()?;
    let customer: Customer = app
        .store
        .get(&keys::customer_pk(id), keys::CUSTOMER_PROFILE_SK)
        .await?
        .ok_or(AppError::NotFound)?;
    principal.ensure_can_manage(customer.agent_id.as_deref())?;
    Ok(customer)
}

/// Upserts a customer's special prices and per-SKU discounts in bulk (admins). A row with
/// neither `special_price` nor `discount_percent` removes that SKU's record. Validated as a
/// whole first, like list prices.
#[utoipa::path(put, path = "/v1/admin/customers/{id}/prices", tag = "pricing",
    params(("id" = String, Path, description = "customer id")),
    request_body = CustomerPricesUpsert,
    responses((status = 200, body = Written), (status = 403), (status = 404),
        (status = 413), (status = 422, description = "every bad row, by field")),
    security(("bearer" = [])))]
async fn put_customer_prices(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BulkRows>,
) -> AppResult<Json<Written>> {
    principal.require_admin()?;
    let customer = managed_customer(&app, &principal, &id).await?;
    let rows = admin::parse_customer_price_rows(&body.prices)?;
    let written = admin::write_customer_prices(&app.store, &customer.id, &rows).await?;
    Ok(Json(Written { written }))
}

/// A customer's special prices and discounts by SKU (staff; agents only for their customers).
#[utoipa::path(get, path = "/v1/admin/customers/{id}/prices", tag = "pricing",
    params(("id" = String, Path, description = "customer id"), PageParams),
    responses((status = 200, body = PageOf<CustomerPrice>), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
async fn list_customer_prices(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<CustomerPrice>>> {
    let limit = params.limit_or(DEFAULT_PAGE, MAX_PAGE)?;
    let customer = managed_customer(&app, &principal, &id).await?;
    let prices =
        admin::list_customer_prices(&app.store, &customer.id, params.cursor, limit).await?;
    Ok(Json(page(prices)))
}

// ---------------------------------------------------------------------------------------------
// Customer

/// Prices lines for the caller's customer (a contact, or staff acting as the customer): unit
/// price, tier, discount, tax, line and order totals in the price list's currency, availability
/// in the chosen warehouse, and which lines cannot be bought and why.
#[utoipa::path(post, path = "/v1/pricing/quote", tag = "pricing",
    request_body = QuoteRequest,
    responses((status = 200, body = Quote),
        (status = 401), (status = 403, description = "not a customer session"),
        (status = 409, description = "customer-not-active or no-price-list"),
        (status = 422, description = "bad lines or a warehouse not assigned to the customer")),
    security(("bearer" = [])))]
async fn quote(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<QuoteRequest>,
) -> AppResult<Json<Quote>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        service::quote_for_customer(&app.store, customer_id, &request).await?,
    ))
}
