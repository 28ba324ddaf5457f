//! F13 announcements: `GET/POST /v1/admin/announcements`, `PATCH/DELETE
//! /v1/admin/announcements/{id}`. Staff read them; admins write them. Customers see the active
//! ones in `GET /v1/me`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::announcements::{self, Announcement, AnnouncementPatch, NewAnnouncement};
use shared::http::{ApiJson, ApiQuery, PageOf, PageParams};
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppResult, AppState};

use crate::staff::{page_params, Admin, Staff};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_announcements, create_announcement))
        .routes(routes!(update_announcement, delete_announcement))
}

/// Every announcement, newest first (past, current and scheduled).
#[utoipa::path(get, path = "/v1/admin/announcements", tag = "announcements", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<Announcement>), (status = 403, description = "not staff")))]
async fn list_announcements(
    State(app): State<AppState>,
    Staff(_staff): Staff,
    ApiQuery(query): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<Announcement>>> {
    let (limit, cursor) = page_params(query, 50, 200)?;
    let page = announcements::list(&app.store, limit, cursor).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Publishes an announcement to all customers (`"audience": "all"`) or to those with any of some
/// tags (`"audience": {"tags": ["vip"]}`), shown from `starts_at` until `ends_at`.
#[utoipa::path(post, path = "/v1/admin/announcements", tag = "announcements",
    request_body = NewAnnouncement, security(("bearer" = [])),
    responses((status = 201, body = Announcement), (status = 403, description = "not an admin"),
        (status = 422, description = "invalid field (e.g. ends_at not after starts_at)")))]
async fn create_announcement(
    State(app): State<AppState>,
    Admin(admin): Admin,
    ApiJson(body): ApiJson<NewAnnouncement>,
) -> AppResult<(StatusCode, Json<Announcement>)> {
    let announcement = announcements::create(&app.store, body, &admin.name).await?;
    Ok((StatusCode::CREATED, Json(announcement)))
}

#[utoipa::path(patch, path = "/v1/admin/announcements/{id}", tag = "announcements",
    params(("id" = String, Path, description = "announcement id")),
    request_body = AnnouncementPatch, security(("bearer" = [])),
    responses((status = 200, body = Announcement), (status = 403, description = "not an admin"),
        (status = 404, description = "no such announcement"),
        (status = 409, description = "changed meanwhile"),
        (status = 422, description = "invalid field")))]
async fn update_announcement(
    State(app): State<AppState>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<AnnouncementPatch>,
) -> AppResult<Json<Announcement>> {
    Ok(Json(announcements::update(&app.store, &id, patch).await?))
}

#[utoipa::path(delete, path = "/v1/admin/announcements/{id}", tag = "announcements",
    params(("id" = String, Path, description = "announcement id")), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, description = "not an admin"),
        (status = 404, description = "no such announcement")))]
async fn delete_announcement(
    State(app): State<AppState>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    announcements::delete(&app.store, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
