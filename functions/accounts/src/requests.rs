//! F1/F2 registration requests: the public form and the staff review routes.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use shared::accounts::requests::{
    self, AccountRequest, Approval, NewAccountRequest, RequestReceipt, RequestStatus,
};
use shared::http::{ApiJson, ApiQuery, PageOf};
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppError, AppResult, AppState};

use crate::staff::{Admin, Staff};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(submit_request))
        .routes(routes!(list_requests))
        .routes(routes!(approve_request))
        .routes(routes!(reject_request))
        .routes(routes!(block_request))
        .routes(routes!(delete_request))
}

/// F1: a visitor asks for an account. The answer is the same whether or not the email is
/// already known (a duplicate writes nothing), so it reveals nothing.
#[utoipa::path(post, path = "/v1/account-requests", tag = "account-requests",
    request_body = NewAccountRequest,
    responses((status = 202, body = RequestReceipt),
        (status = 400, description = "malformed JSON", content_type = "application/problem+json"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn submit_request(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<NewAccountRequest>,
) -> AppResult<(StatusCode, Json<RequestReceipt>)> {
    let events = requests::submit(&app.store, body).await?;
    shared::messaging::relay(&app.store, &app.events, &events).await;
    Ok((StatusCode::ACCEPTED, Json(requests::RECEIPT)))
}

/// Query of the request list; every value arrives as text and is checked here, so a bad one is
/// a problem naming the parameter.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RequestListQuery {
    /// `pending`, `approved`, `rejected` or `blocked`.
    status: Option<String>,
    cursor: Option<String>,
    /// 1-200, default 50.
    limit: Option<String>,
}

/// Parses `limit` (1..=max, default when absent).
pub(crate) fn parse_limit(raw: Option<&str>, default: i32, max: i32) -> AppResult<i32> {
    match raw {
        None => Ok(default),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|l| (1..=max).contains(l))
            .ok_or_else(|| AppError::invalid("limit", format!("must be between 1 and {max}"))),
    }
}

/// Parses a snake_case enum value of a query parameter.
pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(
    field: &str,
    raw: Option<&str>,
) -> AppResult<Option<T>> {
    raw.map(|v| {
        serde_json::from_value(serde_json::Value::String(v.to_string()))
            .map_err(|_| AppError::invalid(field, format!("unknown value `{v}`")))
    })
    .transpose()
}

/// F2: registration requests, newest first, optionally of one status.
#[utoipa::path(get, path = "/v1/admin/account-requests", tag = "account-requests",
    params(RequestListQuery), security(("bearer" = [])),
    responses((status = 200, body = PageOf<AccountRequest>),
        (status = 401, description = "no session"), (status = 403, description = "not staff"),
        (status = 422, description = "invalid parameter")))]
async fn list_requests(
    State(app): State<AppState>,
    Staff(principal): Staff,
    ApiQuery(query): ApiQuery<RequestListQuery>,
) -> AppResult<Json<PageOf<AccountRequest>>> {
    let q = query;
    let status: Option<RequestStatus> = parse_enum("status", q.status.as_deref())?;
    let limit = parse_limit(q.limit.as_deref(), 50, 200)?;
    let page = requests::list(&app.store, &principal, status, limit, q.cursor).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// F2: approves a pending request, creating the customer (active) and its first contact
/// (without access yet: create it once the customer is ready).
#[utoipa::path(post, path = "/v1/admin/account-requests/{id}/approve", tag = "account-requests",
    params(("id" = String, Path, description = "request id")), security(("bearer" = [])),
    responses((status = 200, body = Approval), (status = 403, description = "not an admin"),
        (status = 404, description = "no such request"),
        (status = 409, description = "the request is not pending")))]
async fn approve_request(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> AppResult<Json<Approval>> {
    Ok(Json(requests::approve(&app.store, &admin, &id).await?))
}

/// F2: rejects a pending request; the email may ask again later.
#[utoipa::path(post, path = "/v1/admin/account-requests/{id}/reject", tag = "account-requests",
    params(("id" = String, Path, description = "request id")), security(("bearer" = [])),
    responses((status = 200, body = AccountRequest), (status = 403, description = "not an admin"),
        (status = 404, description = "no such request"),
        (status = 409, description = "the request is not pending")))]
async fn reject_request(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> AppResult<Json<AccountRequest>> {
    Ok(Json(requests::reject(&app.store, &admin, &id).await?))
}

/// F2: blocks a pending request; later requests from that email are silently ignored.
#[utoipa::path(post, path = "/v1/admin/account-requests/{id}/block", tag = "account-requests",
    params(("id" = String, Path, description = "request id")), security(("bearer" = [])),
    responses((status = 200, body = AccountRequest), (status = 403, description = "not an admin"),
        (status = 404, description = "no such request"),
        (status = 409, description = "the request is not pending")))]
async fn block_request(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> AppResult<Json<AccountRequest>> {
    Ok(Json(requests::block(&app.store, &admin, &id).await?))
}

/// F2: deletes a request (a pending or rejected one frees its email for a new request).
#[utoipa::path(delete, path = "/v1/admin/account-requests/{id}", tag = "account-requests",
    params(("id" = String, Path, description = "request id")), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, description = "not an admin"),
        (status = 404, description = "no such request")))]
async fn delete_request(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    requests::delete(&app.store, &admin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
