//! Serves GET /v1/openapi.json: the OpenAPI 3.1 document of the whole API.
//!
//! The document is generated from every function's route list by `openapi-doc` (`make
//! ui-types`) and committed next to this crate (`openapi.json`): the function serves those bytes,
//! so it links none of the other functions' code and builds nothing at its cold start.
//! `tests/tests/openapi.rs` fails when the file is stale.

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use shared::AppState;

/// The committed document (`functions/api-docs/openapi.json`).
pub const DOCUMENT: &str = include_str!("../openapi.json");

pub fn router(state: AppState) -> axum::Router {
    let router = axum::Router::new().route(
        "/v1/openapi.json",
        get(|| async { ([(CONTENT_TYPE, "application/json")], DOCUMENT) }),
    );
    shared::http::with_problem_fallbacks(
        shared::aws_ops::layer(router, "api-docs").with_state(state),
    )
}
