//! The `quick-order` part of `make bench`: `POST /v1/quick-order/check` of 500 pasted rows
//! against the bench catalog the `catalog` part seeds (`BENCH_ITEMS`, default 100,000 items
//! with prices and stock in two warehouses, reusing its seeding), through the orders
//! function's router served on a local port. Figures: `quick_order_500_rows_ms` (p50 of
//! `BENCH_QUICK` checks, default 30), its p99, and `quick_order_500_rows_ddb_requests` (the
//! most DynamoDB requests one check made, counted by the SDK interceptor).

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};
use shared::auth::Principal;
use shared::testing::TestEnv;

use super::{drop_table, env_number, ms, seed, sku, write_results, Sample};

const ROWS: usize = 500;

async fn serve(router: axum::Router) -> Result<(String, tokio::task::JoinHandle<()>), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((base, server))
}

pub async fn run() -> Result<(), String> {
    let items = env_number("BENCH_ITEMS", 100_000).max(ROWS * 2);
    let checks = env_number("BENCH_QUICK", 30).clamp(5, 1_000);

    let (env, counter) = TestEnv::with_request_counter().await;
    let app = env.app();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .build()
        .map_err(|e| e.to_string())?;
    shared::accounts::fixtures::put_staff_with_id(
        &app,
        "bench-admin",
        "bench@seller.example.com",
        "Bench",
        shared::auth::StaffRole::Admin,
        None,
    )
    .await;
    let admin = Principal::staff("bench-admin", "Bench", shared::auth::StaffRole::Admin, 240)
        .token(&app.config.jwt_secret);
    // The catalog part's seeding, through the catalog function's import routes.
    let (catalog_base, catalog_server) = serve(catalog::router(app.clone())).await?;
    let seeded = seed(&app, &client, &catalog_base, &admin, items).await;
    catalog_server.abort();
    seeded?;

    let (_, contact) = super::bench_customer(
        &app,
        json!({"id": "QUICK", "name": "Ferreteria Rapida", "tax_id": "RAP010101AAA",
               "email": "compras@rapida.example.com",
               "credit": {"terms": "CASH", "credit_days": 0, "limit": "0", "currency": "MXN"},
               "shipping_method": "pickup"}),
    )
    .await?;

    // 500 rows spread over the whole catalog, each with stock in the default warehouse.
    let stride = items / ROWS;
    let text: String = (0..ROWS)
        .map(|k| format!("{}\t2\n", sku(k * stride + 1)))
        .collect();
    let (base, server) = serve(orders::router(app.clone())).await?;
    let post = |path: &'static str, body: Value| {
        let (client, base, contact) = (client.clone(), base.clone(), contact.clone());
        async move {
            let res = client
                .post(format!("{base}{path}"))
                .bearer_auth(&contact)
                .json(&body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let body: Value = res.json().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(format!("{path}: {status} {body}"));
            }
            Ok::<Value, String>(body)
        }
    };

    for _ in 0..3 {
        post("/v1/quick-order/check", json!({ "text": text })).await?;
    }
    let mut sample = Sample::new();
    let mut valid = 0;
    for _ in 0..checks {
        // The contact's access is re-checked at most every 30 s (one BatchGetItem): refresh it
        // outside the measured window, so each sample counts the check's own requests.
        post(
            "/v1/quick-order/check",
            json!({"rows": [{"sku": sku(1), "quantity": 1}]}),
        )
        .await?;
        counter.reset();
        let started = Instant::now();
        let answer = post("/v1/quick-order/check", json!({ "text": text })).await?;
        sample.latencies.push(ms(started.elapsed()));
        sample.requests.push(counter.total());
        if counter.count("BatchGetItem") != counter.total() {
            return Err("a quick-order check made requests other than BatchGetItem".into());
        }
        valid = answer["valid_rows"].as_u64().unwrap_or(0);
        if answer["rows"].as_array().map(Vec::len) != Some(ROWS) {
            return Err(format!("quick order answered {} rows", answer["rows"]));
        }
    }
    server.abort();

    let round = |v: f64| (v * 10.0).round() / 10.0;
    let mut figures = BTreeMap::new();
    figures.insert("quick_order_500_rows_ms", json!(round(sample.p(50.0))));
    figures.insert("quick_order_500_rows_p99_ms", json!(round(sample.p(99.0))));
    figures.insert(
        "quick_order_500_rows_ddb_requests",
        json!(sample.max_requests()),
    );
    println!();
    println!("quick-order bench: {ROWS} pasted rows checked and priced, catalog of {items} items");
    println!(
        "  check        p50 {:>8.2} ms   p99 {:>8.2} ms   ({checks} checks, {valid} valid rows)",
        sample.p(50.0),
        sample.p(99.0)
    );
    println!(
        "  DynamoDB requests per check: {} (max {}), all BatchGetItem of up to 100 keys",
        sample.median_requests(),
        sample.max_requests()
    );
    let path = write_results(&figures)?;
    println!("  written to {}", path.display());
    drop_table(&app.store).await;
    Ok(())
}
