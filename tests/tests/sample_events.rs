//! Every file in `events/` (the samples for `sam local invoke`) is parsed as the event type its
//! function receives in AWS and handled by that function's real handler on a fresh local stack.
//! Files live in `events/<function>/`; an unknown folder fails the test, so a new function's
//! samples must be wired here.

use std::path::{Path, PathBuf};

use aws_lambda_events::event::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_lambda_events::event::sqs::SqsEvent;
use shared::testing::{sent_emails, TestEnv};
use tower::ServiceExt;

/// The status each HTTP sample must get (`<function>/<file>`).
const EXPECTED_STATUS: &[(&str, u16)] = &[
    ("accounts/health.json", 200),
    ("accounts/account-request.json", 202),
    ("api-docs/openapi.json-get.json", 200),
    ("erp-sync/erp-items-post.json", 202),
    ("erp-sync/erp-batch-get.json", 404),
    ("erp-sync/statement-get-anonymous.json", 401),
    ("orders/orders-get-anonymous.json", 401),
    ("catalog/items-get-visitor.json", 200),
    ("pricing/quote-post-anonymous.json", 401),
];

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// An API Gateway HTTP API (v2) payload, converted exactly as `lambda_http` does in Lambda,
/// sent through the function's router.
async fn http_sample(router: axum::Router, name: &str, text: &str) -> Result<(), String> {
    let payload: ApiGatewayV2httpRequest =
        serde_json::from_str(text).map_err(|e| format!("not an API Gateway v2 request: {e}"))?;
    let request: lambda_http::Request =
        lambda_http::request::LambdaRequest::ApiGatewayV2(payload).into();
    let (parts, body) = request.into_parts();
    let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
    let response = router.oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let expected = EXPECTED_STATUS
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, status)| *status)
        .ok_or_else(|| format!("no expected status: add it to EXPECTED_STATUS (got {status})"))?;
    if status >= 500 || status != expected {
        return Err(format!(
            "answered {status}, expected {expected}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(())
}

async fn emails_to(recipient: &str) -> usize {
    sent_emails()
        .await
        .iter()
        .filter(|m| {
            m["destinations"]["ToAddresses"]
                .as_array()
                .is_some_and(|to| to.iter().any(|a| a == recipient))
        })
        .count()
}

/// An SQS batch for the `email` queue consumer: no failures, and moto received each email.
async fn email_queue_sample(env: &TestEnv, text: &str) -> Result<(), String> {
    let event: SqsEvent =
        serde_json::from_str(text).map_err(|e| format!("not an SQS event: {e}"))?;
    if event.records.is_empty() {
        return Err("no records".into());
    }
    let mut recipients = Vec::new();
    for record in &event.records {
        let body = record.body.as_deref().ok_or("record without a body")?;
        let domain_event = notifications::parse_body(body)?;
        let recipient = domain_event.data["email"]
            .as_str()
            .ok_or("sample email events need a data.email recipient to check")?
            .to_string();
        recipients.push((recipient.clone(), emails_to(&recipient).await));
    }
    let response = notifications::handle(&env.app, event).await;
    if !response.batch_item_failures.is_empty() {
        return Err(format!(
            "batch item failures: {:?}",
            response.batch_item_failures
        ));
    }
    for (recipient, before) in recipients {
        if emails_to(&recipient).await <= before {
            return Err(format!("no email reached moto for {recipient}"));
        }
    }
    Ok(())
}

/// A `reports` queue batch for `report-aggregates`, on a stack holding the order it names
/// (`put_report_sample_order`): no failures, and each record was counted then (a second
/// delivery finds it counted and adds nothing).
async fn report_queue_sample(env: &TestEnv, text: &str) -> Result<(), String> {
    use shared::reports::aggregate::{apply_event, event_of_body, Applied};
    let event: SqsEvent =
        serde_json::from_str(text).map_err(|e| format!("not an SQS event: {e}"))?;
    if event.records.is_empty() {
        return Err("no records".into());
    }
    shared::testing::put_report_sample_order(&env.app).await?;
    let response = orders::handle_report_events(&env.app, event.clone()).await;
    if !response.batch_item_failures.is_empty() {
        return Err(format!(
            "batch item failures: {:?}",
            response.batch_item_failures
        ));
    }
    for record in &event.records {
        let domain_event = event_of_body(record.body.as_deref().unwrap_or_default())?;
        match apply_event(&env.app.store, &domain_event).await {
            Ok(Applied::Counted {
                applied: 0,
                skipped,
            }) if skipped > 0 => {}
            other => {
                return Err(format!(
                    "{}: not counted by the handler: {other:?}",
                    domain_event.id
                ))
            }
        }
    }
    Ok(())
}

/// A scheduled EventBridge event, as the schedule rule invokes the function.
fn schedule_event(text: &str) -> Result<EventBridgeEvent<serde_json::Value>, String> {
    let event: EventBridgeEvent<serde_json::Value> =
        serde_json::from_str(text).map_err(|e| format!("not an EventBridge event: {e}"))?;
    if event.source != "aws.events" || event.detail_type != "Scheduled Event" {
        return Err(
            "not a scheduled event (source aws.events, detail-type Scheduled Event)".into(),
        );
    }
    Ok(event)
}

async fn handle_sample(
    env: &TestEnv,
    function: &str,
    file: &str,
    text: &str,
) -> Result<(), String> {
    let name = format!("{function}/{file}");
    match function {
        "accounts" => http_sample(accounts::router(env.app()), &name, text).await,
        "api-docs" => http_sample(api_docs::router(env.app()), &name, text).await,
        "notifications" if file.starts_with("sqs-") => email_queue_sample(env, text).await,
        "notifications" if file.starts_with("schedule-outbox-sweep") => {
            schedule_event(text)?;
            notifications::sweep(&env.app)
                .await
                .map(|_| ())
                .map_err(|e| format!("sweep failed: {e}"))
        }
        "notifications" => {
            Err("notifications samples are sqs-*.json or schedule-outbox-sweep*.json".into())
        }
        "erp-sync" => erp_sync_sample(env, &name, file, text).await,
        "catalog" => http_sample(catalog::router(env.app()), &name, text).await,
        "orders" if file.starts_with("schedule-expire-orders") => {
            schedule_event(text)?;
            orders::expire_due_orders(env.app()).await.map(|_| ())
        }
        "orders" if file.starts_with("sqs-") => report_queue_sample(env, text).await,
        "orders" => http_sample(orders::router(env.app()), &name, text).await,
        "pricing" => http_sample(pricing::router(env.app()), &name, text).await,
        other => Err(format!(
            "unknown function folder `{other}`: wire its samples into tests/tests/sample_events.rs"
        )),
    }
}

/// erp-sync samples: HTTP requests (the ERP's key is `sample-erp-api-key`), `erp-sync` queue
/// batches (order events go to the reference ERP simulator, started in-process; inbound chunks
/// are applied) and the sync schedule.
async fn erp_sync_sample(env: &TestEnv, name: &str, file: &str, text: &str) -> Result<(), String> {
    let simulator = erp_simulator::Simulator::new(None);
    let server = simulator
        .start("127.0.0.1:0")
        .await
        .map_err(|e| format!("simulator: {e}"))?;
    let settings = shared::sync::SyncSettings {
        queue_url: Some(env.queues.erp_sync_queue_url.clone()),
        dlq_url: Some(env.queues.erp_sync_dlq_url.clone()),
        inbound_api_key: Some("sample-erp-api-key".into()),
        erp_base_url: Some(server.url()),
        retry_base_seconds: 0,
        ..shared::sync::SyncSettings::default()
    };
    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let sync = erp_sync::ErpSync::new(env.app(), Some(sqs), settings);
    let result = if file.starts_with("sqs-") {
        match serde_json::from_str::<SqsEvent>(text) {
            Err(e) => Err(format!("not an SQS event: {e}")),
            Ok(event) => {
                let orders = event
                    .records
                    .iter()
                    .filter(|r| r.body.as_deref().is_some_and(|b| b.contains("detail-type")))
                    .count();
                let response = erp_sync::handle(&sync, event).await;
                if !response.batch_item_failures.is_empty() {
                    Err(format!(
                        "batch item failures: {:?}",
                        response.batch_item_failures
                    ))
                } else if simulator.received().len() != orders {
                    Err(format!(
                        "the ERP received {} of {orders} order events",
                        simulator.received().len()
                    ))
                } else {
                    Ok(())
                }
            }
        }
    } else if file.starts_with("schedule-") {
        match schedule_event(text) {
            Ok(_) => erp_sync::scheduled_run(&sync).await.map(|_| ()),
            Err(e) => Err(e),
        }
    } else {
        http_sample(erp_sync::router_with(sync.clone()), name, text).await
    };
    server.stop().await;
    result
}

#[tokio::test]
async fn every_sample_event_is_parsed_and_handled_by_its_function() {
    let env = TestEnv::new().await;
    let mut errors = Vec::new();
    let mut handled = Vec::new();
    for folder in sorted_entries(&events_dir()) {
        let function = folder.file_name().unwrap().to_string_lossy().to_string();
        if !folder.is_dir() {
            errors.push(format!(
                "events/{function}: samples live in events/<function>/"
            ));
            continue;
        }
        for path in sorted_entries(&folder) {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let name = format!("{function}/{file}");
            if !file.ends_with(".json") {
                errors.push(format!("events/{name}: not a .json file"));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            match handle_sample(&env, &function, &file, &text).await {
                Ok(()) => handled.push(name),
                Err(e) => errors.push(format!("events/{name}: {e}")),
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    for (name, _) in EXPECTED_STATUS {
        assert!(
            handled.iter().any(|h| h == name),
            "events/{name} is listed in EXPECTED_STATUS but missing"
        );
    }
    for required in [
        "notifications/sqs-access-invited.json",
        "notifications/schedule-outbox-sweep.json",
        "orders/schedule-expire-orders.json",
        "orders/sqs-report-order-placed.json",
    ] {
        assert!(
            handled.iter().any(|h| h == required),
            "events/{required} is missing"
        );
    }
}
