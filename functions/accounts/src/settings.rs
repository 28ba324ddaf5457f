//! F33 store settings: `GET/PUT /v1/admin/settings` (admins only).

use axum::extract::State;
use axum::Json;
use shared::http::ApiJson;
use shared::routes;
use shared::routes::ApiRouter;
use shared::settings::{self, Settings};
use shared::{AppResult, AppState};

use crate::staff::Admin;

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// The store settings (defaults until an admin saves them).
#[utoipa::path(get, path = "/v1/admin/settings", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 403, description = "not an admin")))]
async fn get_settings(
    State(app): State<AppState>,
    Admin(_admin): Admin,
) -> AppResult<Json<Settings>> {
    Ok(Json(settings::load(&app.store).await?))
}

/// Replaces the store settings; every field but `seller_whatsapp`, `sender_email` and
/// `default_open_orders_cap` is required. `updated_at` is set by the server.
#[utoipa::path(put, path = "/v1/admin/settings", tag = "settings", request_body = Settings,
    security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 403, description = "not an admin"),
        (status = 422, description = "invalid field")))]
async fn put_settings(
    State(app): State<AppState>,
    Admin(_admin): Admin,
    ApiJson(mut body): ApiJson<Settings>,
) -> AppResult<Json<Settings>> {
    body.validate()?;
    body.store_name = body.store_name.trim().to_string();
    body.updated_at = Some(shared::types::now_rfc3339());
    settings::save(&app.store, &body).await?;
    Ok(Json(body))
}
