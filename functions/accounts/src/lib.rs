//! The accounts function: auth, registration requests, customers, contacts and accesses,
//! staff, impersonation, activity, timeline, emails, announcements and store settings.
//! Handlers are thin: parse, call `shared`, answer.

mod activity;
mod announcements;
mod auth;
mod company;
mod contacts;
mod customers;
mod emails;
mod impersonation;
mod me;
mod requests;
mod settings;
mod staff;
mod timeline;

use axum::extract::DefaultBodyLimit;
use shared::http::MAX_JSON_BODY;
use shared::routes;
use shared::routes::ApiRouter;
use shared::AppState;

/// The router and its OpenAPI description, built from the same route list so they never differ.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    ApiRouter::new()
        .routes(routes!(shared::http::health))
        .merge(staff::routes())
        .merge(impersonation::routes())
        .merge(activity::routes())
        .merge(timeline::routes())
        .merge(emails::routes())
        .merge(announcements::routes())
        .merge(settings::routes())
        .merge(me::routes())
        .merge(requests::routes())
        .merge(auth::routes())
        .merge(customers::routes())
        .merge(contacts::routes())
        .merge(company::routes())
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .split_for_parts()
}

/// The cold start: configuration, clients and the session signing keys, read once (as this
/// function's code, so the IAM test sees the Secrets Manager read).
pub async fn cold_start() -> Result<AppState, String> {
    shared::aws_ops::within("accounts", shared::App::from_env_with_session_keys()).await
}

pub fn router(state: AppState) -> axum::Router {
    // Requests run as this function's code (aws_ops: the IAM test attributes AWS calls).
    shared::http::with_problem_fallbacks(
        shared::aws_ops::layer(api().0, "accounts").with_state(state),
    )
}
