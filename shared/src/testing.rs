//! Test support (feature `testing`): a fresh stack per test on the running DynamoDB Local and
//! moto server (`make test` starts both). Every test gets its own table, bus and queues, so
//! tests run in parallel and never see each other's data.

use std::sync::Arc;

use crate::app::{App, AppState};
use crate::config::Config;
use crate::localstack::{provision, Provisioned, ResourceNames};

pub struct TestEnv {
    pub app: AppState,
    pub names: ResourceNames,
    pub queues: Provisioned,
    pub sdk: aws_config::SdkConfig,
}

/// The SDK configuration for the local stack. Endpoints come from the standard variables
/// (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`), with the test ports as defaults.
pub async fn local_sdk_config() -> aws_config::SdkConfig {
    let ddb = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .unwrap_or_else(|_| "http://127.0.0.1:8010".into());
    let moto = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:5010".into());
    // SAFETY of set_var: tests set the same values in every thread before any client reads them.
    unsafe {
        std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", &ddb);
        std::env::set_var("AWS_ENDPOINT_URL", &moto);
    }
    crate::aws::defaults()
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "local",
        ))
        .load()
        .await
}

impl TestEnv {
    pub async fn new() -> Self {
        let sdk = local_sdk_config().await;
        let prefix = format!("t-{}", &crate::types::new_id()[20..]);
        let names = ResourceNames::with_prefix(&prefix);
        let config = Config::for_table(&names.table, &names.bus);
        let queues = provision(&sdk, &names, &config.sender_email)
            .await
            .unwrap_or_else(|e| panic!("local stack not reachable (run `make test`, which starts DynamoDB Local and moto): {e}"));
        let app = App::new(config, &sdk);
        Self {
            app,
            names,
            queues,
            sdk,
        }
    }

    pub fn app(&self) -> AppState {
        Arc::clone(&self.app)
    }

    /// Like [`TestEnv::new`], but the app's DynamoDB client reports every request to the
    /// returned counter (to prove a route's request budget, or that it never scans).
    pub async fn with_request_counter() -> (Self, crate::store::counter::RequestCounter) {
        let mut env = Self::new().await;
        let (client, counter) = crate::store::counter::counting_client(&env.sdk);
        let config = env.app.config.clone();
        env.app = Arc::new(App {
            store: crate::store::Store::new(client, &config.table_name),
            events: crate::messaging::EventBus::new(
                crate::aws_ops::eventbridge(&env.sdk),
                &config.event_bus_name,
            ),
            ses: crate::aws_ops::ses(&env.sdk),
            session_keys: crate::auth::keys::SessionKeys::given(config.jwt_secret.clone()),
            config,
        });
        (env, counter)
    }
}

/// An app on `env`'s stack whose DynamoDB *and* EventBridge clients report every request to
/// the returned counter (`PutEvents` included), to prove that two answers do the same work.
pub fn app_counting_dynamodb_and_events(
    env: &TestEnv,
) -> (AppState, crate::store::counter::RequestCounter) {
    let (dynamodb, counter) = crate::store::counter::counting_client(&env.sdk);
    let events = aws_sdk_eventbridge::Client::from_conf(
        aws_sdk_eventbridge::config::Builder::from(&env.sdk)
            .interceptor(counter.clone())
            .build(),
    );
    let config = env.app.config.clone();
    let app = Arc::new(App {
        store: crate::store::Store::new(dynamodb, &config.table_name),
        events: crate::messaging::EventBus::new(events, &config.event_bus_name),
        ses: aws_sdk_sesv2::Client::new(&env.sdk),
        session_keys: crate::auth::keys::SessionKeys::given(config.jwt_secret.clone()),
        config,
    });
    (app, counter)
}

/// A response read back as JSON (or `Value::Null` for an empty body).
pub struct TestResponse {
    pub status: axum::http::StatusCode,
    pub content_type: Option<String>,
    pub json: serde_json::Value,
    pub bytes: Vec<u8>,
}

/// Calls a router in-process, as API Gateway would: method, path (with query), optional bearer
/// token and optional JSON body.
pub async fn call(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> TestResponse {
    let raw = body.map(|b| b.to_string().into_bytes());
    call_raw(router, method, path, token, raw, &[]).await
}

/// Like [`call`], with a raw body and extra headers (malformed JSON, idempotency keys, CSV...).
pub async fn call_raw(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
    headers: &[(&str, &str)],
) -> TestResponse {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(path);
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let has_content_type = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if body.is_some() && !has_content_type {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(axum::body::Body::from(body.unwrap_or_default()))
        .expect("request");
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    TestResponse {
        status,
        content_type,
        json,
        bytes,
    }
}

/// Emails moto's SES has accepted so far (all tests share one moto; filter by recipient).
/// With both HTML and text parts moto keeps the HTML one as `body`.
pub async fn sent_emails() -> Vec<serde_json::Value> {
    let moto = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:5010".into());
    let data: serde_json::Value = reqwest::get(format!("{moto}/moto-api/data.json"))
        .await
        .expect("moto reachable")
        .json()
        .await
        .expect("moto data.json");
    // moto keeps SES v1 and v2 sends alike: {id, source, destinations: {ToAddresses}, subject, body}.
    let mut out: Vec<serde_json::Value> = data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    out.extend(
        data["ses"]["RawMessage"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    out
}

/// The `report-aggregates` sample batch (`events/orders/sqs-report-order-placed.json`).
pub const REPORT_SAMPLE: &str = include_str!("../../events/orders/sqs-report-order-placed.json");

/// Writes the order the `report-aggregates` sample names: the consumer reads the order itself
/// (an event carries at most 100 lines), so the sample needs it on the stack it runs against.
/// Built from the sample's own event data, so the two never drift. Answers the order's id.
pub async fn put_report_sample_order(app: &App) -> Result<String, String> {
    use rust_decimal::Decimal;
    let batch: serde_json::Value =
        serde_json::from_str(REPORT_SAMPLE).map_err(|e| format!("the sample: {e}"))?;
    let body = batch["Records"][0]["body"]
        .as_str()
        .ok_or("the sample has no record body")?;
    let event = crate::reports::aggregate::event_of_body(body)?;
    let d = &event.data;
    let decimal = |v: &serde_json::Value| -> Result<Decimal, String> {
        v.as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("the sample: {v} is not an amount"))
    };
    let (subtotal, tax) = (decimal(&d["subtotal"])?, decimal(&d["tax"])?);
    let tax_rate = if subtotal.is_zero() {
        Decimal::ZERO
    } else {
        (tax / subtotal).round_dp(4)
    };
    let mut lines = Vec::new();
    for line in d["lines"].as_array().ok_or("the sample has no lines")? {
        let unit_price = decimal(&line["unit_price"])?;
        let quantity = line["quantity"].as_i64().ok_or("a line without quantity")?;
        let line_subtotal = unit_price * Decimal::from(quantity);
        let total = decimal(&line["total"])?;
        lines.push(serde_json::json!({
            "sku": line["sku"], "name": line["name"], "unit": line["unit"],
            "quantity": quantity, "unit_price": unit_price.to_string(),
            "tax_rate": tax_rate.to_string(), "subtotal": line_subtotal.to_string(),
            "tax": (total - line_subtotal).to_string(), "total": total.to_string(),
        }));
    }
    let order: crate::orders::model::Order = serde_json::from_value(serde_json::json!({
        "id": d["order_id"], "customer_id": d["customer_id"], "customer_name": d["customer_name"],
        "status": d["status"], "warehouse_id": d["warehouse_id"], "currency": d["currency"],
        "lines": lines, "subtotal": d["subtotal"], "tax": d["tax"], "total": d["total"],
        "placed_by": {"kind": "contact", "id": d["contact_email"], "name": d["placed_by"]},
        "notify": d["to"], "contact_email": d["contact_email"], "contact_phone": d["contact_phone"],
        "created_at": d["created_at"], "updated_at": d["created_at"], "expires_at": d["expires_at"],
    }))
    .map_err(|e| format!("the sample's order: {e}"))?;
    app.store
        .put(&order.keys(), &order)
        .await
        .map_err(|e| format!("writing the sample's order: {e}"))?;
    Ok(order.id)
}
