//! The orders function: cart, orders, seller handling, quotes; plus the scheduled expiry
//! binary (`src/bin/expire-orders.rs`). Handlers are thin: parse, call `shared::orders`, answer.

mod admin;
mod approvals;
mod buying;
mod customer;
mod http;
mod reports;

use axum::extract::DefaultBodyLimit;
use shared::http::MAX_JSON_BODY;
use shared::routes::ApiRouter;
use shared::AppState;

/// The router and its OpenAPI description, built from the same route list so they never differ.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    ApiRouter::new()
        .merge(customer::routes())
        .merge(admin::routes())
        .merge(reports::routes())
        .merge(approvals::routes())
        .merge(buying::routes())
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .split_for_parts()
}

/// The cold start: configuration, clients and the session signing keys, read once (as this
/// function's code, so the IAM test sees the Secrets Manager read).
pub async fn cold_start() -> Result<AppState, String> {
    shared::aws_ops::within("orders", shared::App::from_env_with_session_keys()).await
}

pub fn router(state: AppState) -> axum::Router {
    // Requests run as this function's code (aws_ops: the IAM test attributes AWS calls).
    shared::http::with_problem_fallbacks(
        shared::aws_ops::layer(api().0, "orders").with_state(state),
    )
}

/// The expiry schedule's work (F24): expires due orders and quotes, sweeps stale reservation
/// intents and stock jobs. Returns a one-line summary (empty when there was nothing to do), for
/// the scheduled binary and the local dev server's scheduler.
pub async fn expire_due_orders(app: AppState) -> Result<String, String> {
    // Boxed: the whole job is one deep future.
    let work = Box::pin(shared::orders::expiry::expire_due_orders(&app));
    let report = shared::aws_ops::within("expire-orders", work)
        .await
        .map_err(|e| e.to_string())?;
    let nothing = report == shared::orders::expiry::ExpiryReport::default();
    Ok(if nothing {
        String::new()
    } else {
        serde_json::to_string(&report).unwrap_or_default()
    })
}

/// The `reports` queue's consumer (`src/bin/report-aggregates.rs`): each order event counted
/// once in the report buckets (`shared::reports::aggregate`). A message that cannot be read
/// or counted is reported as a batch item failure (retried, then dead-lettered).
pub async fn handle_report_events(
    app: &shared::App,
    event: aws_lambda_events::event::sqs::SqsEvent,
) -> aws_lambda_events::event::sqs::SqsBatchResponse {
    shared::aws_ops::within("report-aggregates", count_batch(app, event)).await
}

async fn count_batch(
    app: &shared::App,
    event: aws_lambda_events::event::sqs::SqsEvent,
) -> aws_lambda_events::event::sqs::SqsBatchResponse {
    use shared::reports::aggregate;
    let mut response = aws_lambda_events::event::sqs::SqsBatchResponse::default();
    for message in &event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        let outcome = match message.body.as_deref() {
            None => Err("message without a body".to_string()),
            Some(body) => match aggregate::event_of_body(body) {
                Err(e) => Err(e),
                Ok(domain_event) => aggregate::apply_event(&app.store, &domain_event)
                    .await
                    .map_err(|e| format!("event {} ({}): {e}", domain_event.id, domain_event.kind))
                    .map(|applied| {
                        tracing::info!(event_id = %domain_event.id, kind = %domain_event.kind, ?applied, "counted in the reports");
                    }),
            },
        };
        if let Err(error) = outcome {
            tracing::error!(sqs_message_id = %message_id, %error, "report message failed");
            response.add_failure(message_id);
        }
    }
    response
}
