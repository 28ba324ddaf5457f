//! The orders part of `make bench`: place-order latency p50/p99 through the HTTP API for 10,
//! 100 and 500 lines, and the DynamoDB requests each costs (counted by the SDK interceptor),
//! with the raw DynamoDB Local request latency of the same run.
//!
//! Runs on its own fresh table (a customer, 500 items with prices and ample stock), serves the
//! orders function's router on a local port and places real orders with distinct
//! `Idempotency-Key`s. `BENCH_ORDERS_10`, `BENCH_ORDERS_100`, `BENCH_ORDERS_500` set how many
//! orders of each size are timed. Figures are printed and merged into the results file.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};
use shared::auth::Permissions;
use shared::store::{keys, Keys};
use shared::testing::TestEnv;

use super::{env_number, ms, write_results, Sample};

const ITEMS: usize = 500;
const WAREHOUSE: &str = "MTY";
const PRICE_LIST: &str = "BENCH-PL";
const CUSTOMER: &str = "ORDERS-BENCH";

fn sku(i: usize) -> String {
    format!("ORD-{i:04}")
}

async fn seed(app: &shared::App) -> Result<(), String> {
    let now = shared::types::now_rfc3339();
    let mut writes = Vec::new();
    let mut put = |k: Keys, v: Value| -> Result<(), String> {
        let item = shared::store::item(&k, &v).map_err(|e| e.to_string())?;
        let request = aws_sdk_dynamodb::types::PutRequest::builder()
            .set_item(Some(item))
            .build()
            .map_err(|e| e.to_string())?;
        writes.push(
            aws_sdk_dynamodb::types::WriteRequest::builder()
                .put_request(request)
                .build(),
        );
        Ok(())
    };
    put(
        Keys::new(keys::price_list_pk(PRICE_LIST), keys::META_SK),
        json!({"id": PRICE_LIST, "name": "Bench", "currency": "MXN", "has_prices": true, "updated_at": now}),
    )?;
    for i in 0..ITEMS {
        let sku = sku(i);
        put(
            Keys::new(keys::item_pk(&sku), keys::ITEM_SK),
            json!({"sku": sku, "name": format!("Articulo {i}"), "item_type": "tools", "unit": "pieza",
                   "tax_rate": "0.16", "active": true, "updated_at": now}),
        )?;
        put(
            Keys::new(keys::price_list_pk(PRICE_LIST), keys::price_sk(&sku)),
            json!({"price_list_id": PRICE_LIST, "sku": sku, "unit_price": format!("{}.50", 10 + i % 90),
                   "updated_at": now}),
        )?;
        put(
            Keys::new(keys::warehouse_pk(WAREHOUSE), keys::stock_sk(&sku)),
            json!({"warehouse_id": WAREHOUSE, "sku": sku, "on_hand": 10_000_000, "reserved": 0, "updated_at": now}),
        )?;
    }
    shared::catalog::files::write_all(&app.store, writes)
        .await
        .map_err(|e| e.to_string())?;
    let customer: shared::customers::Customer = serde_json::from_value(json!({
        "id": CUSTOMER, "status": "active", "name": "Ferreteria Pedidos", "tax_id": "PED010101AAA",
        "email": "compras@pedidos.example.com", "price_list_id": PRICE_LIST,
        "warehouse_ids": [WAREHOUSE], "default_warehouse_id": WAREHOUSE, "shipping_method": "pickup",
        "credit": {"terms": "CASH", "limit": "0", "currency": "MXN"},
        "created_at": now, "updated_at": now,
    }))
    .map_err(|e| e.to_string())?;
    app.store
        .put(
            &shared::customers::profile::customer_keys(&customer),
            &customer,
        )
        .await
        .map_err(|e| e.to_string())
}

/// How often the bench refreshes the contact's cached access check, well within its 30 s TTL.
const ACCESS_REFRESH: std::time::Duration = std::time::Duration::from_secs(15);

/// Places timed orders of `lines` lines; returns the latencies and request counts.
#[allow(clippy::too_many_arguments)]
async fn measure(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    counter: &shared::store::counter::RequestCounter,
    lines: usize,
    orders: usize,
    round: &mut usize,
) -> Result<(Sample, Sample, Vec<String>), String> {
    let mut latency = Sample::new();
    let mut placement = Sample::new();
    let mut operations = Vec::new();
    let mut checked: Option<Instant> = None;
    for n in 0..orders {
        // Different lines each time (rotating through the catalog), one unit each.
        let start = (n * 37) % ITEMS;
        let body = json!({"lines": (0..lines).map(|i| json!({"sku": sku((start + i) % ITEMS), "quantity": 1})).collect::<Vec<_>>()});
        *round += 1;
        // A container re-checks a contact's access every 30 s at most (one BatchGetItem,
        // shared::auth::revocation); refresh it outside the measured window, so each sample
        // counts the placement's own requests.
        if checked.is_none_or(|at| at.elapsed() > ACCESS_REFRESH) {
            let res = client
                .get(format!("{base}/v1/cart"))
                .bearer_auth(token)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !res.status().is_success() {
                return Err(format!("session check: {}", res.status()));
            }
            checked = Some(Instant::now());
        }
        counter.reset();
        let started = Instant::now();
        let res = client
            .post(format!("{base}/v1/orders"))
            .bearer_auth(token)
            .header("idempotency-key", format!("bench-{lines}-{round}"))
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        let status = res.status();
        if status.as_u16() != 201 {
            let text = res.text().await.unwrap_or_default();
            return Err(format!("placing {lines} lines: {status} {text}"));
        }
        latency.latencies.push(ms(elapsed));
        let ops = counter.operations();
        // The relay's outbox cleanup (BatchWriteItem) is event delivery, not the placement.
        latency.requests.push(ops.len());
        placement
            .requests
            .push(ops.iter().filter(|op| *op != "BatchWriteItem").count());
        operations = ops;
    }
    Ok((latency, placement, operations))
}

/// Runs the orders bench and merges its figures into the results file.
pub async fn run() -> Result<(), String> {
    let sizes = [
        (10, env_number("BENCH_ORDERS_10", 100).clamp(5, 10_000)),
        (100, env_number("BENCH_ORDERS_100", 40).clamp(5, 10_000)),
        (500, env_number("BENCH_ORDERS_500", 15).clamp(3, 1_000)),
    ];
    let raw_requests = env_number("BENCH_RAW", 200).clamp(10, 10_000);

    let (env, counter) = TestEnv::with_request_counter().await;
    let app = env.app();
    println!();
    println!("orders bench: seeding {ITEMS} items with prices and stock...");
    seed(&app).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let router = orders::router(app.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .build()
        .map_err(|e| e.to_string())?;
    // A contact with an active access: every request checks it (shared::auth::revocation).
    let token = shared::accounts::fixtures::contact_session(
        &app,
        CUSTOMER,
        "compras@pedidos.example.com",
        "Compras",
        Permissions::all(),
    )
    .await;

    // Warm-up: connections, DynamoDB Local's JIT, the function's first requests.
    let mut round = 0;
    measure(&client, &base, &token, &counter, 10, 10, &mut round).await?;
    measure(&client, &base, &token, &counter, 500, 2, &mut round).await?;

    let mut figures: BTreeMap<String, Value> = BTreeMap::new();
    let round3 = |v: f64| (v * 1000.0).round() / 1000.0;
    let mut lines_out = Vec::new();
    for (lines, orders) in sizes {
        let (latency, placement, last_ops) =
            measure(&client, &base, &token, &counter, lines, orders, &mut round).await?;
        let (p50, p99) = (latency.p(50.0), latency.p(99.0));
        let requests = placement.max_requests();
        let with_relay = latency.max_requests();
        let key = |suffix: &str| format!("order_{lines}_lines_{suffix}");
        figures.insert(key("p50_ms"), json!(round3(p50)));
        figures.insert(key("p99_ms"), json!(round3(p99)));
        figures.insert(key("ddb_requests"), json!(requests));
        figures.insert(key("ddb_requests_with_outbox_cleanup"), json!(with_relay));
        lines_out.push(format!(
            "  {lines:>3} lines   p50 {p50:>8.2} ms   p99 {p99:>8.2} ms   DynamoDB requests {requests} (+{} outbox cleanup)   ({orders} orders; last: {})",
            with_relay - requests,
            summarize(&last_ops)
        ));
    }

    let mut raw = Sample::new();
    for i in 0..raw_requests {
        let started = Instant::now();
        app.store
            .get_item(&keys::item_pk(&sku(i % ITEMS)), keys::ITEM_SK)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("a seeded item is missing")?;
        raw.latencies.push(ms(started.elapsed()));
    }
    let raw_p50 = raw.p(50.0);
    figures.insert(
        "order_ddb_raw_request_p50_ms".into(),
        json!(round3(raw_p50)),
    );

    // The relay after the commit publishes the order's two events (PutEvents): on the local
    // stack that is moto, whose latency is part of every order's figure above.
    let mut relay = Sample::new();
    for _ in 0..20 {
        let event = shared::messaging::DomainEvent::new(
            "BenchProbe",
            Some(CUSTOMER),
            json!({"probe": true}),
        );
        let started = Instant::now();
        app.events
            .publish(&[event.clone(), event])
            .await
            .map_err(|e| format!("PutEvents: {e}"))?;
        relay.latencies.push(ms(started.elapsed()));
    }
    let relay_p50 = relay.p(50.0);
    figures.insert(
        "order_event_publish_p50_ms".into(),
        json!(round3(relay_p50)),
    );

    println!(
        "orders bench: place an order (POST /v1/orders) through HTTP, distinct Idempotency-Keys"
    );
    for line in lines_out {
        println!("{line}");
    }
    println!("  raw DynamoDB Local GetItem p50 {raw_p50:>8.2} ms (same run)");
    println!("  of each order, publishing its 2 events to the local EventBridge (moto) p50 {relay_p50:>8.2} ms");
    println!("  (10 lines: one BatchGet and one transaction; over 93 lines: the multi-step reservation, chunks of 99)");
    let view: BTreeMap<&str, Value> = figures
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let path = write_results(&view)?;
    println!("  written to {}", path.display());

    server.abort();
    super::drop_table(&app.store).await;
    Ok(())
}

/// `["BatchGetItem", "BatchGetItem", "TransactWriteItems"]` -> `2 BatchGetItem, 1 TransactWriteItems`.
fn summarize(ops: &[String]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for op in ops {
        *counts.entry(op.as_str()).or_default() += 1;
    }
    counts
        .iter()
        .map(|(op, n)| format!("{n} {op}"))
        .collect::<Vec<_>>()
        .join(", ")
}
