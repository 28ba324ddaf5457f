//! `make bench`: seeds a fresh table on DynamoDB Local with a wholesaler-sized catalog and
//! measures, in one run, through the HTTP API:
//! - catalog page latency p50/p99 (the largest page, as a logged-in customer, with prices and
//!   availability in two warehouses, over varying cursors and filters);
//! - search latency p50/p99;
//! - DynamoDB requests per page (counted by an SDK interceptor);
//! - the latency of one raw DynamoDB Local request (GetItem), measured in the same run;
//!
//! and the overhead ratio = page p50 / (raw p50 x requests per page), beside the page's own
//! DynamoDB requests sent directly (the floor) and the API's overhead over that floor.
//!
//! The seed goes through the import route (items and prices as CSV files of `BENCH_ITEMS`
//! rows, default 100,000), so the run also shows that a file of that size imports; stock is
//! written with BatchWriteItem (a fresh table has no reservations to keep).
//! The `quick-order` part (`quick_order.rs`) seeds the same catalog on its own table and times a
//! 500-row quick-order check. Figures are printed and merged into `target/bench/results.json`.
//! Every loop is bounded.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared::auth::{Permissions, Principal};
use shared::catalog::{Sku, Stock};
use shared::store::{keys, Keys};
use shared::testing::TestEnv;

mod cost;
mod emulator;
mod erp;
mod lambda;
mod load;
mod orders;
mod quick_order;
mod reports;

const WAREHOUSES: [&str; 2] = ["MTY", "CDMX"];
const PRICE_LIST: &str = "MAYOREO";
const TYPES: usize = 20;
const BRANDS: usize = 50;
const WORDS: &[&str] = &[
    "taladro",
    "percutor",
    "sierra",
    "circular",
    "lijadora",
    "orbital",
    "esmeril",
    "angular",
    "pulidora",
    "rotomartillo",
    "atornillador",
    "inalambrico",
    "llave",
    "inglesa",
    "martillo",
    "pinza",
    "electricista",
    "desarmador",
    "plano",
    "cruz",
    "cinta",
    "metrica",
    "nivel",
    "aluminio",
    "escalera",
    "tijera",
    "manguera",
    "jardin",
    "pala",
    "carretilla",
    "pintura",
    "vinilica",
    "esmalte",
    "brocha",
    "rodillo",
    "tornillo",
    "pija",
    "taquete",
    "clavo",
    "ancla",
    "cable",
    "calibre",
    "contacto",
    "apagador",
    "foco",
    "led",
    "lampara",
    "reflector",
    "tubo",
    "cobre",
    "codo",
    "valvula",
    "llave",
    "paso",
    "regadera",
    "lavabo",
    "sanitario",
    "cemento",
    "mortero",
    "arena",
    "grava",
    "varilla",
    "alambre",
    "malla",
    "lamina",
    "galvanizada",
    "madera",
    "triplay",
    "pegamento",
    "silicon",
    "sellador",
    "impermeabilizante",
    "guante",
    "casco",
    "lentes",
    "chaleco",
    "bota",
    "candado",
    "cerradura",
    "bisagra",
    "jaladera",
    "riel",
    "cortina",
    "ventilador",
    "extension",
    "multicontacto",
    "bateria",
    "cargador",
    "broca",
    "disco",
    "corte",
    "lija",
    "grano",
    "acero",
    "inoxidable",
    "plastico",
    "reforzado",
    "industrial",
    "profesional",
];

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (the same catalog on every run, no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Brand names are one word, as most are ("Truper", "Bosch"): made of two syllables.
fn brand_name(n: usize) -> String {
    const SYLLABLES: [&str; 10] = [
        "tru", "bos", "mak", "pre", "ura", "dex", "tol", "fer", "vol", "kor",
    ];
    let first = SYLLABLES[n % 10];
    let second = SYLLABLES[(n / 10 + 3) % 10];
    let mut name = format!("{first}{second}");
    name[..1].make_ascii_uppercase();
    name
}

fn sku(i: usize) -> String {
    format!("SKU-{i:06}")
}

fn item_name(rng: &mut Rng, i: usize) -> String {
    let words: Vec<&str> = (0..3).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    format!("{} {} {} {}", words[0], words[1], words[2], i % 997)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Sample {
    latencies: Vec<f64>,
    requests: Vec<usize>,
}

impl Sample {
    fn new() -> Self {
        Self {
            latencies: Vec::new(),
            requests: Vec::new(),
        }
    }
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.latencies.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    }
    fn p(&self, p: f64) -> f64 {
        percentile(&self.sorted(), p)
    }
    fn max_requests(&self) -> usize {
        self.requests.iter().copied().max().unwrap_or(0)
    }
    fn median_requests(&self) -> usize {
        let mut v = self.requests.clone();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or(0)
    }
}

async fn import(
    client: &reqwest::Client,
    base: &str,
    admin: &str,
    kind: &str,
    body: String,
) -> Result<Value, String> {
    let started = Instant::now();
    let bytes = body.len();
    let res = client
        .post(format!(
            "{base}/v1/admin/items/import?kind={kind}&format=csv"
        ))
        .bearer_auth(admin)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("import {kind}: {e}"))?;
    let status = res.status();
    let report: Value = res
        .json()
        .await
        .map_err(|e| format!("import {kind}: {e}"))?;
    if !status.is_success() {
        return Err(format!("import {kind}: {status} {report}"));
    }
    println!(
        "  imported {kind}: {} rows ({:.1} MB) in {:.1} s",
        report["rows"],
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(report)
}

async fn seed_stock(app: &shared::App, items: usize) -> Result<(), String> {
    let started = Instant::now();
    let now = shared::types::now_rfc3339();
    let mut writes = Vec::with_capacity(items * WAREHOUSES.len());
    for i in 0..items {
        for (w, warehouse) in WAREHOUSES.iter().enumerate() {
            let sku = Sku::parse(sku(i)).map_err(|e| e.to_string())?;
            let stock = Stock {
                warehouse_id: warehouse.to_string(),
                sku: sku.clone(),
                on_hand: ((i * 7 + w * 3) % 50) as i64,
                reserved: 0,
                updated_at: now.clone(),
            };
            let k = Keys::new(keys::warehouse_pk(warehouse), keys::stock_sk(sku.as_str()));
            let item = shared::store::item(&k, &stock).map_err(|e| e.to_string())?;
            let put = aws_put(item)?;
            writes.push(put);
        }
    }
    let n = writes.len();
    shared::catalog::files::write_all(&app.store, writes)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "  wrote {n} stock records (BatchWriteItem) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn aws_put(item: shared::store::Item) -> Result<aws_sdk_dynamodb::types::WriteRequest, String> {
    let put = aws_sdk_dynamodb::types::PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(|e| e.to_string())?;
    Ok(aws_sdk_dynamodb::types::WriteRequest::builder()
        .put_request(put)
        .build())
}

/// A customer of the bench price list and warehouses (`fields` gives its id, name, tax id,
/// email and anything else it needs) with one contact of that email, every permission and an
/// active access: the customer and the contact's session token.
async fn bench_customer(
    app: &shared::App,
    fields: Value,
) -> Result<(shared::customers::Customer, String), String> {
    let mut value = json!({
        "status": "active", "price_list_id": PRICE_LIST,
        "warehouse_ids": WAREHOUSES, "default_warehouse_id": WAREHOUSES[0],
        "catalog_access": {"mode": "all"},
        "created_at": shared::types::now_rfc3339(), "updated_at": shared::types::now_rfc3339(),
    });
    if let (Some(base), Value::Object(extra)) = (value.as_object_mut(), fields) {
        base.extend(extra);
    }
    let customer: shared::customers::Customer =
        serde_json::from_value(value).map_err(|e| e.to_string())?;
    app.store
        .put(
            &shared::customers::profile::customer_keys(&customer),
            &customer,
        )
        .await
        .map_err(|e| e.to_string())?;
    let contact = shared::accounts::fixtures::contact_session(
        app,
        &customer.id,
        customer.email.as_str(),
        "Compras",
        Permissions::all(),
    )
    .await;
    Ok((customer, contact))
}

async fn seed(
    app: &shared::App,
    client: &reqwest::Client,
    base: &str,
    admin: &str,
    items: usize,
) -> Result<(), String> {
    let started = Instant::now();
    for id in WAREHOUSES {
        client
            .post(format!("{base}/v1/admin/warehouses"))
            .bearer_auth(admin)
            .json(&json!({"id": id, "name": format!("Almacen {id}")}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
    }
    let list =
        serde_json::from_value(json!({"id": PRICE_LIST, "name": "Mayoreo", "currency": "MXN"}))
            .map_err(|e| e.to_string())?;
    match shared::pricing::admin::create_price_list(&app.store, list).await {
        Ok(_) => {}
        // The dev server's demo data already has it (the `ui-seed` part).
        Err(shared::AppError::Conflict { .. }) => {}
        Err(e) => return Err(e.to_string()),
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut items_csv = String::with_capacity(items * 90);
    items_csv.push_str("sku,name,item_type,brand,unit,tax_rate\n");
    let mut prices_csv = String::with_capacity(items * 40);
    prices_csv.push_str("price_list_id,sku,unit_price,tiers\n");
    for i in 0..items {
        let name = item_name(&mut rng, i);
        let item_type = format!("Tipo {}", i % TYPES);
        let brand = brand_name(rng.below(BRANDS));
        items_csv.push_str(&format!(
            "{},{name},{item_type},{brand},pieza,0.16\n",
            sku(i)
        ));
        let cents = 1_000 + rng.below(500_000);
        prices_csv.push_str(&format!(
            "{PRICE_LIST},{},{}.{:02},10:{}.00\n",
            sku(i),
            cents / 100,
            cents % 100,
            (cents / 100).max(2) - 1
        ));
    }
    println!(
        "seeding {items} items, their prices and stock in {} warehouses...",
        WAREHOUSES.len()
    );
    import(client, base, admin, "items", items_csv).await?;
    import(client, base, admin, "prices", prices_csv).await?;
    seed_stock(app, items).await?;
    println!("  seeded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn results_path() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")));
    target.join("bench").join("results.json")
}

/// Merges `figures` into the results file (other benches add their own keys).
fn write_results(figures: &BTreeMap<&str, Value>) -> Result<PathBuf, String> {
    let path = results_path();
    let mut all: serde_json::Map<String, Value> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    for (k, v) in figures {
        all.insert(k.to_string(), v.clone());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&all).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// The parts to run: `make bench` runs them all; `make bench ARGS="erp orders"` (or
/// `cargo run --release -p bench -- erp`) only those named.
fn selected(part: &str) -> bool {
    let named: Vec<String> = std::env::args().skip(1).collect();
    named.is_empty() || named.iter().any(|n| n == part)
}

/// A step only run when named (`ui-seed`, which infra/scripts/bench.sh's `ui` part calls).
fn named(part: &str) -> bool {
    std::env::args().skip(1).any(|n| n == part)
}

/// `ui-seed`: the bench catalog (`BENCH_ITEMS`, default 100,000 items with prices and stock)
/// into the table of a running dev server (`TABLE_NAME`), for the UI's figures: the items and
/// prices go through the import route of a catalog router served here (a release build, so the
/// seed is quick), the stock straight into the table; the dev server then serves them.
async fn ui_seed() -> Result<(), String> {
    let table = std::env::var("TABLE_NAME").map_err(|_| "ui-seed needs TABLE_NAME".to_string())?;
    let items = env_number("BENCH_ITEMS", 100_000).max(100);
    let sdk = shared::testing::local_sdk_config().await;
    let app = shared::App::new(shared::config::Config::for_table(&table, &table), &sdk);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let router = catalog::router(app.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
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
    let client = reqwest::Client::new();
    let seeded = seed(&app, &client, &base, &admin, items).await;
    server.abort();
    seeded
}

async fn run() -> Result<(), String> {
    if named("ui-seed") {
        return ui_seed().await;
    }
    if selected("catalog") {
        catalog().await?;
    }
    if selected("orders") {
        orders::run().await?;
    }
    if selected("erp") {
        erp::run().await?;
    }
    if selected("load") {
        load::run().await?;
    }
    if selected("cost") {
        cost::run().await?;
    }
    if selected("reports") {
        reports::run().await?;
    }
    if selected("quick-order") {
        quick_order::run().await?;
    }
    // Last: it builds every function in release for two targets, the longest part by far.
    if selected("lambda") {
        lambda::run().await?;
    }
    Ok(())
}

async fn catalog() -> Result<(), String> {
    let items = env_number("BENCH_ITEMS", 100_000).max(100);
    let pages = env_number("BENCH_PAGES", 200).clamp(10, 10_000);
    let searches = env_number("BENCH_SEARCHES", 200).clamp(10, 10_000);
    let raw_requests = env_number("BENCH_RAW", 200).clamp(10, 10_000);

    let (env, counter) = TestEnv::with_request_counter().await;
    let app = env.app();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let router = catalog::router(app.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .build()
        .map_err(|e| e.to_string())?;
    let secret = &app.config.jwt_secret;
    // Requests check the staff item behind a token (shared::auth::revocation).
    shared::accounts::fixtures::put_staff_with_id(
        &app,
        "bench-admin",
        "bench@seller.example.com",
        "Bench",
        shared::auth::StaffRole::Admin,
        None,
    )
    .await;
    let admin =
        Principal::staff("bench-admin", "Bench", shared::auth::StaffRole::Admin, 240).token(secret);

    seed(&app, &client, &base, &admin, items).await?;

    // A contact with an active access: every request checks it (shared::auth::revocation).
    let (customer, contact) = bench_customer(
        &app,
        json!({"id": "BENCH", "name": "Ferreteria Bench", "tax_id": "BEN010101AAA",
               "email": "compras@bench.example.com"}),
    )
    .await?;

    let limit = shared::catalog::browse::MAX_LIMIT;
    let get = |path: String| {
        let client = client.clone();
        let base = base.clone();
        let contact = contact.clone();
        async move {
            let res = client
                .get(format!("{base}{path}"))
                .bearer_auth(&contact)
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

    // Warm-up: connections, JIT of DynamoDB Local, the function's first requests.
    for i in 0..20 {
        get(format!(
            "/v1/catalog/items?limit={limit}&type=tipo-{}",
            i % TYPES
        ))
        .await?;
    }
    // A container re-checks a contact's access every 30 s at most (one BatchGetItem,
    // shared::auth::revocation); the loops refresh it outside the measured window, so each
    // sample counts the page's own requests.
    let mut checked = Instant::now();
    let refresh = |checked: &mut Instant| {
        let due = checked.elapsed() > Duration::from_secs(15);
        if due {
            *checked = Instant::now();
        }
        due
    };

    // Catalog pages: walk the whole-catalog listing and the type and brand listings.
    let mut page_sample = Sample::new();
    let mut cursors: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut rng = Rng(42);
    for n in 0..pages {
        let filter = match n % 3 {
            0 => String::new(),
            1 => format!("&type=tipo-{}", rng.below(TYPES)),
            _ => format!("&brand={}", brand_name(rng.below(BRANDS)).to_lowercase()),
        };
        let mut path = format!("/v1/catalog/items?limit={limit}{filter}");
        if let Some(Some(cursor)) = cursors.get(&filter) {
            path.push_str(&format!("&cursor={cursor}"));
        }
        if refresh(&mut checked) {
            get(format!("/v1/catalog/items?limit={limit}")).await?;
        }
        counter.reset();
        let started = Instant::now();
        let body = get(path.clone()).await?;
        page_sample.latencies.push(ms(started.elapsed()));
        page_sample.requests.push(counter.total());
        let got = body["items"].as_array().map(Vec::len).unwrap_or(0);
        if got == 0
            || body["items"][0]["price"].is_null()
            || body["items"][0]["availability"].is_null()
        {
            return Err(format!("{path}: expected priced items, got {body}"));
        }
        cursors.insert(filter, body["next_cursor"].as_str().map(str::to_string));
    }

    // Search: word prefixes of 3-6 letters, one or two words.
    let mut search_sample = Sample::new();
    let mut found = 0usize;
    for n in 0..searches {
        let word = WORDS[rng.below(WORDS.len())];
        let prefix: String = word.chars().take(3 + n % 4).collect();
        let q = if n % 4 == 3 {
            format!("{prefix}%20{}", &WORDS[rng.below(WORDS.len())][..2])
        } else {
            prefix
        };
        if refresh(&mut checked) {
            get(format!("/v1/catalog/items?limit={limit}")).await?;
        }
        counter.reset();
        let started = Instant::now();
        let body = get(format!("/v1/catalog/items?limit={limit}&q={q}")).await?;
        search_sample.latencies.push(ms(started.elapsed()));
        search_sample.requests.push(counter.total());
        found += body["items"].as_array().map(Vec::len).unwrap_or(0);
        if counter.count("Scan") > 0 {
            return Err("search scanned the table".into());
        }
    }

    // One raw DynamoDB Local request, same client configuration, same run.
    let mut raw_sample = Sample::new();
    for _ in 0..raw_requests {
        let pk = keys::item_pk(&sku(rng.below(items)));
        let started = Instant::now();
        app.store
            .get_item(&pk, keys::ITEM_SK)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("a seeded item is missing")?;
        raw_sample.latencies.push(ms(started.elapsed()));
    }

    // The DynamoDB work of one page on its own, sent directly with the same client: the
    // context BatchGet, the page Query, and the BatchGet of prices and stock for the SKUs the
    // Query returned. On DynamoDB Local a BatchGet costs roughly one key lookup per key, so
    // this floor, not 3 x GetItem, is what the page's latency should be compared with.
    let mut floor_sample = Sample::new();
    let mut batch_sample = Sample::new();
    for n in 0..raw_requests {
        let started = Instant::now();
        app.store
            .batch_get_items(vec![
                (
                    keys::customer_pk("BENCH"),
                    keys::CUSTOMER_PROFILE_SK.to_string(),
                ),
                (keys::SETTINGS_PK.to_string(), keys::SETTINGS_SK.to_string()),
            ])
            .await
            .map_err(|e| e.to_string())?;
        let spec = shared::store::QuerySpec::index(
            keys::GSI2,
            keys::item_type_index_pk(&format!("tipo-{}", n % TYPES)),
        )
        .limit(limit as i32);
        let (page, _) = app
            .store
            .query_items(&spec)
            .await
            .map_err(|e| e.to_string())?;
        let skus: Vec<Sku> = page
            .into_iter()
            .filter_map(|raw| shared::store::from_item::<shared::catalog::Item>(raw).ok())
            .map(|i| i.sku)
            .collect();
        let mut wanted = shared::pricing::price_keys(&customer, &skus);
        for w in WAREHOUSES {
            wanted.push((keys::warehouse_pk(w), keys::META_SK.to_string()));
            wanted.extend(
                skus.iter()
                    .map(|sku| (keys::warehouse_pk(w), keys::stock_sk(sku.as_str()))),
            );
        }
        let batch_started = Instant::now();
        app.store
            .batch_get_items(wanted)
            .await
            .map_err(|e| e.to_string())?;
        batch_sample.latencies.push(ms(batch_started.elapsed()));
        floor_sample.latencies.push(ms(started.elapsed()));
    }

    let requests_per_page = page_sample.median_requests();
    let raw_p50 = raw_sample.p(50.0);
    let ratio = page_sample.p(50.0) / (raw_p50 * requests_per_page.max(1) as f64);
    let floor_p50 = floor_sample.p(50.0);
    let vs_floor = page_sample.p(50.0) / floor_p50.max(f64::EPSILON);
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    let mut figures: BTreeMap<&str, Value> = BTreeMap::new();
    figures.insert("catalog_items_seeded", json!(items));
    figures.insert("catalog_page_size", json!(limit));
    figures.insert("catalog_page_p50_ms", json!(round(page_sample.p(50.0))));
    figures.insert("catalog_page_p99_ms", json!(round(page_sample.p(99.0))));
    figures.insert("catalog_page_ddb_requests", json!(requests_per_page));
    figures.insert(
        "catalog_page_ddb_requests_max",
        json!(page_sample.max_requests()),
    );
    figures.insert("search_p50_ms", json!(round(search_sample.p(50.0))));
    figures.insert("search_p99_ms", json!(round(search_sample.p(99.0))));
    figures.insert(
        "search_ddb_requests_max",
        json!(search_sample.max_requests()),
    );
    figures.insert("ddb_raw_request_p50_ms", json!(round(raw_p50)));
    figures.insert("catalog_overhead_ratio", json!(round(ratio)));
    figures.insert("catalog_page_ddb_floor_p50_ms", json!(round(floor_p50)));
    figures.insert(
        "catalog_page_batch_get_p50_ms",
        json!(round(batch_sample.p(50.0))),
    );
    figures.insert("catalog_overhead_vs_floor", json!(round(vs_floor)));

    println!();
    println!("catalog bench: {items} items, pages of {limit} with prices and availability in {} warehouses", WAREHOUSES.len());
    println!(
        "  catalog page  p50 {:>8.2} ms   p99 {:>8.2} ms   ({pages} requests)",
        page_sample.p(50.0),
        page_sample.p(99.0)
    );
    println!("  search        p50 {:>8.2} ms   p99 {:>8.2} ms   ({searches} requests, {found} items found)", search_sample.p(50.0), search_sample.p(99.0));
    println!(
        "  DynamoDB requests per page: {requests_per_page} (max {}), per search: max {}",
        page_sample.max_requests(),
        search_sample.max_requests()
    );
    println!("  raw DynamoDB Local GetItem p50 {raw_p50:>8.2} ms");
    println!(
        "  the page's own 3 DynamoDB requests sent directly: p50 {floor_p50:>8.2} ms (of which the ~100-key BatchGet p50 {:.2} ms)",
        batch_sample.p(50.0)
    );
    println!("  API overhead over that floor = page p50 / floor p50 = {vs_floor:.2}");
    println!(
        "  overhead ratio = page p50 / (raw p50 x requests per page) = {ratio:.2} (target <= 1.5)"
    );
    let path = write_results(&figures)?;
    println!("  written to {}", path.display());

    server.abort();
    drop_table(&app.store).await;
    Ok(())
}

/// Each part seeds its own table in DynamoDB Local's memory: dropped when the part is done.
async fn drop_table(store: &shared::store::Store) {
    let _ = store
        .client()
        .delete_table()
        .table_name(store.table())
        .send()
        .await;
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
