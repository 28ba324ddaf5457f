//! Customer routes (contacts, and staff acting as the customer): cart, orders, quotes. Every
//! query is scoped to the session's customer; another customer's id answers 404.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use shared::auth::Principal;
use shared::error::Problem;
use shared::http::{ApiJson, ApiQuery, OptionalApiJson, PageOf};
use shared::orders::approvals::ApprovalRequest;
use shared::orders::cart::{self, CartUpdate, CartView};
use shared::orders::error::{OrderError, StockShortProblem};
use shared::orders::handling::{self, Scope};
use shared::orders::place::{self, PlaceOptions, PlaceOrderRequest, Placer};
use shared::orders::quotes::{self, QuoteRequestBody};
use shared::orders::{listing, Actor, Order, OrderSummary, Quote};
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppResult, AppState};

use crate::http::{idempotency_key, list_params, page, placed, ListParams};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(get_cart, put_cart))
        .routes(routes!(place_order, list_orders))
        .routes(routes!(get_order))
        .routes(routes!(cancel_order))
        .routes(routes!(request_quote, list_quotes))
        .routes(routes!(get_quote))
        .routes(routes!(accept_quote))
}

/// The session as a placer: the contact with its session's permissions.
pub(crate) fn placer(principal: &Principal) -> Placer {
    Placer {
        actor: Actor::of(principal),
        permissions: Some(principal.permissions),
    }
}

/// F21: the contact's cart, priced now (prices, tax, totals, availability, what cannot be
/// bought and why).
#[utoipa::path(get, path = "/v1/cart", tag = "orders", security(("bearer" = [])),
    responses((status = 200, body = CartView), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a customer session"),
        (status = 409, body = Problem, description = "customer not active or not ready")))]
async fn get_cart(State(app): State<AppState>, principal: Principal) -> AppResult<Json<CartView>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        cart::get_cart(&app.store, customer_id, &principal.sub).await?,
    ))
}

/// F21: replaces the cart (an empty `lines` empties it). Only items the customer may buy; short
/// stock is shown, not refused.
#[utoipa::path(put, path = "/v1/cart", tag = "orders", request_body = CartUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = CartView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "invalid field, e.g. `lines[2].sku` not in the customer's catalog")))]
async fn put_cart(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(update): ApiJson<CartUpdate>,
) -> AppResult<Json<CartView>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        cart::put_cart(&app.store, customer_id, &principal.sub, update).await?,
    ))
}

/// F22: places an order from the given lines (or the cart when `lines` is left out) at the
/// customer's prices, reserving the stock. Requires an `Idempotency-Key` header: the same key
/// answers the first order again (`Idempotent-Replayed: true`); with another body it is a 422.
#[utoipa::path(post, path = "/v1/orders", tag = "orders", request_body = PlaceOrderRequest,
    params(("Idempotency-Key" = String, Header, description = "unique per order, re-sent on retries")),
    security(("bearer" = [])),
    responses((status = 201, body = Order, description = "placed (or the first answer replayed)"),
        (status = 202, body = ApprovalRequest, description = "above the contact's spending limit: not placed, submitted for a manager's approval (nothing reserved)"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "the contact may not place orders"),
        (status = 409, body = StockShortProblem, description = "stock short (each short line named), credit or open-orders cap exceeded, customer not active or not ready"),
        (status = 422, body = Problem, description = "invalid field, missing Idempotency-Key, or the key reused with another body")))]
async fn place_order(
    State(app): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PlaceOrderRequest>,
) -> Result<Response, OrderError> {
    let customer_id = principal.customer_scope()?;
    let key = idempotency_key(&headers)?;
    let done = place::place_order(
        &app,
        customer_id,
        &placer(&principal),
        &key,
        &request,
        &PlaceOptions::default(),
    )
    .await?;
    Ok(placed(done))
}

/// The customer's orders, newest first (`status` filter, cursor paging).
#[utoipa::path(get, path = "/v1/orders", tag = "orders", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<OrderSummary>), (status = 401, body = Problem),
        (status = 422, body = Problem, description = "bad status, cursor or limit")))]
async fn list_orders(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ListParams>,
) -> AppResult<Json<PageOf<OrderSummary>>> {
    let customer_id = principal.customer_scope()?;
    let params = list_params(query)?;
    let status = params.order_status()?;
    let found = listing::customer_orders(
        &app.store,
        customer_id,
        status,
        params.limit(),
        params.cursor.clone(),
    )
    .await?;
    Ok(Json(page(found)))
}

/// One of the customer's orders (404 for anyone else's).
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "order id")), security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Order>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        handling::load_scoped(&app.store, &id, Scope::Customer(customer_id)).await?,
    ))
}

/// Why the customer cancels (optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CancelBody {
    /// Up to 1000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Cancels a placed order (not yet claimed); its stock and credit are released.
#[utoipa::path(post, path = "/v1/orders/{id}/cancel", tag = "orders",
    params(("id" = String, Path, description = "order id")), request_body(content = CancelBody, description = "optional"),
    security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "the contact may not place orders, so may not cancel them"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "not placed any more (claimed, fulfilled...)"),
        (status = 422, body = Problem)))]
async fn cancel_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    OptionalApiJson(body): OptionalApiJson<CancelBody>,
) -> AppResult<Json<Order>> {
    Ok(Json(
        handling::cancel_as_customer(&app, &principal, &id, body.reason).await?,
    ))
}

/// F26: requests a quote for lines of items the customer may buy.
#[utoipa::path(post, path = "/v1/quotes", tag = "quotes", request_body = QuoteRequestBody,
    security(("bearer" = [])),
    responses((status = 201, body = Quote), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "the contact may not request quotes"),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn request_quote(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<QuoteRequestBody>,
) -> AppResult<(StatusCode, Json<Quote>)> {
    let customer_id = principal.customer_scope()?;
    let quote = quotes::request_quote(&app, customer_id, &placer(&principal), body).await?;
    Ok((StatusCode::CREATED, Json(quote)))
}

/// The customer's quotes, newest first.
#[utoipa::path(get, path = "/v1/quotes", tag = "quotes", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<Quote>), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_quotes(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ListParams>,
) -> AppResult<Json<PageOf<Quote>>> {
    let customer_id = principal.customer_scope()?;
    let params = list_params(query)?;
    let mut found = listing::customer_quotes(
        &app.store,
        customer_id,
        params.limit(),
        params.cursor.clone(),
    )
    .await?;
    let now = shared::types::now_rfc3339();
    for q in &mut found.items {
        q.status = q.effective_status(&now);
    }
    Ok(Json(page(found)))
}

/// One of the customer's quotes (404 for anyone else's).
#[utoipa::path(get, path = "/v1/quotes/{id}", tag = "quotes",
    params(("id" = String, Path, description = "quote id")), security(("bearer" = [])),
    responses((status = 200, body = Quote), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_quote(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Quote>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        quotes::customer_quote(&app.store, customer_id, &id).await?,
    ))
}

/// F26: accepts an answered quote within its validity: it becomes an order at the quoted
/// prices, with every check of an order (stock reserved now, credit, cap, permission).
/// Accepting again answers the same order.
#[utoipa::path(post, path = "/v1/quotes/{id}/accept", tag = "quotes",
    params(("id" = String, Path, description = "quote id")), security(("bearer" = [])),
    responses((status = 201, body = Order), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = StockShortProblem, description = "not answered, expired, stock short, credit exceeded, above the contact's spending limit...")))]
async fn accept_quote(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, OrderError> {
    let customer_id = principal.customer_scope()?;
    let done = place::accept_quote(
        &app,
        customer_id,
        &placer(&principal),
        &id,
        &PlaceOptions::default(),
    )
    .await?;
    Ok(placed(done))
}
