//! The orders function: cart, orders, seller handling, quotes; plus the scheduled expiry
//! binary (`src/bin/expire-orders.rs`). Handlers are thin: parse, call `shared::orders`, answer.

mod admin;
mod customer;
mod http;

use axum::extract::DefaultBodyLimit;
use shared::http::MAX_JSON_BODY;
use shared::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The router and its OpenAPI description, built from the same route list so they never differ.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::new()
        .merge(customer::routes())
        .merge(admin::routes())
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .split_for_parts()
}

pub fn router(state: AppState) -> axum::Router {
    shared::http::with_problem_fallbacks(api().0.with_state(state))
}

/// The expiry schedule's work (F24): expires due orders and quotes, sweeps stale reservation
/// intents and stock jobs. Returns a one-line summary (empty when there was nothing to do), for
/// the scheduled binary and the local dev server's scheduler.
pub async fn expire_due_orders(app: AppState) -> Result<String, String> {
    // Boxed: the whole job is one deep future.
    let report = Box::pin(shared::orders::expiry::expire_due_orders(&app))
        .await
        .map_err(|e| e.to_string())?;
    let nothing = report == shared::orders::expiry::ExpiryReport::default();
    Ok(if nothing {
        String::new()
    } else {
        serde_json::to_string(&report).unwrap_or_default()
    })
}
