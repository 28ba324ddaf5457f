//! The erp-sync function: inbound ERP batches (HTTP, API key), the erp-sync queue consumer,
//! the scheduled periodic sync, documents and statement. Handlers are thin: parse, call `shared`, answer.

use axum::extract::DefaultBodyLimit;
use shared::http::MAX_JSON_BODY;
use shared::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The router and its OpenAPI description, built from the same route list so they never differ.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::new()
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .split_for_parts()
}

pub fn router(state: AppState) -> axum::Router {
    api().0.with_state(state)
}
