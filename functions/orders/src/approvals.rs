//! F39 approval requests: orders above a contact's spending limit wait for one of the
//! company's managers. Managers list, approve (the order is placed as them, with every check)
//! and reject (with a reason); the requester follows and withdraws its own; staff see a
//! customer's pending requests.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use shared::auth::Principal;
use shared::error::Problem;
use shared::http::{ApiJson, ApiQuery, PageOf};
use shared::orders::approvals::{
    self, ApprovalRequest, ApprovalStatus, ApprovalView, RejectRequest,
};
use shared::orders::error::{OrderError, StockShortProblem};
use shared::orders::place;
use shared::orders::Order;
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppError, AppResult, AppState};

use crate::customer::placer;
use crate::http::{page, placed, DEFAULT_PAGE, MAX_PAGE};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_approvals))
        .routes(routes!(get_approval))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(withdraw))
        .routes(routes!(customer_pending_approvals))
}

/// `?status=&cursor=&limit=` of the approvals list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApprovalParams {
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 200 (default 50).
    pub limit: Option<i32>,
}

/// Managers: the customer's requests (`status=pending`: the ones waiting for a decision);
/// anyone else: their own. Newest first.
#[utoipa::path(get, path = "/v1/approvals", tag = "approvals", params(ApprovalParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<ApprovalRequest>), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a customer session"),
        (status = 422, body = Problem, description = "bad status, cursor or limit")))]
async fn list_approvals(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ApprovalParams>,
) -> AppResult<Json<PageOf<ApprovalRequest>>> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let status = query
        .status
        .as_deref()
        .map(|s| {
            ApprovalStatus::parse(s).ok_or_else(|| {
                AppError::invalid("status", "must be pending, approved, rejected or withdrawn")
            })
        })
        .transpose()?;
    let found = approvals::list(&app.store, &principal, status, limit, query.cursor).await?;
    Ok(Json(page(found)))
}

/// One request (a manager of the customer, or its requester; anyone else 404). A pending one
/// carries `current`: today's price of the same lines, which approval would place.
#[utoipa::path(get, path = "/v1/approvals/{id}", tag = "approvals",
    params(("id" = String, Path, description = "approval request id")), security(("bearer" = [])),
    responses((status = 200, body = ApprovalView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_approval(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<ApprovalView>> {
    Ok(Json(approvals::get(&app, &principal, &id).await?))
}

/// A manager (not the requester) approves: the lines are placed as an order by this manager at
/// today's prices, with every check of an order (stock, credit, cap, catalog). Approving again
/// (or in parallel) answers the one order placed.
#[utoipa::path(post, path = "/v1/approvals/{id}/approve", tag = "approvals",
    params(("id" = String, Path, description = "approval request id")), security(("bearer" = [])),
    responses((status = 201, body = Order, description = "placed (or the order already placed from it)"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a manager, or one's own request"),
        (status = 404, body = Problem),
        (status = 409, body = StockShortProblem, description = "not pending any more, stock short, credit or cap exceeded, customer not active")))]
async fn approve(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, OrderError> {
    // Staff acting as the customer have no contact record: the placement refuses them (403)
    // once it found the request is this customer's (another's is 404).
    let customer_id = principal.customer_scope()?;
    let done = place::approve(&app, customer_id, &placer(&principal), &id).await?;
    Ok(placed(done))
}

/// A manager (not the requester) rejects a pending request with a reason; the requester gets
/// an email.
#[utoipa::path(post, path = "/v1/approvals/{id}/reject", tag = "approvals",
    params(("id" = String, Path, description = "approval request id")), request_body = RejectRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ApprovalRequest), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a manager, or one's own request"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "not pending any more"),
        (status = 422, body = Problem, description = "reason missing or too long")))]
async fn reject(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> AppResult<Json<ApprovalRequest>> {
    Ok(Json(approvals::reject(&app, &principal, &id, body).await?))
}

/// The requester takes back its own pending request.
#[utoipa::path(post, path = "/v1/approvals/{id}/withdraw", tag = "approvals",
    params(("id" = String, Path, description = "approval request id")), security(("bearer" = [])),
    responses((status = 200, body = ApprovalRequest), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem, description = "no such request of yours"),
        (status = 409, body = Problem, description = "not pending any more")))]
async fn withdraw(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<ApprovalRequest>> {
    Ok(Json(approvals::withdraw(&app, &principal, &id).await?))
}

/// Staff: a customer's pending approval requests, newest first.
#[utoipa::path(get, path = "/v1/admin/customers/{id}/approvals", tag = "approvals",
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = Vec<ApprovalRequest>), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not staff"),
        (status = 404, body = Problem, description = "no such customer, or not this agent's")))]
async fn customer_pending_approvals(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ApprovalRequest>>> {
    Ok(Json(
        approvals::pending_for_staff(&app.store, &principal, &id).await?,
    ))
}
