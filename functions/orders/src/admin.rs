//! Staff routes (admins; agents only for their customers, others answer 404): order lists and
//! handling (claim, fulfil, cancel), orders placed on a customer's behalf, quotes to answer.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use shared::auth::Principal;
use shared::error::Problem;
use shared::http::{ApiJson, ApiQuery, OptionalApiJson, PageOf};
use shared::orders::error::{OrderError, StockShortProblem};
use shared::orders::handling::{self, OrderAction, Scope};
use shared::orders::place::{self, PlaceOptions, PlaceOrderRequest, Placer};
use shared::orders::quotes::{self, QuoteAnswer};
use shared::orders::{listing, Actor, Order, OrderSummary, Quote};
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::customer_care::managed_customer;
use shared::store::{Page, Store};
use shared::{AppResult, AppState};

use crate::customer::CancelBody;
use crate::http::{idempotency_key, list_params, page, placed, ListParams};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(claim_order))
        .routes(routes!(fulfil_order))
        .routes(routes!(cancel_order))
        .routes(routes!(place_for_customer))
        .routes(routes!(list_quotes))
        .routes(routes!(get_quote))
        .routes(routes!(answer_quote))
}

/// Orders by status then newest (`status`, `customer` filters). Agents see their customers'.
#[utoipa::path(get, path = "/v1/admin/orders", tag = "orders-admin", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<OrderSummary>), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not staff"),
        (status = 404, body = Problem, description = "`customer` is not one the caller manages"),
        (status = 422, body = Problem, description = "bad status, cursor or limit")))]
async fn list_orders(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ListParams>,
) -> AppResult<Json<PageOf<OrderSummary>>> {
    staff_page(
        &app,
        &principal,
        query,
        ListParams::order_status,
        listing::staff_orders,
    )
    .await
}

/// What the staff lists share: staff only, the query checked and its `status` read by
/// `status_of`, then one page of `list` (which scopes it to the customers the caller manages).
async fn staff_page<S, T>(
    app: &AppState,
    principal: &Principal,
    query: ListParams,
    status_of: fn(&ListParams) -> AppResult<Option<S>>,
    list: impl AsyncFnOnce(
        &Store,
        &Principal,
        Option<S>,
        Option<&str>,
        i32,
        Option<String>,
    ) -> AppResult<Page<T>>,
) -> AppResult<Json<PageOf<T>>> {
    principal.require_staff()?;
    let params = list_params(query)?;
    let status = status_of(&params)?;
    let found = list(
        &app.store,
        principal,
        status,
        params.customer.as_deref(),
        params.limit(),
        params.cursor.clone(),
    )
    .await?;
    Ok(Json(page(found)))
}

/// One order (404 unless the caller manages its customer).
#[utoipa::path(get, path = "/v1/admin/orders/{id}", tag = "orders-admin",
    params(("id" = String, Path, description = "order id")), security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn get_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Order>> {
    principal.require_staff()?;
    Ok(Json(
        handling::load_scoped(&app.store, &id, Scope::Staff(&principal)).await?,
    ))
}

async fn act(
    app: &AppState,
    principal: &Principal,
    id: &str,
    action: OrderAction,
    reason: Option<String>,
) -> AppResult<Json<Order>> {
    principal.require_staff()?;
    Ok(Json(
        handling::transition(
            app,
            id,
            Scope::Staff(principal),
            &Actor::of(principal),
            action,
            reason,
        )
        .await?,
    ))
}

/// F23: takes over a placed order (it no longer expires).
#[utoipa::path(post, path = "/v1/admin/orders/{id}/claim", tag = "orders-admin",
    params(("id" = String, Path, description = "order id")), security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "not placed")))]
async fn claim_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Order>> {
    act(&app, &principal, &id, OrderAction::Claim, None).await
}

/// F23: the goods left: on hand and reserved both go down; the credit is released.
#[utoipa::path(post, path = "/v1/admin/orders/{id}/fulfil", tag = "orders-admin",
    params(("id" = String, Path, description = "order id")), security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "not claimed")))]
async fn fulfil_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Order>> {
    act(&app, &principal, &id, OrderAction::Fulfil, None).await
}

/// F23: cancels a placed or claimed order; reserved stock and credit are released once.
#[utoipa::path(post, path = "/v1/admin/orders/{id}/cancel", tag = "orders-admin",
    params(("id" = String, Path, description = "order id")),
    request_body(content = CancelBody, description = "optional"), security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "already fulfilled, cancelled or expired"),
        (status = 422, body = Problem)))]
async fn cancel_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    OptionalApiJson(body): OptionalApiJson<CancelBody>,
) -> AppResult<Json<Order>> {
    let reason = body.reason;
    act(&app, &principal, &id, OrderAction::Cancel, reason).await
}

/// Places an order on behalf of a customer (admins, or its agent), with every check of an
/// order; `placed_by` records the staff member. Requires an `Idempotency-Key` header.
#[utoipa::path(post, path = "/v1/admin/customers/{id}/orders", tag = "orders-admin",
    params(("id" = String, Path, description = "customer id"),
        ("Idempotency-Key" = String, Header, description = "unique per order, re-sent on retries")),
    request_body = PlaceOrderRequest, security(("bearer" = [])),
    responses((status = 201, body = Order), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "no such customer, or not one the caller manages"),
        (status = 409, body = StockShortProblem), (status = 422, body = Problem)))]
async fn place_for_customer(
    State(app): State<AppState>,
    principal: Principal,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PlaceOrderRequest>,
) -> Result<Response, OrderError> {
    principal.require_staff()?;
    let key = idempotency_key(&headers)?;
    if request.lines.is_none() {
        return Err(shared::AppError::invalid("lines", "is required").into());
    }
    managed_customer(&app.store, &principal, &customer_id).await?;
    let placer = Placer {
        actor: Actor::of(&principal),
        permissions: None,
    };
    let done = place::place_order(
        &app,
        &customer_id,
        &placer,
        &key,
        &request,
        &PlaceOptions::default(),
    )
    .await?;
    Ok(placed(done))
}

/// Quotes by status then newest (`status=requested` for those to answer; `customer` filter).
#[utoipa::path(get, path = "/v1/admin/quotes", tag = "orders-admin", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<Quote>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_quotes(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ListParams>,
) -> AppResult<Json<PageOf<Quote>>> {
    staff_page(
        &app,
        &principal,
        query,
        ListParams::quote_status,
        listing::staff_quotes,
    )
    .await
}

/// One quote (404 unless the caller manages its customer).
#[utoipa::path(get, path = "/v1/admin/quotes/{id}", tag = "orders-admin",
    params(("id" = String, Path, description = "quote id")), security(("bearer" = [])),
    responses((status = 200, body = Quote), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn get_quote(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Quote>> {
    principal.require_staff()?;
    Ok(Json(
        quotes::staff_quote(&app.store, &principal, &id).await?,
    ))
}

/// F26: answers a requested quote: a unit price for every line and a validity date. The
/// customer is emailed.
#[utoipa::path(post, path = "/v1/admin/quotes/{id}/answer", tag = "orders-admin",
    params(("id" = String, Path, description = "quote id")), request_body = QuoteAnswer,
    security(("bearer" = [])),
    responses((status = 200, body = Quote), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "not requested any more"),
        (status = 422, body = Problem)))]
async fn answer_quote(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(answer): ApiJson<QuoteAnswer>,
) -> AppResult<Json<Quote>> {
    principal.require_staff()?;
    Ok(Json(
        quotes::answer_quote(&app, &principal, &id, answer).await?,
    ))
}
