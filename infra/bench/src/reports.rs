//! The reports part of `make bench`: a year of report buckets (every day with orders from
//! a rotating set of customers and items, in every dimension, plus the month buckets) seeded
//! into a fresh table, then the admin's 365-day sales report read through the HTTP API:
//! `report_365_days_ms` (p50 over the runs) and `report_365_days_ddb_requests` (counted by
//! the SDK interceptor; the same for every run).

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use serde_json::{json, Value};
use shared::reports::{dimension, Scope};
use shared::store::{keys, Item};
use shared::testing::TestEnv;

use super::{env_number, ms, percentile, write_results};

const CUSTOMERS: usize = 200;
const ITEMS: usize = 2_000;
const TYPES: usize = 20;
const BRANDS: usize = 50;
const AGENTS: usize = 5;
const WAREHOUSES: [&str; 2] = ["MTY", "CDMX"];
/// Per day: this many customers ordered, this many items were bought.
const CUSTOMERS_PER_DAY: usize = 12;
const ITEMS_PER_DAY: usize = 40;

/// One bucket's counters: placed and fulfilled orders, value and units.
#[derive(Default, Clone)]
struct Counters {
    orders: i64,
    value_cents: i64,
    qty: i64,
}

fn bucket_item(pk: &str, sk: &str, label: Option<&str>, c: &Counters) -> Item {
    let n = |v: String| AttributeValue::N(v);
    let value = format!("{}.{:02}", c.value_cents / 100, c.value_cents % 100);
    let mut item = Item::from([
        (keys::PK.to_string(), AttributeValue::S(pk.into())),
        (keys::SK.to_string(), AttributeValue::S(sk.into())),
        ("placed_orders".into(), n(c.orders.to_string())),
        ("placed_value".into(), n(value.clone())),
        ("placed_qty".into(), n(c.qty.to_string())),
        ("fulfilled_orders".into(), n(c.orders.to_string())),
        ("fulfilled_value".into(), n(value)),
        ("fulfilled_qty".into(), n(c.qty.to_string())),
    ]);
    if let Some(label) = label {
        item.insert("label".into(), AttributeValue::S(label.into()));
    }
    item
}

/// The report's last day: the 15th of this month, so that both ends of a 365-day range fall
/// in partial months (the most Queries a report takes: day buckets at both edges).
fn last_day() -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    today.with_day(15).unwrap_or(today)
}

/// The buckets of `days` days ending on [`last_day`], for the admin's scope (`ALL`) in MXN.
fn buckets(days: i64) -> Vec<Item> {
    let today = last_day();
    let scope = Scope::All.key();
    let mut day_items = Vec::new();
    let mut months: BTreeMap<(String, String), (Option<String>, Counters)> = BTreeMap::new();
    let mut add = |out: &mut Vec<Item>,
                   dim: &str,
                   day: &str,
                   value: &str,
                   label: Option<String>,
                   c: Counters| {
        let pk = keys::report_pk(&scope, "MXN", dim);
        out.push(bucket_item(
            &pk,
            &keys::report_day_sk(day, value),
            label.as_deref(),
            &c,
        ));
        let m = months
            .entry((pk, keys::report_month_sk(&day[..7], value)))
            .or_insert((label, Counters::default()));
        m.1.orders += c.orders;
        m.1.value_cents += c.value_cents;
        m.1.qty += c.qty;
    };
    for d in 0..days {
        let date = today - chrono::Duration::days(d);
        let day = date.format("%Y-%m-%d").to_string();
        let seed = d as usize;
        let total = Counters {
            orders: CUSTOMERS_PER_DAY as i64,
            value_cents: 1_234_500 + (seed as i64 * 731) % 90_000,
            qty: 480,
        };
        day_items.push(bucket_item(
            &keys::report_pk(&scope, "MXN", dimension::TOTAL),
            &keys::report_day_sk(&day, ""),
            None,
            &total,
        ));
        let one = |k: usize| Counters {
            orders: 1,
            value_cents: 10_000 + (k as i64 * 37) % 50_000,
            qty: 1 + (k % 9) as i64,
        };
        for i in 0..CUSTOMERS_PER_DAY {
            let c = (seed * 7 + i) % CUSTOMERS;
            add(
                &mut day_items,
                dimension::CUSTOMER,
                &day,
                &format!("C{c:04}"),
                Some(format!("Customer {c}")),
                one(c),
            );
        }
        for i in 0..ITEMS_PER_DAY {
            let it = (seed * 13 + i) % ITEMS;
            add(
                &mut day_items,
                dimension::ITEM,
                &day,
                &format!("SKU-{it:05}"),
                Some(format!("Item {it}")),
                one(it),
            );
        }
        for t in 0..TYPES {
            add(
                &mut day_items,
                dimension::ITEM_TYPE,
                &day,
                &format!("type-{t}"),
                None,
                one(t),
            );
        }
        for b in 0..BRANDS / 2 {
            let b = (seed + b) % BRANDS;
            add(
                &mut day_items,
                dimension::BRAND,
                &day,
                &format!("brand-{b}"),
                None,
                one(b),
            );
        }
        for a in 0..AGENTS {
            add(
                &mut day_items,
                dimension::AGENT,
                &day,
                &format!("agent-{a}"),
                None,
                one(a),
            );
        }
        for (w, wh) in WAREHOUSES.iter().enumerate() {
            add(&mut day_items, dimension::WAREHOUSE, &day, wh, None, one(w));
        }
    }
    day_items.extend(
        months
            .into_iter()
            .map(|((pk, sk), (label, c))| bucket_item(&pk, &sk, label.as_deref(), &c)),
    );
    day_items
}

/// BatchWriteItem, 25 a request, 8 requests in flight.
async fn write_all(store: &shared::store::Store, items: Vec<Item>) -> Result<(), String> {
    let mut chunks = items
        .chunks(25)
        .map(<[Item]>::to_vec)
        .collect::<Vec<_>>()
        .into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < 8 {
            let Some(chunk) = chunks.next() else { break };
            let store = store.clone();
            running.spawn(async move {
                let mut pending: Vec<WriteRequest> = chunk
                    .into_iter()
                    .map(|item| {
                        WriteRequest::builder()
                            .put_request(
                                PutRequest::builder()
                                    .set_item(Some(item))
                                    .build()
                                    .expect("put"),
                            )
                            .build()
                    })
                    .collect();
                while !pending.is_empty() {
                    let out = store
                        .client()
                        .batch_write_item()
                        .request_items(store.table(), pending)
                        .send()
                        .await
                        .map_err(|e| format!("{e:?}"))?;
                    pending = out
                        .unprocessed_items
                        .and_then(|mut u| u.remove(store.table()))
                        .unwrap_or_default();
                }
                Ok::<(), String>(())
            });
        }
        match running.join_next().await {
            None => return Ok(()),
            Some(done) => done.map_err(|e| e.to_string())??,
        }
    }
}

pub async fn run() -> Result<(), String> {
    let runs = env_number("BENCH_REPORT_RUNS", 30).clamp(5, 1_000);
    let (env, counter) = TestEnv::with_request_counter().await;
    let app = env.app();
    let items = buckets(365);
    println!();
    println!(
        "reports bench: seeding {} report buckets (a year of days and months)...",
        items.len()
    );
    let seeded = Instant::now();
    write_all(&app.store, items.clone()).await?;
    println!("  seeded in {:.1} s", seeded.elapsed().as_secs_f64());

    shared::accounts::fixtures::put_staff_with_id(
        &app,
        "bench-admin",
        "bench@seller.example.com",
        "Bench",
        shared::auth::StaffRole::Admin,
        None,
    )
    .await;
    let token =
        shared::auth::Principal::staff("bench-admin", "Bench", shared::auth::StaffRole::Admin, 240)
            .token(&app.config.jwt_secret);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let router = orders::router(app.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();
    let today = last_day();
    let url = format!(
        "{base}/v1/admin/reports/sales?from={}&to={today}&currency=MXN&granularity=day",
        today - chrono::Duration::days(364)
    );

    let mut latencies = Vec::new();
    let mut requests = Vec::new();
    let mut operations = Vec::new();
    let mut last: Value = Value::Null;
    for n in 0..runs + 3 {
        counter.reset();
        let started = Instant::now();
        let res = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        if !status.is_success() {
            return Err(format!("report: {status} {body}"));
        }
        // The first three warm up connections and DynamoDB Local.
        if n >= 3 {
            latencies.push(ms(elapsed));
            requests.push(counter.total());
            operations = counter.operations();
        }
        last = body;
    }
    server.abort();
    let days = last["series"].as_array().map_or(0, Vec::len);
    if days != 365 || last["customers"].as_array().map_or(0, Vec::len) == 0 {
        return Err(format!(
            "the report read {days} days; expected 365 with every table"
        ));
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let p50 = percentile(&latencies, 50.0);
    let p99 = percentile(&latencies, 99.0);
    let max_requests = requests.iter().copied().max().unwrap_or(0);
    let mut by_op: BTreeMap<String, usize> = BTreeMap::new();
    for op in &operations {
        *by_op.entry(op.clone()).or_default() += 1;
    }
    let round1 = |v: f64| (v * 10.0).round() / 10.0;
    println!(
        "  365-day sales report ({} buckets in the table): {} DynamoDB requests {:?}; p50 {:.1} ms, p99 {:.1} ms over {runs} runs",
        items.len(),
        max_requests,
        by_op,
        p50,
        p99
    );
    let figures: BTreeMap<&str, Value> = BTreeMap::from([
        ("report_365_days_ms", json!(round1(p50))),
        ("report_365_days_p99_ms", json!(round1(p99))),
        ("report_365_days_ddb_requests", json!(max_requests)),
        ("report_365_days_buckets", json!(items.len())),
    ]);
    let path = write_results(&figures)?;
    println!("  merged into {}", path.display());
    super::drop_table(&app.store).await;
    Ok(())
}
