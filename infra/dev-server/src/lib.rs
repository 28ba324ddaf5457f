//! The portal's local runtime: what API Gateway, Lambda's event source mappings and the
//! EventBridge schedules do in AWS, done in one process on the local stack. The dev server
//! (`main.rs`) and the end-to-end tests (`tests/`) both run the portal through it, so what the
//! tests exercise is what `make dev` serves.
//!
//! - [`merged_router`]: every HTTP function behind one router, as API Gateway routes them.
//! - [`erp_sync_state`]: the erp-sync function's state on the local queues.
//! - [`spawn_background`]: the queue pollers and the schedules, with the periods of [`Schedules`].
//! - [`ui::with_ui`]: the built web UI (`ui/dist`) at `/`, as CloudFront serves it in AWS.

pub mod consumers;
pub mod ui;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use shared::localstack::Provisioned;
use shared::sync::SyncSettings;
use shared::AppState;
use tokio::task::JoinSet;

/// Every HTTP function's router, by the function's name in `openapi_doc::function_docs()`.
pub fn function_routers(
    app: &AppState,
    erp: &erp_sync::SyncState,
) -> BTreeMap<&'static str, axum::Router> {
    BTreeMap::from([
        ("accounts", accounts::router(Arc::clone(app))),
        ("catalog", catalog::router(Arc::clone(app))),
        ("pricing", pricing::router(Arc::clone(app))),
        ("orders", orders::router(Arc::clone(app))),
        ("erp-sync", erp_sync::router_with(Arc::clone(erp))),
        ("api-docs", api_docs::router(Arc::clone(app))),
    ])
}

/// Every HTTP function's router merged into one, as API Gateway routes the paths to the
/// functions, with one log line per request.
pub fn merged_router(app: &AppState, erp: &erp_sync::SyncState) -> axum::Router {
    // Each function's router has its own problem+json fallbacks (as in Lambda); the merged one
    // gets them once (axum refuses to merge two fallbacks).
    let merged = function_routers(app, erp)
        .into_values()
        .map(axum::Router::reset_fallback)
        .fold(axum::Router::new(), axum::Router::merge);
    shared::http::with_problem_fallbacks(merged).layer(axum::middleware::from_fn(log_request))
}

/// One log line per request, like API Gateway's access log.
async fn log_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        %method,
        %path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    res
}

/// The erp-sync function's state with `settings` (the dev server reads them from the `ERP_*`
/// environment, as Lambda does), on the local erp-sync queue and its dead-letter queue.
pub fn erp_sync_state(
    app: &AppState,
    sqs: &aws_sdk_sqs::Client,
    queues: &Provisioned,
    settings: SyncSettings,
) -> erp_sync::SyncState {
    let settings = SyncSettings {
        queue_url: Some(queues.erp_sync_queue_url.clone()),
        dlq_url: Some(queues.erp_sync_dlq_url.clone()),
        ..settings
    };
    erp_sync::ErpSync::new(Arc::clone(app), Some(sqs.clone()), settings)
}

/// How often the scheduled handlers run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedules {
    /// OutboxSweepFunction: relays events whose relay after commit did not happen.
    pub outbox_sweep: Duration,
    /// ExpireOrdersFunction: expires placed orders nobody claimed in time.
    pub expire_orders: Duration,
    /// The periodic ERP pull (only when an ERP is configured).
    pub erp_sync: Duration,
}

/// The ERP sync period in AWS (`SyncScheduleRate`, `rate(30 minutes)`).
pub const DEFAULT_ERP_SYNC_SECONDS: u64 = 30 * 60;

impl Schedules {
    /// The dev server's periods: the outbox swept every 10 s; orders expired every minute (every
    /// 5 minutes in AWS; more often here so it is seen at work); the ERP pulled every
    /// `ERP_SYNC_INTERVAL_SECONDS` (default 1800, as in AWS).
    pub fn from_env() -> Result<Self, String> {
        let erp_sync = std::env::var("ERP_SYNC_INTERVAL_SECONDS").ok();
        Ok(Self {
            outbox_sweep: Duration::from_secs(10),
            expire_orders: Duration::from_secs(60),
            erp_sync: period_setting(
                "ERP_SYNC_INTERVAL_SECONDS",
                erp_sync.as_deref(),
                DEFAULT_ERP_SYNC_SECONDS,
            )?,
        })
    }
}

/// A period in whole seconds from a setting (`default_seconds` when unset or blank). Zero is
/// refused: a timer cannot tick every 0 s.
fn period_setting(name: &str, raw: Option<&str>, default_seconds: u64) -> Result<Duration, String> {
    let seconds = match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => default_seconds,
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name}={v} is not a whole number of seconds"))?,
    };
    if seconds == 0 {
        return Err(format!("{name} must be at least 1 second"));
    }
    Ok(Duration::from_secs(seconds))
}

/// Spawns onto `tasks` what runs beside the API in AWS: the email, reports and erp-sync queues handed to
/// their consumers (the event source mappings) and the schedules (the ERP pull only when
/// `erp` has an ERP to pull from). The tasks run until aborted; an interrupted batch is
/// redelivered and the consumers are idempotent.
pub async fn spawn_background(
    tasks: &mut JoinSet<()>,
    app: &AppState,
    erp: &erp_sync::SyncState,
    sqs: &aws_sdk_sqs::Client,
    queues: &Provisioned,
    schedules: &Schedules,
) -> Result<(), String> {
    let email = consumers::Queue::resolve(sqs, "email", &queues.email_queue_url).await?;
    let erp_queue = consumers::Queue::resolve(sqs, "erp-sync", &queues.erp_sync_queue_url).await?;
    let notify_app = Arc::clone(app);
    tasks.spawn(consumers::poll(sqs.clone(), email, move |event| {
        let app = Arc::clone(&notify_app);
        async move { notifications::handle(&app, event).await }
    }));
    let reports = consumers::Queue::resolve(sqs, "reports", &queues.reports_queue_url).await?;
    let reports_app = Arc::clone(app);
    tasks.spawn(consumers::poll(sqs.clone(), reports, move |event| {
        let app = Arc::clone(&reports_app);
        async move { orders::handle_report_events(&app, event).await }
    }));
    let worker = Arc::clone(erp);
    tasks.spawn(consumers::poll(sqs.clone(), erp_queue, move |event| {
        let sync = Arc::clone(&worker);
        async move { erp_sync::handle(&sync, event).await }
    }));
    tasks.spawn(consumers::every(
        "outbox-sweep",
        schedules.outbox_sweep,
        Arc::clone(app),
        consumers::sweep_outbox,
    ));
    tasks.spawn(consumers::every(
        "expire-orders",
        schedules.expire_orders,
        Arc::clone(app),
        orders::expire_due_orders,
    ));
    if erp.ctx.settings.erp_base_url.is_some() {
        let scheduled = Arc::clone(erp);
        tasks.spawn(consumers::every(
            "erp-sync",
            schedules.erp_sync,
            Arc::clone(app),
            move |_| {
                let sync = Arc::clone(&scheduled);
                async move { erp_sync::scheduled_run(&sync).await }
            },
        ));
    } else {
        tracing::info!("ERP_BASE_URL is not set: no periodic ERP sync");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse};
    use aws_sdk_sqs::types::QueueAttributeName;
    use shared::testing::{call_raw, TestEnv};

    async fn runtime() -> (TestEnv, aws_sdk_sqs::Client, erp_sync::SyncState) {
        let env = TestEnv::new().await;
        let sqs = aws_sdk_sqs::Client::new(&env.sdk);
        let erp = erp_sync_state(&env.app, &sqs, &env.queues, SyncSettings::default());
        (env, sqs, erp)
    }

    #[tokio::test]
    async fn every_documented_function_has_a_router() {
        let (env, _, erp) = runtime().await;
        let routed: Vec<&str> = function_routers(&env.app, &erp).into_keys().collect();
        let mut documented: Vec<&str> = openapi_doc::function_docs()
            .into_iter()
            .map(|(function, _)| function)
            .collect();
        documented.sort();
        assert_eq!(routed, documented);
    }

    /// Every function's routes are checked against its own router in tests/tests/openapi.rs;
    /// merging (which panics on a route served twice) must keep each function's routes.
    #[tokio::test]
    async fn the_merged_router_answers_for_every_function() {
        let (env, _, erp) = runtime().await;
        let router = merged_router(&env.app, &erp);
        let get = |path: &'static str| call_raw(&router, "GET", path, None, None, &[]);
        // accounts and api-docs, then orders, pricing, catalog and erp-sync (behind a login).
        assert_eq!(get("/v1/health").await.status, 200);
        let doc = get("/v1/openapi.json").await;
        assert_eq!(doc.status, 200);
        for path in [
            "/v1/orders",
            "/v1/admin/price-lists",
            "/v1/admin/warehouses",
            "/v1/admin/sync/runs",
        ] {
            assert!(doc.json["paths"][path].is_object(), "{path} documented");
            assert_eq!(get(path).await.status, 401, "{path} served, behind a login");
        }
        assert_eq!(get("/v1/no-such-route").await.status, 404);
    }

    #[tokio::test]
    async fn a_batch_is_handed_over_as_an_sqs_event_and_only_what_succeeded_is_deleted() {
        let (env, sqs, _) = runtime().await;
        let queue = consumers::Queue::resolve(&sqs, "email", &env.queues.email_queue_url)
            .await
            .expect("queue");
        for body in ["fails", "succeeds"] {
            sqs.send_message()
                .queue_url(&queue.url)
                .message_body(body)
                .send()
                .await
                .expect("send");
        }
        let mut seen = Vec::new();
        let mut delivered = 0;
        // moto may split the two messages over two receives.
        while delivered < 2 {
            let delivery = consumers::deliver_batch(&sqs, &queue, 1, |event| {
                let mut response = SqsBatchResponse::default();
                for record in &event.records {
                    assert_eq!(record.event_source.as_deref(), Some("aws:sqs"));
                    assert_eq!(record.event_source_arn.as_deref(), Some(queue.arn.as_str()));
                    assert!(record.receipt_handle.is_some());
                    seen.push(record.body.clone().unwrap_or_default());
                    if record.body.as_deref() == Some("fails") {
                        let mut failure = BatchItemFailure::default();
                        failure.item_identifier = record.message_id.clone().unwrap_or_default();
                        response.batch_item_failures.push(failure);
                    }
                }
                async move { response }
            })
            .await
            .expect("delivered");
            assert!(delivery.received > 0, "both messages are received");
            delivered += delivery.received;
        }
        seen.sort();
        assert_eq!(seen, ["fails", "succeeds"]);
        // The failed message stays on the queue (in flight until its visibility timeout).
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue.url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .expect("attributes")
            .attributes
            .unwrap_or_default();
        let count = |name| {
            attributes
                .get(&name)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or_default()
        };
        assert_eq!(count(QueueAttributeName::ApproximateNumberOfMessages), 0);
        assert_eq!(
            count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
            1,
            "the failed message is left for redelivery"
        );
    }

    #[test]
    fn a_period_setting_defaults_when_unset_and_refuses_zero_and_garbage() {
        let period = |raw| period_setting("ERP_SYNC_INTERVAL_SECONDS", raw, 1800);
        assert_eq!(period(None), Ok(Duration::from_secs(1800)));
        assert_eq!(period(Some("  ")), Ok(Duration::from_secs(1800)));
        assert_eq!(period(Some("120")), Ok(Duration::from_secs(120)));
        assert_eq!(period(Some(" 45 ")), Ok(Duration::from_secs(45)));
        assert!(period(Some("0")).unwrap_err().contains("at least 1"));
        assert!(period(Some("30m"))
            .unwrap_err()
            .contains("ERP_SYNC_INTERVAL_SECONDS=30m"));
        assert!(period(Some("-5")).is_err());
    }
}
