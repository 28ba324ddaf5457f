//! F11 internal history: `GET/POST /v1/admin/customers/{id}/timeline` (notes with attachment
//! links, and the emails sent to the customer, which the notifications function logs).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::http::{ApiJson, ApiQuery, PageOf, PageParams};
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::customer_care::{self, NewNote};
use shared::timeline::TimelineEntry;
use shared::{AppResult, AppState};

use crate::staff::{page_params, Staff};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new().routes(routes!(list_timeline, add_note))
}

/// Notes and sent emails, newest first. Customers never see these.
#[utoipa::path(get, path = "/v1/admin/customers/{id}/timeline", tag = "staff",
    params(("id" = String, Path, description = "customer id"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<TimelineEntry>), (status = 403, description = "not staff"),
        (status = 404, description = "no such customer, or not one the caller manages"),
        (status = 422, description = "bad cursor or limit")))]
async fn list_timeline(
    State(app): State<AppState>,
    Staff(staff): Staff,
    Path(customer_id): Path<String>,
    ApiQuery(query): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<TimelineEntry>>> {
    let (limit, cursor) = page_params(query, 50, 200)?;
    let page = customer_care::timeline(&app.store, &staff, &customer_id, limit, cursor).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Adds an internal note, optionally with attachment links (`{name, url}`).
#[utoipa::path(post, path = "/v1/admin/customers/{id}/timeline", tag = "staff",
    params(("id" = String, Path, description = "customer id")), request_body = NewNote,
    security(("bearer" = [])),
    responses((status = 201, body = TimelineEntry), (status = 403, description = "not staff"),
        (status = 404, description = "no such customer, or not one the caller manages"),
        (status = 422, description = "invalid field")))]
async fn add_note(
    State(app): State<AppState>,
    Staff(staff): Staff,
    Path(customer_id): Path<String>,
    ApiJson(note): ApiJson<NewNote>,
) -> AppResult<(StatusCode, Json<TimelineEntry>)> {
    let entry = customer_care::add_note(&app.store, &staff, &customer_id, note).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}
