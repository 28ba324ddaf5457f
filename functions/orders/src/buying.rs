//! Buying tools for customers (F36-F38): quick order, adding lines to the cart, order again,
//! previously purchased items and saved lists. Like the cart, they need a customer session (a
//! contact, or staff acting as the customer); everything is scoped to the session's customer
//! (another customer's order or list answers 404). Placing the cart still takes the
//! place-orders permission.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::auth::Principal;
use shared::error::Problem;
use shared::http::{ApiJson, ApiQuery};
use shared::orders::cart::{CartAdded, CartAddition};
use shared::orders::lists::{
    self, NewSavedList, SavedList, SavedListPatch, SavedListSummary, SavedListView,
};
use shared::orders::purchased::{self, Purchased, PurchasedParams};
use shared::orders::quick::{self, QuickOrderCheck, QuickOrderRequest};
use shared::orders::reorder::{self, Reorder};
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppResult, AppState};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(check_quick_order))
        .routes(routes!(add_cart_lines))
        .routes(routes!(reorder_order))
        .routes(routes!(list_purchased))
        .routes(routes!(list_lists, create_list))
        .routes(routes!(get_list, update_list, delete_list))
        .routes(routes!(add_list_to_cart))
}

/// F36: checks and prices up to 500 SKU and quantity rows at once (typed `rows`, or the `text`
/// of pasted lines or a CSV file), in the cart's warehouse unless one is given. Each row answers
/// its problem; nothing is added to the cart.
#[utoipa::path(post, path = "/v1/quick-order/check", tag = "buying", request_body = QuickOrderRequest,
    security(("bearer" = [])),
    responses((status = 200, body = QuickOrderCheck), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a customer session"),
        (status = 409, body = Problem, description = "customer not active or not ready"),
        (status = 422, body = Problem, description = "bad input naming the row and field: `text.line[3].quantity`, `rows[0].sku`; more than 500 rows (`text` or `rows`), not a CSV (`text`)")))]
async fn check_quick_order(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<QuickOrderRequest>,
) -> AppResult<Json<QuickOrderCheck>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        quick::check(&app.store, customer_id, &principal.sub, &request).await?,
    ))
}

/// Adds lines to the contact's cart in one action (same SKUs merged with the cart's). Lines of
/// items the customer cannot buy are refused (422 naming `lines[i].sku`) and nothing is added;
/// a cart may hold at most 500 lines.
#[utoipa::path(post, path = "/v1/cart/lines", tag = "orders", request_body = CartAddition,
    security(("bearer" = [])),
    responses((status = 200, body = CartAdded), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "invalid field, or the cart would pass 500 lines")))]
async fn add_cart_lines(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CartAddition>,
) -> AppResult<Json<CartAdded>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        shared::orders::cart::add_to_cart(&app.store, customer_id, &principal.sub, body).await?,
    ))
}

/// F37: puts a past order's lines in the cart at today's prices and availability, each marked
/// with what changed (price up or down, no longer buyable: left out, short).
#[utoipa::path(post, path = "/v1/orders/{id}/reorder", tag = "buying",
    params(("id" = String, Path, description = "order id")), security(("bearer" = [])),
    responses((status = 200, body = Reorder), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem, description = "the cart would pass 500 lines")))]
async fn reorder_order(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Reorder>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        reorder::reorder(&app.store, customer_id, &principal.sub, &id).await?,
    ))
}

/// F37: the items the customer bought in the last `days` days (default 90), most recent first,
/// with the last quantity, price and date.
#[utoipa::path(get, path = "/v1/purchased", tag = "buying", params(PurchasedParams),
    security(("bearer" = [])),
    responses((status = 200, body = Purchased), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem, description = "bad `days` or `q`")))]
async fn list_purchased(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<PurchasedParams>,
) -> AppResult<Json<Purchased>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        purchased::purchased(&app.store, customer_id, &params).await?,
    ))
}

/// F38: the customer's saved lists (shared by its contacts), by name.
#[utoipa::path(get, path = "/v1/lists", tag = "buying", security(("bearer" = [])),
    responses((status = 200, body = Vec<SavedListSummary>), (status = 401, body = Problem),
        (status = 403, body = Problem)))]
async fn list_lists(
    State(app): State<AppState>,
    principal: Principal,
) -> AppResult<Json<Vec<SavedListSummary>>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(lists::list_lists(&app.store, customer_id).await?))
}

/// F38: creates a saved list (at most 50 per customer, 500 lines each).
#[utoipa::path(post, path = "/v1/lists", tag = "buying", request_body = NewSavedList,
    security(("bearer" = [])),
    responses((status = 201, body = SavedList), (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, body = Problem, description = "the customer has 50 lists already"),
        (status = 422, body = Problem)))]
async fn create_list(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<NewSavedList>,
) -> AppResult<(StatusCode, Json<SavedList>)> {
    let customer_id = principal.customer_scope()?;
    let list = lists::create_list(&app.store, customer_id, &principal.sub, body).await?;
    Ok((StatusCode::CREATED, Json(list)))
}

/// F38: one saved list with its lines priced now.
#[utoipa::path(get, path = "/v1/lists/{id}", tag = "buying",
    params(("id" = String, Path, description = "list id")), security(("bearer" = [])),
    responses((status = 200, body = SavedListView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "the customer's price list does not exist")))]
async fn get_list(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<SavedListView>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        lists::get_list(&app.store, customer_id, &principal.sub, &id).await?,
    ))
}

/// F38: renames a list and/or replaces its lines.
#[utoipa::path(patch, path = "/v1/lists/{id}", tag = "buying", request_body = SavedListPatch,
    params(("id" = String, Path, description = "list id")), security(("bearer" = [])),
    responses((status = 200, body = SavedList), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "changed by someone else meanwhile"),
        (status = 422, body = Problem)))]
async fn update_list(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<SavedListPatch>,
) -> AppResult<Json<SavedList>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        lists::update_list(&app.store, customer_id, &principal.sub, &id, patch).await?,
    ))
}

/// F38: deletes a list.
#[utoipa::path(delete, path = "/v1/lists/{id}", tag = "buying",
    params(("id" = String, Path, description = "list id")), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_list(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let customer_id = principal.customer_scope()?;
    lists::delete_list(&app.store, customer_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// F38: adds the whole list to the contact's cart (lines of items not buyable now are left out
/// and listed in `skipped`).
#[utoipa::path(post, path = "/v1/lists/{id}/cart", tag = "buying",
    params(("id" = String, Path, description = "list id")), security(("bearer" = [])),
    responses((status = 200, body = CartAdded), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "empty list, customer not active or not ready"),
        (status = 422, body = Problem, description = "the cart would pass 500 lines")))]
async fn add_list_to_cart(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<CartAdded>> {
    let customer_id = principal.customer_scope()?;
    Ok(Json(
        lists::add_list_to_cart(&app.store, customer_id, &principal.sub, &id).await?,
    ))
}
