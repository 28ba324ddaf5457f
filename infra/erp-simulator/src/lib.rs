//! A reference ERP for contract v1 (docs/erp-contract.md), for the tests and `make dev`.
//!
//! - `POST /orders`: takes an order event, answers an acknowledgement with the ERP's order
//!   number; idempotent by `event_id` (a repeat gets the same answer and is not recorded twice).
//!   Refuses (409) an event of an order it never saw placed, or older than one it has: what a
//!   real ERP would do with events out of order.
//! - `GET /changes?since=<cursor>&limit=<n>`: the changes fed to it, in order.
//! - `GET /received`: every order event received, in arrival order (first deliveries only).
//! - `POST /feed` `{kind, records}`: adds changes (tests and the demo).
//! - `POST /reject` `{order_id, reject}`: refuse (422) every event of an order (a poison message).
//!
//! It behaves like an ERP with stock: stock it was fed goes down when it takes an order and
//! back up when the order is cancelled, and each change is published as a new stock record.
//!
//! The state outlives the server: [`Simulator::start`] and [`Running::stop`] play an outage.
//! With a state file ([`Simulator::with_state_file`], as `make dev` runs it), it also outlives
//! the process: stopping and starting the simulator plays an outage of a real ERP, which keeps
//! what it received.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::sync::erp::{
    ChangeSet, ChangesPage, OrderAck, OrderEventMessage, OrderEventType, CONTRACT,
};
use shared::sync::records::RecordKind;

#[derive(Debug, Default, Serialize, Deserialize)]
struct ErpOrder {
    number: String,
    sequence: u32,
    /// Lines taken from stock (warehouse, sku, quantity), given back on cancel.
    taken: Vec<(String, String, i64)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SimState {
    received: Vec<OrderEventMessage>,
    acks: HashMap<String, OrderAck>,
    orders: HashMap<String, ErpOrder>,
    next_number: u64,
    feed: Vec<(RecordKind, Value)>,
    /// (warehouse, sku) -> (on hand, version) of the stock it was fed.
    #[serde(with = "stock_map")]
    stock: HashMap<(String, String), (i64, u64)>,
    rejected_orders: HashSet<String>,
    /// Events refused for arriving out of order (the portal must never cause one).
    out_of_order: Vec<String>,
}

/// JSON objects need string keys: the stock map is kept as a list of entries.
mod stock_map {
    use std::collections::HashMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Entry = ((String, String), (i64, u64));
    type StockMap = HashMap<(String, String), (i64, u64)>;

    pub fn serialize<S: Serializer>(map: &StockMap, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<Entry> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
        entries.sort();
        entries.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<StockMap, D::Error> {
        Ok(Vec::<Entry>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

impl SimState {
    fn feed_record(&mut self, kind: RecordKind, record: Value) {
        if kind == RecordKind::Stock {
            if let (Some(wh), Some(sku), Some(on_hand)) = (
                record["warehouse_id"].as_str(),
                record["sku"].as_str(),
                record["on_hand"].as_i64(),
            ) {
                let version = record["version"].as_u64().unwrap_or(0);
                self.stock
                    .insert((wh.to_string(), sku.to_uppercase()), (on_hand, version));
            }
        }
        self.feed.push((kind, record));
    }

    /// Moves stock it knows and publishes the new figure as a change.
    fn adjust_stock(&mut self, warehouse: &str, sku: &str, delta: i64) -> bool {
        let key = (warehouse.to_string(), sku.to_uppercase());
        let Some((on_hand, version)) = self.stock.get(&key).copied() else {
            return false;
        };
        let updated = (on_hand + delta).max(0);
        self.stock.insert(key, (updated, version + 1));
        self.feed.push((
            RecordKind::Stock,
            json!({"warehouse_id": warehouse, "sku": sku, "on_hand": updated, "version": version + 1}),
        ));
        true
    }
}

/// The simulator's state and configuration; cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Simulator {
    state: Arc<Mutex<SimState>>,
    api_key: Option<String>,
    online: Arc<AtomicBool>,
    /// Where the state is kept between runs (written after every change).
    state_file: Option<std::path::PathBuf>,
}

/// A started server; [`Running::stop`] (or dropping it) takes it down.
pub struct Running {
    addr: SocketAddr,
    online: Arc<AtomicBool>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops answering: the port is closed, and connections still open get 503 and are
    /// closed. Waits until the server is down.
    pub async fn stop(mut self) {
        self.halt();
        if let Some(task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut Box::pin(task))
                .await
                .is_err()
            {
                tracing::warn!("erp-simulator: shutdown timed out");
            }
        }
    }

    fn halt(&mut self) {
        self.online.store(false, Ordering::SeqCst);
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.halt();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Simulator {
    /// `api_key`: the key callers must send in `X-Api-Key` (none: any caller).
    pub fn new(api_key: Option<String>) -> Self {
        Self {
            api_key,
            ..Default::default()
        }
    }

    /// Keeps its state in `path`: loads it when the file exists (answers whether it did), and
    /// writes it after every change.
    pub fn with_state_file(
        mut self,
        path: impl Into<std::path::PathBuf>,
    ) -> std::io::Result<(Self, bool)> {
        let path = path.into();
        let loaded = match std::fs::read(&path) {
            Ok(bytes) => {
                let state: SimState = serde_json::from_slice(&bytes).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", path.display()),
                    )
                })?;
                *self.lock() = state;
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        self.state_file = Some(path);
        Ok((self, loaded))
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the state file (a temporary file renamed over it, so a crash never leaves half a
    /// file). Called with the lock held, so writes never interleave.
    fn save(&self, state: &SimState) {
        let Some(path) = &self.state_file else {
            return;
        };
        let written = serde_json::to_vec_pretty(state)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                let tmp = path.with_extension("tmp");
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, path)
            });
        if let Err(e) = written {
            tracing::warn!(error = %e, path = %path.display(), "erp-simulator: cannot save its state");
        }
    }

    /// Serves on `addr` (`127.0.0.1:0` for any free port). Retries a few times while the
    /// port is still held by a server just stopped.
    pub async fn start(&self, addr: &str) -> std::io::Result<Running> {
        let mut attempt = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(listener) => break listener,
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && attempt < 50 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let local = listener.local_addr()?;
        self.online.store(true, Ordering::SeqCst);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = self.router();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "erp-simulator stopped");
            }
        });
        Ok(Running {
            addr: local,
            online: Arc::clone(&self.online),
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
            .route("/orders", post(post_order))
            .route("/changes", get(get_changes))
            .route("/received", get(get_received))
            .route("/feed", post(post_feed))
            .route("/reject", post(post_reject))
            .with_state(self.clone())
    }

    /// Order events received, in arrival order (each event once).
    pub fn received(&self) -> Vec<OrderEventMessage> {
        self.lock().received.clone()
    }

    /// Events refused for coming out of order.
    pub fn out_of_order(&self) -> Vec<String> {
        self.lock().out_of_order.clone()
    }

    /// The ERP's order number of a portal order it has.
    pub fn erp_number(&self, order_id: &str) -> Option<String> {
        self.lock().orders.get(order_id).map(|o| o.number.clone())
    }

    /// Adds changes the next pulls return.
    pub fn feed(&self, kind: RecordKind, records: Vec<Value>) {
        let mut state = self.lock();
        for record in records {
            state.feed_record(kind, record);
        }
        self.save(&state);
    }

    /// Refuses (or accepts again) every event of an order.
    pub fn reject_order(&self, order_id: &str, reject: bool) {
        let mut state = self.lock();
        if reject {
            state.rejected_orders.insert(order_id.to_string());
        } else {
            state.rejected_orders.remove(order_id);
        }
        self.save(&state);
    }

    /// The stock it holds for a SKU in a warehouse (after the orders it took).
    pub fn stock(&self, warehouse: &str, sku: &str) -> Option<i64> {
        self.lock()
            .stock
            .get(&(warehouse.to_string(), sku.to_uppercase()))
            .map(|s| s.0)
    }

    /// A small demo catalog for `make dev`: changes to the portal's demo items and stock, a
    /// new item with its price and stock, the demo customer Acme (linked by its tax id) with
    /// its credit, and three of its documents.
    pub fn load_demo(&self) {
        let today = chrono::Utc::now().date_naive();
        let day = |offset: i64| {
            (today + chrono::Duration::days(offset))
                .format("%Y-%m-%d")
                .to_string()
        };
        self.feed(
            RecordKind::Customers,
            vec![json!({
                "erp_key": "CLI-ACME", "name": "Ferretería Acme", "legal_name": "Ferretería Acme S.A. de C.V.",
                "tax_id": "FAC010101AB1", "email": "compras@acme.example",
                "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "60000.00", "currency": "MXN"},
                "version": 1
            })],
        );
        self.feed(
            RecordKind::Items,
            vec![json!({
                "sku": "HAM-16", "name": "Martillo de uña 16 oz", "item_type": "Herramientas", "brand": "Truper",
                "unit": "piece", "tax_rate": "0.16", "version": 1
            })],
        );
        self.feed(
            RecordKind::Prices,
            vec![
                json!({"price_list_id": "MAYOREO", "currency": "MXN", "sku": "HAM-16", "unit_price": "189.00", "version": 1}),
                json!({"price_list_id": "DISTRIB", "currency": "MXN", "sku": "HAM-16", "unit_price": "179.00", "version": 1}),
            ],
        );
        self.feed(
            RecordKind::Stock,
            vec![
                json!({"warehouse_id": "MTY", "sku": "HAM-16", "on_hand": 120, "version": 1}),
                json!({"warehouse_id": "GDL", "sku": "HAM-16", "on_hand": 60, "version": 1}),
                json!({"warehouse_id": "MTY", "sku": "DRL-500", "on_hand": 40, "version": 1}),
                json!({"warehouse_id": "MTY", "sku": "SCR-4X40", "on_hand": 500, "version": 1}),
            ],
        );
        let line = |sku: &str, description: &str, quantity: &str, price: &str, total: &str| {
            json!({"sku": sku, "description": description, "quantity": quantity, "unit": "piece",
                   "unit_price": price, "tax_rate": "0.16", "total": total})
        };
        self.feed(
            RecordKind::Documents,
            vec![
                json!({
                    "erp_key": "FAC-A-1001", "kind": "invoice", "number": "A-1001", "customer_erp_key": "CLI-ACME",
                    "issued_on": day(-45), "due_on": day(-15), "currency": "MXN",
                    "lines": [line("DRL-500", "Taladro percutor 500 W", "4", "1250.00", "5000.00")],
                    "subtotal": "5000.00", "tax": "800.00", "total": "5800.00", "paid": "2000.00",
                    "issuer": {"name": "Distribuidora Demo S.A. de C.V.", "tax_id": "DDE990101AA1", "address": "Av. Industrial 100, Monterrey, N.L."},
                    "version": 1
                }),
                json!({
                    "erp_key": "FAC-A-1002", "kind": "invoice", "number": "A-1002", "customer_erp_key": "CLI-ACME",
                    "issued_on": day(-5), "due_on": day(25), "currency": "MXN",
                    "lines": [line("SCR-4X40", "Tornillo para madera 4x40 (caja 100)", "20", "89.50", "1790.00")],
                    "subtotal": "1790.00", "tax": "286.40", "total": "2076.40", "paid": "0",
                    "issuer": {"name": "Distribuidora Demo S.A. de C.V.", "tax_id": "DDE990101AA1", "address": "Av. Industrial 100, Monterrey, N.L."},
                    "version": 1
                }),
                json!({
                    "erp_key": "REC-0501", "kind": "receipt", "number": "R-0501", "customer_erp_key": "CLI-ACME",
                    "issued_on": day(-20), "currency": "MXN", "lines": [],
                    "subtotal": "2000.00", "tax": "0", "total": "2000.00", "paid": "2000.00",
                    "references": ["A-1001"], "version": 1
                }),
            ],
        );
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// `None` when the call may go on; the answer to give otherwise.
fn gate(sim: &Simulator, headers: &HeaderMap) -> Option<Response> {
    if !sim.online.load(Ordering::SeqCst) {
        // Stopped, but a connection opened before is still there: close it.
        return Some(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::CONNECTION, "close")],
                "stopped",
            )
                .into_response(),
        );
    }
    if let Some(key) = &sim.api_key {
        let presented = headers.get("x-api-key").and_then(|v| v.to_str().ok());
        if presented != Some(key.as_str()) {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "missing or wrong X-Api-Key",
            ));
        }
    }
    None
}

async fn post_order(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(refused) = gate(&sim, &headers) {
        return refused;
    }
    let message: OrderEventMessage = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("not an order event of contract v1: {e}"),
            )
        }
    };
    if message.contract != CONTRACT {
        return error(
            StatusCode::BAD_REQUEST,
            format!("unknown contract {}", message.contract),
        );
    }
    let mut state = sim.lock();
    if let Some(ack) = state.acks.get(&message.event_id) {
        return (StatusCode::OK, Json(ack.clone())).into_response();
    }
    let order_id = message.order.id.clone();
    if state.rejected_orders.contains(&order_id) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("order {order_id} is refused"),
        );
    }
    let known = state.orders.get(&order_id).map(|o| o.sequence);
    match (message.event_type, known) {
        (OrderEventType::Placed, None) => {
            state.next_number += 1;
            let number = format!("SO-{:06}", state.next_number);
            let mut taken = Vec::new();
            for line in &message.order.lines {
                let warehouse = message.order.warehouse_id.clone();
                if state.adjust_stock(&warehouse, &line.sku, -line.quantity) {
                    taken.push((warehouse, line.sku.clone(), line.quantity));
                }
            }
            state.orders.insert(
                order_id.clone(),
                ErpOrder {
                    number,
                    sequence: message.sequence,
                    taken,
                },
            );
        }
        (OrderEventType::Placed, Some(_)) => {}
        (_, Some(sequence)) if message.sequence > sequence => {
            if message.event_type == OrderEventType::Cancelled {
                let taken = state
                    .orders
                    .get_mut(&order_id)
                    .map(|o| std::mem::take(&mut o.taken))
                    .unwrap_or_default();
                for (warehouse, sku, quantity) in taken {
                    state.adjust_stock(&warehouse, &sku, quantity);
                }
            }
            if let Some(order) = state.orders.get_mut(&order_id) {
                order.sequence = message.sequence;
            }
        }
        (kind, known) => {
            let what = format!(
                "{} of order {order_id} (sequence {}) after {:?}",
                kind.as_str(),
                message.sequence,
                known
            );
            state.out_of_order.push(what.clone());
            sim.save(&state);
            return error(StatusCode::CONFLICT, format!("out of order: {what}"));
        }
    }
    let ack = OrderAck {
        event_id: message.event_id.clone(),
        erp_number: state.orders.get(&order_id).map(|o| o.number.clone()),
        received_at: Some(chrono::Utc::now().to_rfc3339()),
    };
    state.acks.insert(message.event_id.clone(), ack.clone());
    state.received.push(message);
    sim.save(&state);
    (StatusCode::OK, Json(ack)).into_response()
}

#[derive(Deserialize)]
struct ChangesQuery {
    since: Option<String>,
    limit: Option<usize>,
}

async fn get_changes(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Query(query): Query<ChangesQuery>,
) -> Response {
    if let Some(refused) = gate(&sim, &headers) {
        return refused;
    }
    let start: usize = match query.since.as_deref().map(str::parse) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "since must be a cursor this ERP gave",
            )
        }
    };
    let limit = query.limit.unwrap_or(1000).clamp(1, 10_000);
    let state = sim.lock();
    let end = (start + limit).min(state.feed.len());
    let mut changes = ChangeSet::default();
    for (kind, record) in state.feed.get(start..end).unwrap_or_default() {
        let list = match kind {
            RecordKind::Items => &mut changes.items,
            RecordKind::Prices => &mut changes.prices,
            RecordKind::Stock => &mut changes.stock,
            RecordKind::Customers => &mut changes.customers,
            RecordKind::Documents => &mut changes.documents,
        };
        list.push(record.clone());
    }
    // Within a page, newer records of the same key win (one record per key and page).
    for list in [
        &mut changes.stock,
        &mut changes.items,
        &mut changes.prices,
        &mut changes.customers,
        &mut changes.documents,
    ] {
        let mut seen = HashSet::new();
        let mut kept: Vec<Value> = list
            .iter()
            .rev()
            .filter(|r| {
                let key = format!(
                    "{}|{}|{}|{}",
                    r["warehouse_id"], r["price_list_id"], r["sku"], r["erp_key"]
                );
                seen.insert(key)
            })
            .cloned()
            .collect();
        kept.reverse();
        *list = kept;
    }
    Json(ChangesPage {
        cursor: end.max(start).to_string(),
        has_more: end < state.feed.len(),
        changes,
    })
    .into_response()
}

async fn get_received(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&sim, &headers) {
        return refused;
    }
    Json(sim.received()).into_response()
}

#[derive(Deserialize)]
struct Feed {
    kind: RecordKind,
    records: Vec<Value>,
}

async fn post_feed(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Json(feed): Json<Feed>,
) -> Response {
    if let Some(refused) = gate(&sim, &headers) {
        return refused;
    }
    let count = feed.records.len();
    sim.feed(feed.kind, feed.records);
    Json(json!({"added": count, "cursor": sim.lock().feed.len().to_string()})).into_response()
}

#[derive(Deserialize)]
struct Reject {
    order_id: String,
    #[serde(default = "yes")]
    reject: bool,
}

fn yes() -> bool {
    true
}

async fn post_reject(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Json(body): Json<Reject>,
) -> Response {
    if let Some(refused) = gate(&sim, &headers) {
        return refused;
    }
    sim.reject_order(&body.order_id, body.reject);
    Json(json!({"order_id": body.order_id, "rejected": body.reject})).into_response()
}
