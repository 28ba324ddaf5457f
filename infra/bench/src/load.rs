//! The load part of `make bench` (`PARTS=load`): simulated buyers through the HTTP API of the
//! dev server's merged router (`dev_server::merged_router`, the handlers Lambda runs) served on
//! loopback, with the dev server's background work running (outbox sweep, the email and
//! erp-sync queue consumers, the ERP simulator answering the order events), against a fresh
//! table on DynamoDB Local.
//!
//! At each level of concurrent virtual buyers (`LOAD_LEVELS`, default 10,50,200) for
//! `LOAD_SECONDS` (default 30) and at most `LOAD_MAX_REQUESTS` requests: 80 % catalog pages,
//! searches and item details, 15 % cart and pricing, 5 % orders of 1-3 lines of the few items
//! with little stock (`HOT_ITEMS`), from `LOAD_CUSTOMERS` customers on credit, each with its own
//! contact (several buyers share a customer at the higher levels, so credit races too), while
//! two staff members claim, fulfil and cancel the placed orders.
//!
//! Printed per level: requests per second, p50/p99 per route, answers by status (409/422 from
//! stock or credit running out are expected answers, counted apart from 5xx and transport
//! errors). After each level, once the queues have been worked off (bounded wait), the
//! invariants are checked on the table ([`check_invariants`]) and printed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde_json::{json, Value};
use shared::auth::{Permissions, Principal, StaffRole};
use shared::catalog::Stock;
use shared::orders::credit::CreditRecord;
use shared::orders::Order;
use shared::store::{keys, QuerySpec, Store};
use shared::testing::TestEnv;
use shared::timeline::TimelineEntry;

use super::{brand_name, env_number, ms, percentile, write_results, Rng, PRICE_LIST, WAREHOUSES};

/// Orders only buy these SKUs (the seed gives them 0-49 units per warehouse).
const HOT_ITEMS: usize = 40;
/// Staff members working the placed orders during a level.
const STAFF_WORKERS: usize = 2;

/// One answer: route name, HTTP status (0: transport error), latency.
type Answer = (&'static str, u16, f64);

struct Buyer {
    token: String,
    warehouse: &'static str,
}

struct Setup {
    base: String,
    buyers: Vec<Buyer>,
    admin: String,
    items: usize,
}

/// What a level counted.
struct Level {
    buyers: usize,
    seconds: f64,
    answers: Vec<Answer>,
    placed: Vec<String>,
}

impl Level {
    fn requests(&self) -> usize {
        self.answers.len()
    }
    fn rps(&self) -> f64 {
        self.requests() as f64 / self.seconds.max(f64::EPSILON)
    }
    fn p(&self, p: f64) -> f64 {
        let mut all: Vec<f64> = self.answers.iter().map(|a| a.2).collect();
        all.sort_by(|a, b| a.total_cmp(b));
        percentile(&all, p)
    }
    /// 409/422: stock or credit ran out, or a staff member got to the order first.
    fn expected_refusals(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| a.1 == 409 || a.1 == 422)
            .count()
    }
    /// Anything else that is not a success: 5xx, transport errors, other 4xx.
    fn errors(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| !(200..300).contains(&a.1) && a.1 != 409 && a.1 != 422)
            .count()
    }
}

pub async fn run() -> Result<(), String> {
    let seconds = env_number("LOAD_SECONDS", 30).clamp(1, 600) as u64;
    let max_requests = env_number("LOAD_MAX_REQUESTS", 200_000).max(10);
    let items = env_number("LOAD_ITEMS", 2_000).clamp(HOT_ITEMS, 200_000);
    let customers = env_number("LOAD_CUSTOMERS", 40).clamp(1, 1_000);
    let port = env_number("LOAD_PORT", 3160);
    let levels: Vec<usize> = std::env::var("LOAD_LEVELS")
        .unwrap_or_else(|_| "10,50,200".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .filter(|&v| (1..=2_000).contains(&v))
        .collect();

    println!();
    println!("load bench: {levels:?} concurrent buyers, {seconds} s each (at most {max_requests} requests), {customers} customers, {items} items");
    let env = TestEnv::new().await;
    let app = env.app();
    let sqs = aws_sdk_sqs::Client::new(&env.sdk);

    // The ERP the erp-sync worker delivers order events to, on the next port.
    let erp_key = format!("load-{}", shared::types::new_id());
    let simulator = erp_simulator::Simulator::new(Some(erp_key.clone()));
    let erp_server = simulator
        .start(&format!("127.0.0.1:{}", port + 1))
        .await
        .map_err(|e| format!("ERP simulator on :{}: {e}", port + 1))?;
    let settings = shared::sync::SyncSettings {
        erp_base_url: Some(erp_server.url()),
        erp_api_key_out: Some(erp_key),
        ..Default::default()
    };
    let erp = dev_server::erp_sync_state(&app, &sqs, &env.queues, settings);
    let router = dev_server::merged_router(&app, &erp);
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port} (LOAD_PORT): {e}"))?;
    let base = format!("http://127.0.0.1:{port}");
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let mut background = tokio::task::JoinSet::new();
    let schedules = dev_server::Schedules {
        // The dev server sweeps every 10 s; sooner here so the wait after a level is short.
        outbox_sweep: Duration::from_secs(2),
        expire_orders: Duration::from_secs(3_600),
        erp_sync: Duration::from_secs(3_600),
    };
    dev_server::spawn_background(&mut background, &app, &erp, &sqs, &env.queues, &schedules)
        .await?;

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let setup = seed(&app, &client, &base, items, customers).await?;
    let setup = Arc::new(setup);

    let mut figures: BTreeMap<String, Value> = BTreeMap::new();
    let mut all_ok = true;
    let mut placed_total: Vec<String> = Vec::new();
    for &buyers in &levels {
        let level = run_level(&client, &setup, buyers, seconds, max_requests).await;
        print_level(&level);
        placed_total.extend(level.placed.iter().cloned());
        // The queues are worked off by the background consumers: wait (bounded) until every
        // placed order's events reached the ERP and its email was sent, then check.
        let started = Instant::now();
        let report = loop {
            let received: HashSet<String> = simulator
                .received()
                .into_iter()
                .filter(|m| m.event_type == shared::sync::erp::OrderEventType::Placed)
                .map(|m| m.order.id)
                .collect();
            let report = check_invariants(&app.store, Some(&received)).await?;
            if report.ok() || started.elapsed() > Duration::from_secs(90) {
                break report;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        };
        println!(
            "  invariants after {buyers} buyers (checked {:.1} s after the level):",
            started.elapsed().as_secs_f64()
        );
        report.print();
        all_ok &= report.ok();
        let round = |v: f64| (v * 100.0).round() / 100.0;
        figures.insert(format!("load_{buyers}_rps"), json!(round(level.rps())));
        figures.insert(format!("load_{buyers}_p99_ms"), json!(round(level.p(99.0))));
        figures.insert(format!("load_{buyers}_errors"), json!(level.errors()));
        figures.insert(
            format!("load_{buyers}_expected_refusals"),
            json!(level.expected_refusals()),
        );
        figures.insert(
            format!("load_{buyers}_orders_placed"),
            json!(level.placed.len()),
        );
    }
    figures.insert(
        "load_invariants_ok".into(),
        json!(all_ok && !levels.is_empty()),
    );
    println!(
        "  load_invariants_ok: {} ({} orders placed in all)",
        all_ok,
        placed_total.len()
    );
    let view: BTreeMap<&str, Value> = figures
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let path = write_results(&view)?;
    println!("  written to {}", path.display());

    background.abort_all();
    server.abort();
    erp_server.stop().await;
    super::drop_table(&app.store).await;
    if !all_ok {
        return Err("an invariant did not hold under load (see above)".into());
    }
    Ok(())
}

/// The catalog (the catalog part's seed: items and prices through the import route, stock
/// 0-49 per warehouse), the store settings, `customers` customers on credit with one contact
/// each, and a staff admin.
async fn seed(
    app: &shared::App,
    client: &reqwest::Client,
    base: &str,
    items: usize,
    customers: usize,
) -> Result<Setup, String> {
    shared::accounts::fixtures::put_staff_with_id(
        app,
        "load-admin",
        "load-admin@seller.example.com",
        "Load Admin",
        StaffRole::Admin,
        None,
    )
    .await;
    let admin = Principal::staff("load-admin", "Load Admin", StaffRole::Admin, 240)
        .token(&app.config.jwt_secret);
    super::seed(app, client, base, &admin, items).await?;
    let settings = shared::settings::Settings {
        seller_notification_emails: vec![
            shared::types::Email::parse("ventas@load.example.com").map_err(|e| e.to_string())?
        ],
        store_name: "Load Wholesale".into(),
        ..Default::default()
    };
    shared::settings::save(&app.store, &settings)
        .await
        .map_err(|e| e.to_string())?;

    let now = shared::types::now_rfc3339();
    let mut rng = Rng(0xC0FF_EE00_D15E_A5E5);
    let mut buyers = Vec::with_capacity(customers);
    for c in 0..customers {
        let id = format!("LOAD{c:04}");
        let email = format!("compras{c}@cliente{c}.load.example.com");
        let warehouse = WAREHOUSES[c % WAREHOUSES.len()];
        // Limits from 5,000 to 50,000 MXN: the smaller ones run out during a level.
        let limit = 5_000 + rng.below(10) * 5_000;
        let customer: shared::customers::Customer = serde_json::from_value(json!({
            "id": id, "status": "active", "name": format!("Ferreteria Carga {c}"),
            "tax_id": format!("LOA{c:06}AA"), "email": email, "price_list_id": PRICE_LIST,
            "warehouse_ids": WAREHOUSES, "default_warehouse_id": warehouse,
            "shipping_method": "pickup", "catalog_access": {"mode": "all"},
            "credit": {"terms": "CREDIT", "credit_days": 30, "limit": format!("{limit}.00"), "currency": "MXN"},
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
        let token = shared::accounts::fixtures::contact_session(
            app,
            &id,
            &email,
            &format!("Compras {c}"),
            Permissions::all(),
        )
        .await;
        buyers.push(Buyer { token, warehouse });
    }
    println!("  {customers} customers on credit (5,000-50,000 MXN), one contact each");
    Ok(Setup {
        base: base.to_string(),
        buyers,
        admin,
        items,
    })
}

async fn run_level(
    client: &reqwest::Client,
    setup: &Arc<Setup>,
    buyers: usize,
    seconds: u64,
    max_requests: usize,
) -> Level {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let sent = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for b in 0..buyers {
        let (client, setup, sent) = (client.clone(), Arc::clone(setup), Arc::clone(&sent));
        tasks.spawn(async move {
            buyer(&client, &setup, b, buyers, deadline, &sent, max_requests).await
        });
    }
    for s in 0..STAFF_WORKERS {
        let (client, setup, sent) = (client.clone(), Arc::clone(setup), Arc::clone(&sent));
        tasks.spawn(async move {
            staff(&client, &setup, s, buyers, deadline, &sent, max_requests).await
        });
    }
    let mut answers = Vec::new();
    let mut placed = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((a, p)) = done {
            answers.extend(a);
            placed.extend(p);
        }
    }
    Level {
        buyers,
        seconds: started.elapsed().as_secs_f64(),
        answers,
        placed,
    }
}

/// Sends one request; answers its status (0 on a transport error), latency and JSON body.
async fn send(req: reqwest::RequestBuilder) -> (u16, f64, Value) {
    let started = Instant::now();
    match req.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let body = res.json::<Value>().await.unwrap_or(Value::Null);
            (status, ms(started.elapsed()), body)
        }
        Err(_) => (0, ms(started.elapsed()), Value::Null),
    }
}

fn hot_lines(rng: &mut Rng, max_quantity: usize) -> Value {
    let lines: Vec<Value> = (0..1 + rng.below(3))
        .map(|_| json!({"sku": super::sku(rng.below(HOT_ITEMS)), "quantity": 1 + rng.below(max_quantity)}))
        .collect();
    Value::Array(lines)
}

/// One virtual buyer, until the deadline or the request bound.
async fn buyer(
    client: &reqwest::Client,
    setup: &Setup,
    n: usize,
    level: usize,
    deadline: Instant,
    sent: &AtomicUsize,
    max_requests: usize,
) -> (Vec<Answer>, Vec<String>) {
    let me = &setup.buyers[n % setup.buyers.len()];
    let base = &setup.base;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((level * 10_000 + n + 1) as u64));
    let mut answers = Vec::new();
    let mut placed = Vec::new();
    let limit = shared::catalog::browse::MAX_LIMIT;
    while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < max_requests {
        let roll = rng.below(100);
        let (route, req) = if roll < 40 {
            let filter = match rng.below(3) {
                0 => String::new(),
                1 => format!("&type=tipo-{}", rng.below(super::TYPES)),
                _ => format!(
                    "&brand={}",
                    brand_name(rng.below(super::BRANDS)).to_lowercase()
                ),
            };
            (
                "GET catalog page",
                client.get(format!("{base}/v1/catalog/items?limit={limit}{filter}")),
            )
        } else if roll < 70 {
            let word = super::WORDS[rng.below(super::WORDS.len())];
            let prefix: String = word.chars().take(3 + rng.below(4)).collect();
            (
                "GET catalog search",
                client.get(format!("{base}/v1/catalog/items?limit={limit}&q={prefix}")),
            )
        } else if roll < 80 {
            (
                "GET item detail",
                client.get(format!(
                    "{base}/v1/catalog/items/{}",
                    super::sku(rng.below(setup.items))
                )),
            )
        } else if roll < 87 {
            (
                "PUT cart",
                client
                    .put(format!("{base}/v1/cart"))
                    .json(&json!({"warehouse_id": me.warehouse, "lines": hot_lines(&mut rng, 5)})),
            )
        } else if roll < 90 {
            ("GET cart", client.get(format!("{base}/v1/cart")))
        } else if roll < 95 {
            (
                "POST pricing quote",
                client
                    .post(format!("{base}/v1/pricing/quote"))
                    .json(&json!({"warehouse_id": me.warehouse, "lines": hot_lines(&mut rng, 20)})),
            )
        } else {
            (
                "POST order",
                client
                    .post(format!("{base}/v1/orders"))
                    .header(
                        "idempotency-key",
                        format!("load-{level}-{n}-{}", rng.next()),
                    )
                    .json(&json!({"warehouse_id": me.warehouse, "lines": hot_lines(&mut rng, 4)})),
            )
        };
        let (status, latency, body) = send(req.bearer_auth(&me.token)).await;
        if route == "POST order" && status == 201 {
            if let Some(id) = body["id"].as_str() {
                placed.push(id.to_string());
            }
        }
        answers.push((route, status, latency));
    }
    (answers, placed)
}

/// A staff member: lists the placed orders, claims some, then fulfils or cancels them, and
/// cancels some placed ones outright; until the deadline.
async fn staff(
    client: &reqwest::Client,
    setup: &Setup,
    n: usize,
    level: usize,
    deadline: Instant,
    sent: &AtomicUsize,
    max_requests: usize,
) -> (Vec<Answer>, Vec<String>) {
    let base = &setup.base;
    let mut rng = Rng(0x51AF_F00D ^ ((level * 100 + n + 1) as u64));
    let mut answers = Vec::new();
    let admin = |req: reqwest::RequestBuilder| req.bearer_auth(&setup.admin);
    while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < max_requests {
        let (status, latency, body) = send(admin(
            client.get(format!("{base}/v1/admin/orders?status=placed&limit=20")),
        ))
        .await;
        answers.push(("GET admin orders", status, latency));
        let ids: Vec<String> = body["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        // Both staff members pick from the same list: they race for some orders.
        let first = rng.below(ids.len());
        for k in 0..ids.len().min(3) {
            let id = &ids[(first + k) % ids.len()];
            let roll = rng.below(10);
            if roll < 2 {
                let (s, l, _) = send(admin(
                    client
                        .post(format!("{base}/v1/admin/orders/{id}/cancel"))
                        .json(&json!({"reason": "load test: out of stock"})),
                ))
                .await;
                answers.push(("POST admin cancel", s, l));
                continue;
            }
            let (s, l, _) = send(admin(
                client.post(format!("{base}/v1/admin/orders/{id}/claim")),
            ))
            .await;
            answers.push(("POST admin claim", s, l));
            if s != 200 {
                continue;
            }
            let (route, path) = if roll < 7 {
                ("POST admin fulfil", "fulfil")
            } else {
                ("POST admin cancel", "cancel")
            };
            let (s, l, _) = send(admin(
                client
                    .post(format!("{base}/v1/admin/orders/{id}/{path}"))
                    .json(&json!({"reason": "load test"})),
            ))
            .await;
            answers.push((route, s, l));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (answers, Vec::new())
}

fn print_level(level: &Level) {
    println!();
    println!(
        "  {} buyers (+{STAFF_WORKERS} staff): {} requests in {:.1} s = {:.1} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        level.buyers,
        level.requests(),
        level.seconds,
        level.rps(),
        level.p(50.0),
        level.p(99.0)
    );
    let mut routes: BTreeMap<&str, Vec<&Answer>> = BTreeMap::new();
    for a in &level.answers {
        routes.entry(a.0).or_default().push(a);
    }
    println!(
        "    {:<22} {:>7} {:>10} {:>10}   answers by status",
        "route", "count", "p50 ms", "p99 ms"
    );
    for (route, answers) in routes {
        let mut latencies: Vec<f64> = answers.iter().map(|a| a.2).collect();
        latencies.sort_by(|a, b| a.total_cmp(b));
        let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
        for a in &answers {
            *statuses.entry(a.1).or_default() += 1;
        }
        let statuses: Vec<String> = statuses
            .iter()
            .map(|(s, n)| {
                if *s == 0 {
                    format!("transport error {n}")
                } else {
                    format!("{s}: {n}")
                }
            })
            .collect();
        println!(
            "    {route:<22} {:>7} {:>10.2} {:>10.2}   {}",
            latencies.len(),
            percentile(&latencies, 50.0),
            percentile(&latencies, 99.0),
            statuses.join(", ")
        );
    }
    println!(
        "    orders placed {}; expected refusals (409/422: stock, credit, a colleague was first) {}; errors (5xx, transport, other 4xx) {}",
        level.placed.len(),
        level.expected_refusals(),
        level.errors()
    );
}

/// One invariant: how many records it looked at and what broke it.
#[derive(Debug)]
pub struct Check {
    pub name: &'static str,
    pub checked: usize,
    pub violations: Vec<String>,
}

#[derive(Debug)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.violations.is_empty())
    }

    #[cfg(test)]
    pub fn violations(&self, name: &str) -> &[String] {
        self.checks
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.violations.as_slice())
            .unwrap_or(&[])
    }

    fn print(&self) {
        for c in &self.checks {
            let verdict = if c.violations.is_empty() {
                "ok".to_string()
            } else {
                format!("FAILED ({} violations)", c.violations.len())
            };
            println!("    {:<58} {:>6} checked  {verdict}", c.name, c.checked);
            for v in c.violations.iter().take(5) {
                println!("      {v}");
            }
        }
    }
}

pub const RESERVED_MATCHES_OPEN_ORDERS: &str =
    "reserved stock = quantities of open orders (per warehouse, SKU)";
pub const NO_NEGATIVE_AVAILABILITY: &str = "no availability below zero (on hand - reserved >= 0)";
pub const CREDIT_MATCHES_OPEN_ORDERS: &str = "credit in use = totals of open orders (per customer)";
pub const OUTBOX_EMPTY: &str = "every event relayed (the outbox is empty)";
pub const DELIVERED_TO_ERP: &str = "every order's OrderPlaced reached the ERP";
pub const EMAIL_SENT: &str = "every order's emails sent (the customer's timeline)";

async fn query_all_items(
    store: &Store,
    spec: QuerySpec,
) -> Result<Vec<shared::store::Item>, String> {
    let mut spec = spec;
    let mut all = Vec::new();
    loop {
        let (items, next) = store.query_items(&spec).await.map_err(|e| e.to_string())?;
        all.extend(items);
        match next {
            Some(cursor) => spec = spec.cursor(Some(cursor)),
            None => return Ok(all),
        }
    }
}

fn pk_of(item: &shared::store::Item) -> String {
    item.get(keys::PK)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

/// Checks the invariants that concurrency must not break, reading the table (every warehouse's
/// stock, every order, every customer's credit record, the outbox):
/// - the reserved stock of every warehouse and SKU equals the quantities of its open orders;
/// - no availability below zero (and no negative reservation);
/// - each customer's credit in use (`open_orders`) equals the totals of its open orders;
/// - the outbox is empty: every event was relayed;
/// - with `erp_received` (ids of the orders whose `order.placed` the ERP received): every
///   order reached the ERP, and every order has an email in its customer's timeline.
///
/// Meant for a quiet table (no request in flight): an order being placed holds its reservation
/// and its credit in one transaction, so between transactions they always agree.
pub async fn check_invariants(
    store: &Store,
    erp_received: Option<&HashSet<String>>,
) -> Result<Report, String> {
    let mut warehouses: Vec<String> = query_all_items(
        store,
        QuerySpec::index(keys::GSI1, keys::WAREHOUSES_INDEX_PK),
    )
    .await?
    .iter()
    .filter_map(|i| pk_of(i).strip_prefix("WH#").map(str::to_string))
    .collect();
    let mut stock: Vec<Stock> = Vec::new();
    let orders: Vec<Order> = query_all_items(
        store,
        QuerySpec::index(keys::GSI3, keys::ORDERS_BY_STATUS_PK),
    )
    .await?
    .into_iter()
    .map(|raw| shared::store::from_item::<Order>(raw).map_err(|e| format!("order: {e}")))
    .collect::<Result<_, _>>()?;
    // A warehouse an order names but the index does not list is read too.
    warehouses.extend(orders.iter().map(|o| o.warehouse_id.clone()));
    warehouses.sort();
    warehouses.dedup();
    for w in &warehouses {
        for raw in query_all_items(
            store,
            QuerySpec::partition(keys::warehouse_pk(w)).prefix("SKU#"),
        )
        .await?
        {
            stock.push(shared::store::from_item(raw).map_err(|e| format!("stock: {e}"))?);
        }
    }
    let customers: Vec<String> = query_all_items(
        store,
        QuerySpec::index(keys::GSI1, keys::CUSTOMERS_INDEX_PK),
    )
    .await?
    .iter()
    .filter_map(|i| pk_of(i).strip_prefix("CUST#").map(str::to_string))
    .collect();

    // What the open orders hold.
    let mut held: HashMap<(String, String), i64> = HashMap::new();
    let mut in_use: HashMap<String, Decimal> = HashMap::new();
    for order in orders.iter().filter(|o| o.status.is_open()) {
        for line in &order.lines {
            *held
                .entry((order.warehouse_id.clone(), line.sku.as_str().to_string()))
                .or_default() += line.quantity;
        }
        *in_use.entry(order.customer_id.clone()).or_default() += order.total;
    }

    let mut reserved = Check {
        name: RESERVED_MATCHES_OPEN_ORDERS,
        checked: 0,
        violations: Vec::new(),
    };
    let mut availability = Check {
        name: NO_NEGATIVE_AVAILABILITY,
        checked: stock.len(),
        violations: Vec::new(),
    };
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for s in &stock {
        let key = (s.warehouse_id.clone(), s.sku.as_str().to_string());
        let expected = held.get(&key).copied().unwrap_or(0);
        reserved.checked += 1;
        if s.reserved != expected {
            reserved.violations.push(format!(
                "{} {}: reserved {} but open orders hold {expected}",
                s.warehouse_id,
                s.sku.as_str(),
                s.reserved
            ));
        }
        if s.on_hand - s.reserved < 0 || s.reserved < 0 {
            availability.violations.push(format!(
                "{} {}: on hand {}, reserved {}",
                s.warehouse_id,
                s.sku.as_str(),
                s.on_hand,
                s.reserved
            ));
        }
        seen.insert(key);
    }
    for ((w, sku), q) in &held {
        if !seen.contains(&(w.clone(), sku.clone())) && *q != 0 {
            reserved.violations.push(format!(
                "{w} {sku}: open orders hold {q} but there is no stock record"
            ));
        }
    }

    let mut credit = Check {
        name: CREDIT_MATCHES_OPEN_ORDERS,
        checked: 0,
        violations: Vec::new(),
    };
    let mut ids: Vec<String> = customers;
    ids.extend(in_use.keys().cloned());
    ids.sort();
    ids.dedup();
    let wanted: Vec<(String, String)> = ids.iter().map(|id| CreditRecord::key(id)).collect();
    let fetched = store
        .batch_get_items(wanted)
        .await
        .map_err(|e| e.to_string())?;
    let records: HashMap<String, CreditRecord> = fetched
        .iter()
        .filter_map(|item| {
            let id = pk_of(item).strip_prefix("CUST#")?.to_string();
            Some((id, CreditRecord::from_item(Some(item))))
        })
        .collect();
    for id in &ids {
        credit.checked += 1;
        let recorded = records.get(id).map(|r| r.open_orders).unwrap_or_default();
        let expected = in_use.get(id).copied().unwrap_or_default();
        if recorded != expected {
            credit.violations.push(format!(
                "customer {id}: credit in use {recorded} but open orders total {expected}"
            ));
        }
    }

    let outbox = query_all_items(store, QuerySpec::partition(keys::OUTBOX_PK)).await?;
    let mut checks = vec![
        reserved,
        availability,
        credit,
        Check {
            name: OUTBOX_EMPTY,
            checked: outbox.len(),
            violations: outbox
                .iter()
                .map(|e| {
                    format!(
                        "not relayed: {}",
                        e.get("type")
                            .and_then(|v| v.as_s().ok())
                            .cloned()
                            .unwrap_or_default()
                    )
                })
                .collect(),
        },
    ];

    if let Some(received) = erp_received {
        let mut erp = Check {
            name: DELIVERED_TO_ERP,
            checked: orders.len(),
            violations: Vec::new(),
        };
        let mut email = Check {
            name: EMAIL_SENT,
            checked: orders.len(),
            violations: Vec::new(),
        };
        let mut timelines: HashMap<String, Vec<TimelineEntry>> = HashMap::new();
        for order in &orders {
            if !received.contains(&order.id) {
                erp.violations.push(format!(
                    "order {} ({:?}): not received by the ERP",
                    order.id, order.status
                ));
            }
            if !timelines.contains_key(&order.customer_id) {
                let entries = query_all_items(
                    store,
                    QuerySpec::partition(keys::customer_pk(&order.customer_id))
                        .prefix(keys::TIMELINE_SK_PREFIX),
                )
                .await?
                .into_iter()
                .filter_map(|raw| shared::store::from_item::<TimelineEntry>(raw).ok())
                .collect();
                timelines.insert(order.customer_id.clone(), entries);
            }
            let mentioned = timelines[&order.customer_id].iter().any(|e| {
                e.event_id.is_some()
                    && (e.body.contains(&order.id)
                        || e.subject.as_deref().is_some_and(|s| s.contains(&order.id)))
            });
            if !mentioned {
                email
                    .violations
                    .push(format!("order {}: no email about it", order.id));
            }
        }
        checks.push(erp);
        checks.push(email);
    }
    Ok(Report { checks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::store::Keys;

    /// A fresh table, quiet and consistent: one warehouse (listed as the catalog function
    /// lists it), one SKU with 10 on hand, one customer on credit with nothing in use.
    async fn table() -> TestEnv {
        let env = TestEnv::new().await;
        let now = shared::types::now_rfc3339();
        let store = &env.app.store;
        store
            .put(
                &Keys::new(keys::warehouse_pk("MTY"), keys::META_SK)
                    .gsi1(keys::WAREHOUSES_INDEX_PK, "MTY"),
                &json!({"id": "MTY", "name": "Monterrey", "active": true, "updated_at": now}),
            )
            .await
            .expect("warehouse");
        store
            .put(
                &Keys::new(keys::warehouse_pk("MTY"), keys::stock_sk("SKU-000001")),
                &json!({"warehouse_id": "MTY", "sku": "SKU-000001", "on_hand": 10, "reserved": 0, "updated_at": now}),
            )
            .await
            .expect("stock");
        let customer: shared::customers::Customer = serde_json::from_value(json!({
            "id": "C1", "status": "active", "name": "Uno", "tax_id": "UNO010101AAA",
            "email": "compras@uno.example.com", "price_list_id": PRICE_LIST,
            "warehouse_ids": ["MTY"], "default_warehouse_id": "MTY",
            "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "1000.00", "currency": "MXN"},
            "created_at": now, "updated_at": now,
        }))
        .expect("customer");
        store
            .put(
                &shared::customers::profile::customer_keys(&customer),
                &customer,
            )
            .await
            .expect("customer");
        env
    }

    async fn set(env: &TestEnv, pk: &str, sk: &str, attribute: &str, value: i64) {
        env.app
            .store
            .update(
                pk,
                sk,
                &format!("SET {attribute} = :v"),
                None,
                &[],
                vec![(":v", shared::store::n(value))],
            )
            .await
            .expect("broken on purpose");
    }

    #[tokio::test]
    async fn a_quiet_consistent_table_passes_and_every_record_is_read() {
        let env = table().await;
        let report = check_invariants(&env.app.store, None)
            .await
            .expect("checked");
        assert!(report.ok(), "{report:?}");
        let checked = |name| {
            report
                .checks
                .iter()
                .find(|c| c.name == name)
                .unwrap()
                .checked
        };
        assert_eq!(checked(RESERVED_MATCHES_OPEN_ORDERS), 1, "the stock record");
        assert_eq!(checked(CREDIT_MATCHES_OPEN_ORDERS), 1, "the customer");
    }

    #[tokio::test]
    async fn a_reservation_without_an_order_fails() {
        let env = table().await;
        set(
            &env,
            &keys::warehouse_pk("MTY"),
            &keys::stock_sk("SKU-000001"),
            "reserved",
            3,
        )
        .await;
        let report = check_invariants(&env.app.store, None)
            .await
            .expect("checked");
        assert!(!report.ok());
        assert_eq!(report.violations(RESERVED_MATCHES_OPEN_ORDERS).len(), 1);
        assert!(report.violations(NO_NEGATIVE_AVAILABILITY).is_empty());
    }

    #[tokio::test]
    async fn overbooked_stock_and_credit_in_use_without_orders_fail() {
        let env = table().await;
        set(
            &env,
            &keys::warehouse_pk("MTY"),
            &keys::stock_sk("SKU-000001"),
            "on_hand",
            -1,
        )
        .await;
        let (pk, sk) = CreditRecord::key("C1");
        set(&env, &pk, &sk, "open_orders", 120).await;
        let report = check_invariants(&env.app.store, None)
            .await
            .expect("checked");
        assert_eq!(report.violations(NO_NEGATIVE_AVAILABILITY).len(), 1);
        assert_eq!(report.violations(CREDIT_MATCHES_OPEN_ORDERS).len(), 1);
        assert!(report.violations(RESERVED_MATCHES_OPEN_ORDERS).is_empty());
    }

    #[tokio::test]
    async fn an_event_left_in_the_outbox_fails() {
        let env = table().await;
        let event = shared::messaging::DomainEvent::new("OrderPlaced", Some("C1"), json!({}));
        env.app
            .store
            .transact(vec![event.outbox_put(&env.app.store).expect("put")])
            .await
            .expect("left in the outbox");
        let report = check_invariants(&env.app.store, None)
            .await
            .expect("checked");
        assert_eq!(report.violations(OUTBOX_EMPTY).len(), 1);
    }
}
