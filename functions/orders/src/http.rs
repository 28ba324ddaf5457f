//! Small request helpers of this function: list parameters and the placement's answer.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shared::http::PageOf;
use shared::orders::place::Placed;
use shared::orders::{OrderStatus, QuoteStatus};
use shared::store::Page;
use shared::{AppError, AppResult};

pub const DEFAULT_PAGE: i32 = 50;
pub const MAX_PAGE: i32 = 200;

/// `?status=&customer=&cursor=&limit=` of the order and quote lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Order: `placed`, `claimed`, `fulfilled`, `cancelled`, `expired`. Quote: `requested`,
    /// `answered`, `accepted`, `expired`.
    pub status: Option<String>,
    /// Staff lists only: one customer's id.
    pub customer: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 200 (default 50).
    pub limit: Option<i32>,
}

pub fn list_params(params: ListParams) -> AppResult<ListParams> {
    if let Some(limit) = params.limit {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
    }
    Ok(params)
}

impl ListParams {
    pub fn limit(&self) -> i32 {
        self.limit.unwrap_or(DEFAULT_PAGE)
    }

    pub fn order_status(&self) -> AppResult<Option<OrderStatus>> {
        self.status
            .as_deref()
            .map(|s| {
                OrderStatus::parse(s).ok_or_else(|| {
                    AppError::invalid(
                        "status",
                        "must be placed, claimed, fulfilled, cancelled or expired",
                    )
                })
            })
            .transpose()
    }

    pub fn quote_status(&self) -> AppResult<Option<QuoteStatus>> {
        self.status
            .as_deref()
            .map(|s| {
                QuoteStatus::parse(s).ok_or_else(|| {
                    AppError::invalid("status", "must be requested, answered, accepted or expired")
                })
            })
            .transpose()
    }
}

pub fn page<T>(page: Page<T>) -> PageOf<T> {
    PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }
}

/// The `Idempotency-Key` header, checked.
pub fn idempotency_key(headers: &HeaderMap) -> AppResult<String> {
    let raw = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            AppError::invalid("Idempotency-Key", "must be visible ASCII characters")
        })?),
    };
    shared::orders::place::validate_idempotency_key(raw)
}

/// 201 with the order (202 with the approval request when it went over the contact's
/// spending limit, F39); a replay says so in `Idempotent-Replayed: true`.
pub fn placed(placed: Placed) -> Response {
    let status = if placed.pending_approval {
        StatusCode::ACCEPTED
    } else {
        StatusCode::CREATED
    };
    let mut res = (status, Json(placed.body)).into_response();
    if placed.replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}
