//! The cost part of `make bench` (`PARTS=cost`): what each business action consumes on AWS and
//! what it would cost at the list prices of `infra/bench/aws-prices.json`.
//!
//! Each action runs on its own against a fresh table (the dev server's merged router called
//! in-process, as the Lambda adapter calls it), then its events are worked off as AWS would:
//! the email and erp-sync queues handed to their consumers (with the ERP simulator answering)
//! until both are empty. Measured per action:
//! - DynamoDB read and write units: every request asks for `ReturnConsumedCapacity=TOTAL`
//!   (`shared::aws_ops::usage`) and the units DynamoDB Local reports are added up;
//! - Lambda: one invocation per HTTP request and per queue batch, billed for its handler time
//!   rounded up to the millisecond at the function's memory size in `template.yaml` (arm64);
//! - EventBridge events (PutEvents entries), SQS requests (each message delivered counts its
//!   send, receive and delete), SES emails, HTTP API and CloudFront requests and bytes out.
//!
//! [`dollars`] turns that into money (a pure function, unit tested). Figures printed and merged
//! into `target/bench/results.json`: `cost_per_1000_orders_usd`, `cost_per_100k_catalog_views_usd`.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Value};
use shared::auth::{Permissions, Principal, StaffRole};
use shared::aws_ops::usage;
use shared::testing::{call_raw, TestEnv};

use super::{env_number, write_results, PRICE_LIST, WAREHOUSES};

/// The prices file (`infra/bench/aws-prices.json`), USD.
#[derive(Debug, Clone, Deserialize)]
pub struct Prices {
    pub region: String,
    pub date: String,
    pub dynamodb_write_request_unit_per_million_usd: f64,
    pub dynamodb_read_request_unit_per_million_usd: f64,
    pub lambda_arm64_gb_second_usd: f64,
    pub lambda_request_per_million_usd: f64,
    pub http_api_request_per_million_usd: f64,
    pub eventbridge_custom_event_per_million_usd: f64,
    pub sqs_request_per_million_usd: f64,
    pub ses_email_per_thousand_usd: f64,
    pub cloudfront_https_request_per_10k_usd: f64,
    pub cloudfront_data_out_gb_usd: f64,
    pub secrets_manager_secret_month_usd: f64,
    pub cloudwatch_alarm_month_usd: f64,
}

pub const PRICES_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/aws-prices.json");

pub fn load_prices() -> Result<Prices, String> {
    let text = std::fs::read_to_string(PRICES_FILE).map_err(|e| format!("{PRICES_FILE}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{PRICES_FILE}: {e}"))
}

/// What one business action consumed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consumed {
    pub read_units: f64,
    pub write_units: f64,
    /// Lambda invocations: (memory MB, billed milliseconds).
    pub invocations: Vec<(u32, u64)>,
    /// Requests through the HTTP API (and CloudFront, which fronts it for the web portal).
    pub http_requests: u64,
    /// Bytes of the HTTP responses (CloudFront data out).
    pub bytes_out: u64,
    pub events: u64,
    pub sqs_requests: u64,
    pub emails: u64,
}

impl Consumed {
    pub fn add(&mut self, other: &Consumed) {
        self.read_units += other.read_units;
        self.write_units += other.write_units;
        self.invocations.extend(other.invocations.iter().copied());
        self.http_requests += other.http_requests;
        self.bytes_out += other.bytes_out;
        self.events += other.events;
        self.sqs_requests += other.sqs_requests;
        self.emails += other.emails;
    }
}

/// The services a bill lists, in order.
pub const SERVICES: [&str; 8] = [
    "DynamoDB",
    "Lambda duration",
    "Lambda requests",
    "HTTP API",
    "CloudFront",
    "EventBridge",
    "SQS",
    "SES",
];

/// Dollars per service for what was consumed, at `prices` (no free tier). DynamoDB on-demand
/// bills the request units the responses report; Lambda bills GB-seconds of each invocation's
/// duration (already rounded up to 1 ms) plus the request.
pub fn dollars(c: &Consumed, prices: &Prices) -> BTreeMap<&'static str, f64> {
    let gb_seconds: f64 = c
        .invocations
        .iter()
        .map(|(mb, billed_ms)| (*mb as f64 / 1024.0) * (*billed_ms as f64 / 1000.0))
        .sum();
    let million = 1_000_000.0;
    BTreeMap::from([
        (
            "DynamoDB",
            c.read_units * prices.dynamodb_read_request_unit_per_million_usd / million
                + c.write_units * prices.dynamodb_write_request_unit_per_million_usd / million,
        ),
        (
            "Lambda duration",
            gb_seconds * prices.lambda_arm64_gb_second_usd,
        ),
        (
            "Lambda requests",
            c.invocations.len() as f64 * prices.lambda_request_per_million_usd / million,
        ),
        (
            "HTTP API",
            c.http_requests as f64 * prices.http_api_request_per_million_usd / million,
        ),
        (
            "CloudFront",
            c.http_requests as f64 * prices.cloudfront_https_request_per_10k_usd / 10_000.0
                + c.bytes_out as f64 / 1e9 * prices.cloudfront_data_out_gb_usd,
        ),
        (
            "EventBridge",
            c.events as f64 * prices.eventbridge_custom_event_per_million_usd / million,
        ),
        (
            "SQS",
            c.sqs_requests as f64 * prices.sqs_request_per_million_usd / million,
        ),
        (
            "SES",
            c.emails as f64 * prices.ses_email_per_thousand_usd / 1_000.0,
        ),
    ])
}

pub fn total(by_service: &BTreeMap<&'static str, f64>) -> f64 {
    by_service.values().sum()
}

/// Memory (MB) of each function binary in `template.yaml` (`BuildProperties.Binary`), with
/// the `Globals` default for functions that set none.
pub fn memory_sizes(template: &str) -> BTreeMap<String, u32> {
    let mut default = 128;
    let mut sizes = BTreeMap::new();
    let mut section = "";
    let mut resource_memory: Option<u32> = None;
    let mut resource_binary: Option<String> = None;
    let mut flush = |binary: &mut Option<String>, memory: &mut Option<u32>, default: u32| {
        if let Some(b) = binary.take() {
            sizes.insert(b, memory.unwrap_or(default));
        }
        *memory = None;
    };
    for line in template.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if indent == 0 && trimmed.ends_with(':') {
            flush(&mut resource_binary, &mut resource_memory, default);
            section = if trimmed == "Globals:" { "globals" } else { "" };
            continue;
        }
        if indent == 2 && trimmed.ends_with(':') {
            flush(&mut resource_binary, &mut resource_memory, default);
            continue;
        }
        if let Some(v) = trimmed.strip_prefix("MemorySize:") {
            if let Ok(mb) = v.trim().parse() {
                if section == "globals" {
                    default = mb;
                } else {
                    resource_memory = Some(mb);
                }
            }
        }
        if let Some(v) = trimmed.strip_prefix("Binary:") {
            resource_binary = Some(v.trim().to_string());
        }
    }
    flush(&mut resource_binary, &mut resource_memory, default);
    sizes
}

/// The test helper's view of the stack, and the functions' routers.
struct Stack {
    env: TestEnv,
    router: axum::Router,
    erp: erp_sync::SyncState,
    sqs: aws_sdk_sqs::Client,
    email_queue: dev_server::consumers::Queue,
    erp_queue: dev_server::consumers::Queue,
    memory: BTreeMap<String, u32>,
}

fn billed_ms(started: Instant) -> u64 {
    (started.elapsed().as_secs_f64() * 1000.0).ceil().max(1.0) as u64
}

impl Stack {
    fn memory(&self, function: &str) -> u32 {
        self.memory.get(function).copied().unwrap_or(128)
    }

    /// One HTTP request to `function`'s route, timed as its Lambda invocation.
    #[allow(clippy::too_many_arguments)]
    async fn http(
        &self,
        consumed: &mut Consumed,
        function: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Result<Value, String> {
        let started = Instant::now();
        let res = call_raw(
            &self.router,
            method,
            path,
            token,
            body.map(|b| b.to_string().into_bytes()),
            headers,
        )
        .await;
        consumed
            .invocations
            .push((self.memory(function), billed_ms(started)));
        consumed.http_requests += 1;
        consumed.bytes_out += res.bytes.len() as u64;
        if !res.status.is_success() {
            return Err(format!("{method} {path}: {} {}", res.status, res.json));
        }
        Ok(res.json)
    }

    /// Hands both queues to their consumers until they stay empty: one invocation per batch.
    async fn drain(&self, consumed: &mut Consumed) -> Result<(), String> {
        let mut quiet_rounds = 0;
        for _ in 0..500 {
            let mut received = 0;
            for (queue, function) in [
                (&self.email_queue, "notifications"),
                (&self.erp_queue, "erp-sync-worker"),
            ] {
                let handler_ms = Cell::new(0u64);
                let delivery = dev_server::consumers::deliver_batch(&self.sqs, queue, 0, |event| {
                    let handler_ms = &handler_ms;
                    async move {
                        let started = Instant::now();
                        let response = if function == "notifications" {
                            notifications::handle(&self.env.app, event).await
                        } else {
                            erp_sync::handle(&self.erp, event).await
                        };
                        handler_ms.set(billed_ms(started));
                        response
                    }
                })
                .await?;
                if delivery.received > 0 {
                    if delivery.failed > 0 {
                        return Err(format!(
                            "{} messages failed on {}",
                            delivery.failed, queue.name
                        ));
                    }
                    consumed
                        .invocations
                        .push((self.memory(function), handler_ms.get()));
                    // Each message: sent to the queue, received, deleted.
                    consumed.sqs_requests += 3 * delivery.received as u64;
                    received += delivery.received;
                }
            }
            quiet_rounds = if received == 0 { quiet_rounds + 1 } else { 0 };
            // moto delivers an event to its queue at once; two empty rounds in a row: done.
            if quiet_rounds >= 2 {
                return Ok(());
            }
        }
        Err("the queues did not empty".into())
    }
}

/// Runs `action`, drains the queues, and adds what the tally counted (DynamoDB units, events,
/// emails) to what the action measured itself.
async fn measure<F, Fut>(stack: &Stack, action: F) -> Result<(Consumed, Value), String>
where
    F: FnOnce(Consumed) -> Fut,
    Fut: std::future::Future<Output = Result<(Consumed, Value), String>>,
{
    usage::take();
    let (mut consumed, out) = action(Consumed::default()).await?;
    stack.drain(&mut consumed).await?;
    // Nothing may be left in the outbox (the relay after the commit sent it): the sweep finds
    // nothing, and is not counted.
    let mut tallied = usage::Usage::default();
    for u in usage::take().values() {
        tallied.add(u);
    }
    consumed.read_units += tallied.read_units;
    consumed.write_units += tallied.write_units;
    consumed.events += tallied.events;
    consumed.emails += tallied.emails;
    Ok((consumed, out))
}

pub async fn run() -> Result<(), String> {
    let prices = load_prices()?;
    let items = env_number("COST_ITEMS", 2_000).clamp(100, 100_000);
    let erp_items = env_number("COST_ERP_ITEMS", 1_000).clamp(10, 10_000);
    let port = env_number("COST_PORT", 3162);
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
            .map_err(|e| format!("template.yaml: {e}"))?;
    let memory = memory_sizes(&template);

    println!();
    println!(
        "cost bench: the AWS usage of each business action, at the list prices of {} ({})",
        prices.region, prices.date
    );
    usage::enable();
    let env = TestEnv::new().await;
    let app = env.app();
    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let erp_key = format!("cost-{}", shared::types::new_id());
    let inbound_key = format!("cost-in-{}", shared::types::new_id());
    let simulator = erp_simulator::Simulator::new(Some(erp_key.clone()));
    let erp_server = simulator
        .start(&format!("127.0.0.1:{}", port + 1))
        .await
        .map_err(|e| format!("ERP simulator on :{}: {e}", port + 1))?;
    let settings = shared::sync::SyncSettings {
        erp_base_url: Some(erp_server.url()),
        erp_api_key_out: Some(erp_key),
        inbound_api_key: Some(inbound_key.clone()),
        ..Default::default()
    };
    let erp = dev_server::erp_sync_state(&app, &sqs, &env.queues, settings);
    let router = dev_server::merged_router(&app, &erp);
    let email_queue =
        dev_server::consumers::Queue::resolve(&sqs, "email", &env.queues.email_queue_url).await?;
    let erp_queue =
        dev_server::consumers::Queue::resolve(&sqs, "erp-sync", &env.queues.erp_sync_queue_url)
            .await?;

    // The catalog seed goes through the import route over HTTP (as the other parts seed).
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port} (COST_PORT): {e}"))?;
    let base = format!("http://127.0.0.1:{port}");
    let served = router.clone();
    let server = tokio::spawn(async move { axum::serve(listener, served).await });
    shared::accounts::fixtures::put_staff_with_id(
        &app,
        "cost-admin",
        "cost-admin@seller.example.com",
        "Cost Admin",
        StaffRole::Admin,
        Some("a-long-password-for-cost"),
    )
    .await;
    let admin = Principal::staff("cost-admin", "Cost Admin", StaffRole::Admin, 240)
        .token(&app.config.jwt_secret);
    let client = reqwest::Client::new();
    super::seed(&app, &client, &base, &admin, items).await?;
    server.abort();
    let now = shared::types::now_rfc3339();
    shared::settings::save(
        &app.store,
        &shared::settings::Settings {
            seller_notification_emails: vec![shared::types::Email::parse(
                "ventas@cost.example.com",
            )
            .map_err(|e| e.to_string())?],
            ..Default::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let customer: shared::customers::Customer = serde_json::from_value(json!({
        "id": "COST", "status": "active", "name": "Ferreteria Costos", "tax_id": "COS010101AAA",
        "email": "compras@costos.example.com", "price_list_id": PRICE_LIST,
        "warehouse_ids": WAREHOUSES, "default_warehouse_id": WAREHOUSES[0],
        "shipping_method": "pickup", "catalog_access": {"mode": "all"},
        "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "100000000.00", "currency": "MXN"},
        "created_at": now, "updated_at": now,
    }))
    .map_err(|e| e.to_string())?;
    app.store
        .put(
            &shared::customers::profile::customer_keys(&customer),
            &customer,
        )
        .await
        .map_err(|e| e.to_string())?;
    let buyer = shared::accounts::fixtures::contact_session(
        &app,
        "COST",
        "compras@costos.example.com",
        "Compras",
        Permissions::all(),
    )
    .await;
    // Plenty of stock for the 10 lines ordered.
    for w in WAREHOUSES {
        for i in 0..10 {
            app.store
                .update(
                    &shared::store::keys::warehouse_pk(w),
                    &shared::store::keys::stock_sk(&super::sku(i)),
                    "SET on_hand = :h",
                    None,
                    &[],
                    vec![(":h", shared::store::n(1_000_000))],
                )
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    let stack = Stack {
        env,
        router,
        erp,
        sqs,
        email_queue,
        erp_queue,
        memory,
    };
    // The warm-up (first requests of each route, the contact's access check) is not measured.
    let limit = shared::catalog::browse::MAX_LIMIT;
    let page = format!("/v1/catalog/items?limit={limit}");
    for path in [page.as_str(), "/v1/cart", "/v1/me"] {
        let _ = call_raw(&stack.router, "GET", path, Some(&buyer), None, &[]).await;
    }
    stack.drain(&mut Consumed::default()).await?;

    let mut actions: Vec<(String, Consumed)> = Vec::new();
    let get = |path: String| {
        let stack = &stack;
        let buyer = &buyer;
        move |mut c: Consumed| async move {
            let out = stack
                .http(&mut c, "catalog", "GET", &path, Some(buyer), None, &[])
                .await?;
            Ok((c, out))
        }
    };
    let (c, _) = measure(&stack, get(page.clone())).await?;
    actions.push((format!("catalog page ({limit} items, prices, stock)"), c));
    let (c, _) = measure(&stack, get(format!("{page}&q=tal"))).await?;
    actions.push(("search".into(), c));
    let (c, _) = measure(&stack, get(format!("/v1/catalog/items/{}", super::sku(7)))).await?;
    actions.push(("item detail".into(), c));

    let lines: Vec<Value> = (0..10)
        .map(|i| json!({"sku": super::sku(i), "quantity": 2}))
        .collect();
    let (c, _) = measure(&stack, |mut c| {
        let stack = &stack;
        let lines = lines.clone();
        let buyer = &buyer;
        async move {
            let out = stack
                .http(
                    &mut c,
                    "pricing",
                    "POST",
                    "/v1/pricing/quote",
                    Some(buyer),
                    Some(json!({"warehouse_id": WAREHOUSES[0], "lines": lines})),
                    &[],
                )
                .await?;
            Ok((c, out))
        }
    })
    .await?;
    actions.push(("quote (10 lines priced)".into(), c));

    let (c, _) = measure(&stack, |mut c| {
        let stack = &stack;
        async move {
            let out = stack
                .http(
                    &mut c,
                    "accounts",
                    "POST",
                    "/v1/auth/login",
                    None,
                    Some(json!({"email": "cost-admin@seller.example.com", "password": "a-long-password-for-cost"})),
                    &[],
                )
                .await?;
            Ok((c, out))
        }
    })
    .await?;
    actions.push(("login (password hash check)".into(), c));

    let (placed, order) = measure(&stack, |mut c| {
        let stack = &stack;
        let buyer = &buyer;
        let lines = lines.clone();
        async move {
            let out = stack
                .http(
                    &mut c,
                    "orders",
                    "POST",
                    "/v1/orders",
                    Some(buyer),
                    Some(json!({"warehouse_id": WAREHOUSES[0], "lines": lines})),
                    &[("idempotency-key", "cost-order-1")],
                )
                .await?;
            Ok((c, out))
        }
    })
    .await?;
    let order_id = order["id"]
        .as_str()
        .ok_or("the order has no id")?
        .to_string();
    let step = |action: &'static str| {
        let stack = &stack;
        let admin = &admin;
        let path = format!("/v1/admin/orders/{order_id}/{action}");
        move |mut c: Consumed| async move {
            let out = stack
                .http(&mut c, "orders", "POST", &path, Some(admin), None, &[])
                .await?;
            Ok((c, out))
        }
    };
    let (claimed, _) = measure(&stack, step("claim")).await?;
    let (fulfilled, _) = measure(&stack, step("fulfil")).await?;
    if simulator.erp_number(&order_id).is_none() {
        return Err(format!("order {order_id} never reached the ERP"));
    }
    let mut order_flow = placed.clone();
    order_flow.add(&claimed);
    order_flow.add(&fulfilled);
    actions.push(("order placed (10 lines)".into(), placed));
    actions.push(("order claimed".into(), claimed));
    actions.push(("order fulfilled".into(), fulfilled));

    let records: Vec<Value> = (0..erp_items)
        .map(|i| {
            json!({"sku": format!("ERP-{i:05}"), "name": format!("taladro percutor {i}"),
                   "item_type": format!("tipo {}", i % 20), "brand": format!("marca {}", i % 50),
                   "unit": "pieza", "tax_rate": "0.16", "version": 1})
        })
        .collect();
    let (batch, _) = measure(&stack, |mut c| {
        let stack = &stack;
        let key = inbound_key.clone();
        async move {
            let out = stack
                .http(
                    &mut c,
                    "erp-sync",
                    "POST",
                    "/v1/erp/items",
                    None,
                    Some(json!({"records": records})),
                    &[("x-api-key", key.as_str())],
                )
                .await?;
            Ok((c, out))
        }
    })
    .await?;
    actions.push((format!("ERP batch of {erp_items} items"), batch));

    // The table.
    println!(
        "  {:<40} {:>9} {:>9} {:>8} {:>10} {:>6} {:>5} {:>6} {:>12}",
        "action", "read RU", "write WU", "Lambda", "Lambda ms", "events", "SQS", "emails", "USD"
    );
    let mut figures: BTreeMap<String, Value> = BTreeMap::new();
    for (name, c) in &actions {
        let ms: u64 = c.invocations.iter().map(|i| i.1).sum();
        let usd = total(&dollars(c, &prices));
        println!(
            "  {name:<40} {:>9.1} {:>9.1} {:>8} {:>10} {:>6} {:>5} {:>6} {:>12.8}",
            c.read_units,
            c.write_units,
            c.invocations.len(),
            ms,
            c.events,
            c.sqs_requests,
            c.emails,
            usd
        );
        let key = name
            .split(" (")
            .next()
            .unwrap_or(name)
            .replace(&erp_items.to_string(), "")
            .replace("  ", " ")
            .replace(' ', "_")
            .to_lowercase();
        figures.insert(format!("cost_{key}_read_units"), json!(c.read_units));
        figures.insert(format!("cost_{key}_write_units"), json!(c.write_units));
        figures.insert(format!("cost_{key}_lambda_ms"), json!(ms));
    }
    let catalog_view = &actions[0].1;
    let per_order = dollars(&order_flow, &prices);
    let per_view = dollars(catalog_view, &prices);
    let per_batch = dollars(&actions.last().expect("actions").1, &prices);
    let orders_1000 = total(&per_order) * 1_000.0;
    let views_100k = total(&per_view) * 100_000.0;
    println!(
        "  (RU/WU: the request units DynamoDB Local reports; Lambda ms: handler time here, rounded up per invocation)"
    );
    println!("  cost per 1,000 orders (placed, claimed, fulfilled, their emails and ERP messages): {orders_1000:.4} USD");
    println!("  cost per 100,000 catalog views: {views_100k:.4} USD");

    // A month of a wholesaler: 2,000 orders, 200,000 catalog views, a daily ERP batch.
    println!("  a month with 2,000 orders, 200,000 catalog views and 30 ERP batches of {erp_items} items (USD):");
    println!(
        "    {:<16} {:>10} {:>10} {:>10} {:>10}",
        "service", "orders", "views", "ERP", "total"
    );
    let mut month = 0.0;
    for service in SERVICES {
        let o = per_order[service] * 2_000.0;
        let v = per_view[service] * 200_000.0;
        let e = per_batch[service] * 30.0;
        month += o + v + e;
        println!(
            "    {service:<16} {o:>10.4} {v:>10.4} {e:>10.4} {:>10.4}",
            o + v + e
        );
    }
    let secrets = template
        .matches("Type: AWS::SecretsManager::Secret")
        .count();
    let alarms = template.matches("Type: AWS::CloudWatch::Alarm").count();
    let fixed = secrets as f64 * prices.secrets_manager_secret_month_usd
        + alarms as f64 * prices.cloudwatch_alarm_month_usd;
    println!(
        "    fixed: {secrets} secrets, {alarms} alarms = {fixed:.2}; usage total {month:.4}; month total {:.2}",
        month + fixed
    );

    figures.insert(
        "cost_per_1000_orders_usd".into(),
        json!((orders_1000 * 10_000.0).round() / 10_000.0),
    );
    figures.insert(
        "cost_per_100k_catalog_views_usd".into(),
        json!((views_100k * 10_000.0).round() / 10_000.0),
    );
    figures.insert(
        "cost_month_2000_orders_200k_views_usd".into(),
        json!(((month + fixed) * 100.0).round() / 100.0),
    );
    let view: BTreeMap<&str, Value> = figures
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let path = write_results(&view)?;
    println!("  written to {}", path.display());
    erp_server.stop().await;
    super::drop_table(&stack.env.app.store).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        load_prices().expect("infra/bench/aws-prices.json")
    }

    #[test]
    fn known_units_cost_known_dollars() {
        let p = Prices {
            region: "test".into(),
            date: "2026-01-01".into(),
            dynamodb_write_request_unit_per_million_usd: 0.625,
            dynamodb_read_request_unit_per_million_usd: 0.125,
            lambda_arm64_gb_second_usd: 0.0000133334,
            lambda_request_per_million_usd: 0.20,
            http_api_request_per_million_usd: 1.00,
            eventbridge_custom_event_per_million_usd: 1.00,
            sqs_request_per_million_usd: 0.40,
            ses_email_per_thousand_usd: 0.10,
            cloudfront_https_request_per_10k_usd: 0.01,
            cloudfront_data_out_gb_usd: 0.085,
            secrets_manager_secret_month_usd: 0.40,
            cloudwatch_alarm_month_usd: 0.10,
        };
        // A million of everything: each service's price per million, by construction.
        let c = Consumed {
            read_units: 1_000_000.0,
            write_units: 2_000_000.0,
            // 1,000,000 invocations of 1,024 MB for 1,000 ms = 1,000,000 GB-s.
            invocations: vec![(1024, 1000); 1_000_000],
            http_requests: 1_000_000,
            bytes_out: 1_000_000_000,
            events: 1_000_000,
            sqs_requests: 1_000_000,
            emails: 1_000_000,
        };
        let d = dollars(&c, &p);
        let near = |service: &str, usd: f64| {
            assert!(
                (d[service] - usd).abs() < 1e-9,
                "{service}: {} != {usd}",
                d[service]
            );
        };
        near("DynamoDB", 0.125 + 2.0 * 0.625);
        near("Lambda duration", 13.3334);
        near("Lambda requests", 0.20);
        near("HTTP API", 1.00);
        near("CloudFront", 1.00 + 0.085);
        near("EventBridge", 1.00);
        near("SQS", 0.40);
        near("SES", 100.0);
        assert!(
            (total(&d) - (1.375 + 13.3334 + 0.2 + 1.0 + 1.085 + 1.0 + 0.4 + 100.0)).abs() < 1e-9
        );
        assert_eq!(d.len(), SERVICES.len());
    }

    #[test]
    fn a_256_mb_invocation_of_3_ms_is_billed_as_0_00075_gb_seconds() {
        let c = Consumed {
            invocations: vec![(256, 3)],
            ..Default::default()
        };
        let d = dollars(&c, &prices());
        let expected = 0.25 * 0.003 * prices().lambda_arm64_gb_second_usd;
        assert!((d["Lambda duration"] - expected).abs() < 1e-15);
        assert_eq!(d["DynamoDB"], 0.0);
    }

    #[test]
    fn the_prices_file_has_a_date_and_a_region() {
        let p = prices();
        assert_eq!(p.region, "us-east-1");
        assert!(p.date.len() == 10 && p.date.starts_with("20"));
    }

    #[test]
    fn memory_sizes_come_from_the_template_with_the_globals_default() {
        let template =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
                .expect("template.yaml");
        let sizes = memory_sizes(&template);
        assert_eq!(sizes.get("accounts"), Some(&512));
        assert_eq!(sizes.get("catalog"), Some(&256));
        assert!(sizes.contains_key("notifications") && sizes.contains_key("erp-sync-worker"));
        let yaml = "Globals:\n  Function:\n    MemorySize: 256\nResources:\n  A:\n    Properties:\n      MemorySize: 1024\n    Metadata:\n      BuildProperties:\n        Binary: a\n  B:\n    Metadata:\n      BuildProperties:\n        Binary: b\n";
        let sizes = memory_sizes(yaml);
        assert_eq!(sizes.get("a"), Some(&1024));
        assert_eq!(sizes.get("b"), Some(&256));
    }
}
