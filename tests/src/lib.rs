//! Harness of the cross-function tests (bad input, isolation): a fresh local stack, every HTTP
//! function's router called in-process, each request handed to the function that documents the
//! route (as API Gateway routes it), and fixtures created through the admin API itself.
//!
//! The journey test serves the whole API over real HTTP instead, through the dev server's
//! runtime ([`stack`]).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use dev_server::consumers::{deliver_batch, Queue};
use serde_json::{json, Value};
use shared::accounts::fixtures;
use shared::auth::{Permissions, Principal, StaffRole};
use shared::customers::{AccessState, Contact};
use shared::staff::StaffUser;
use shared::store::keys;
use shared::sync::SyncSettings;
use shared::testing::{call_raw, TestEnv, TestResponse};

/// The key the ERP presents in `X-Api-Key` in these tests.
pub const ERP_KEY: &str = "e2e-inbound-erp-key-0123456789";
pub const PRICE_LIST: &str = "PL1";
pub const WAREHOUSE: &str = "W1";
pub const CURRENCY: &str = "MXN";

/// HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// One documented operation: which function serves it, its method, path template and operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub function: &'static str,
    pub method: String,
    pub path: String,
    pub op: Value,
}

/// Every operation of every HTTP function, from `openapi_doc::function_docs()`, with the merged
/// `components` (schemas) to resolve `$ref`s.
pub fn operations() -> (Vec<Operation>, Value) {
    let mut ops = Vec::new();
    let mut schemas = serde_json::Map::new();
    for (function, doc) in openapi_doc::function_docs() {
        let doc = serde_json::to_value(doc).expect("doc serialises");
        if let Some(s) = doc["components"]["schemas"].as_object() {
            schemas.extend(s.clone());
        }
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    ops.push(Operation {
                        function,
                        method: method.to_uppercase(),
                        path: path.clone(),
                        op: op.clone(),
                    });
                }
            }
        }
    }
    (ops, Value::Object(schemas))
}

/// Whether a concrete path (no query) matches a template such as `/v1/orders/{id}`; the score
/// counts literal segments, so `/v1/admin/items/export` beats `/v1/admin/items/{sku}`.
pub fn template_score(template: &str, path: &str) -> Option<usize> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut literal = 0;
    for (a, b) in t.iter().zip(&p) {
        if a.starts_with('{') && a.ends_with('}') {
            if b.is_empty() {
                return None;
            }
        } else if a == b {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

/// The function serving `method path`, as API Gateway routes it: the documented route whose
/// template matches best; for a path documented only with other methods, its function (which
/// answers 405).
pub fn function_of(ops: &[Operation], method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let best = |same_method: bool| {
        ops.iter()
            .filter(|o| !same_method || o.method.eq_ignore_ascii_case(method))
            .filter_map(|o| template_score(&o.path, path).map(|s| (s, o.function)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, f)| f)
    };
    best(true).or_else(|| best(false))
}

/// The erp-sync settings of these tests: the ERP presents [`ERP_KEY`], and a failed call to
/// the ERP is retried at once (no backoff to wait for).
pub fn erp_settings() -> SyncSettings {
    SyncSettings {
        inbound_api_key: Some(ERP_KEY.into()),
        retry_base_seconds: 0,
        ..SyncSettings::default()
    }
}

/// The world of a test: the stack, the routers, an admin and the sample data.
pub struct World {
    pub env: TestEnv,
    /// The erp-sync function's state (its worker applies inbound batches).
    pub sync: erp_sync::SyncState,
    routers: BTreeMap<&'static str, axum::Router>,
    ops: Vec<Operation>,
    pub admin: StaffUser,
    pub admin_token: String,
}

impl World {
    /// A fresh stack, an admin, and the price list `PL1` (MXN) and warehouse `W1`, created
    /// through the admin API.
    pub async fn new() -> Self {
        let env = TestEnv::new().await;
        let sqs = aws_sdk_sqs::Client::new(&env.sdk);
        let sync = dev_server::erp_sync_state(&env.app, &sqs, &env.queues, erp_settings());
        let routers = dev_server::function_routers(&env.app, &sync);
        let (admin, admin_token) = fixtures::staff_session(
            &env.app,
            "boss@seller.example",
            "Bea Boss",
            StaffRole::Admin,
        )
        .await;
        let world = Self {
            env,
            sync,
            routers,
            ops: operations().0,
            admin,
            admin_token,
        };
        world.price_list(PRICE_LIST, CURRENCY).await;
        world.warehouse(WAREHOUSE).await;
        world
    }

    /// The function serving `method path`.
    pub fn function_of(&self, method: &str, path: &str) -> &'static str {
        function_of(&self.ops, method, path)
            .unwrap_or_else(|| panic!("no function documents {method} {path}"))
    }

    /// Calls a route with a raw body and extra headers, through the function that serves it.
    pub async fn call_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let function = self.function_of(method, path);
        let router = self.routers.get(function).unwrap_or_else(|| {
            panic!("dev_server::function_routers has no router for function `{function}`")
        });
        call_raw(router, method, path, token, body, headers).await
    }

    /// Calls a route with an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let raw = body.map(|b| b.to_string().into_bytes());
        self.call_raw(method, path, token, raw, &[]).await
    }

    /// An admin call that must succeed (2xx); returns the JSON answer.
    pub async fn admin(&self, method: &str, path: &str, body: Value) -> Value {
        let body = (!body.is_null()).then_some(body);
        let res = self.call(method, path, Some(&self.admin_token), body).await;
        assert!(
            res.status.is_success(),
            "{method} {path} -> {}: {}",
            res.status,
            res.json
        );
        res.json
    }

    pub async fn price_list(&self, id: &str, currency: &str) {
        self.admin(
            "POST",
            "/v1/admin/price-lists",
            json!({"id": id, "name": format!("List {id}"), "currency": currency}),
        )
        .await;
    }

    pub async fn warehouse(&self, id: &str) {
        self.admin(
            "POST",
            "/v1/admin/warehouses",
            json!({"id": id, "name": format!("Warehouse {id}")}),
        )
        .await;
    }

    /// An active item with a price in `PL1` and `on_hand` units in `W1`.
    pub async fn item(&self, sku: &str, price: &str, on_hand: i64) {
        self.admin(
            "POST",
            "/v1/admin/items",
            json!({"sku": sku, "name": format!("Item {sku}"), "item_type": "tools",
                "brand": "Acme", "unit": "piece", "tax_rate": "0.16"}),
        )
        .await;
        self.admin(
            "PUT",
            &format!("/v1/admin/price-lists/{PRICE_LIST}/prices"),
            json!({"prices": [{"sku": sku, "unit_price": price}]}),
        )
        .await;
        self.admin(
            "PUT",
            &format!("/v1/admin/stock/{WAREHOUSE}/{sku}"),
            json!({"on_hand": on_hand}),
        )
        .await;
    }

    /// An active customer, ready to order (price list, cash terms, warehouse, shipping method),
    /// served by `agent_id` when given. Returns its id.
    pub async fn customer(&self, name: &str, agent_id: Option<&str>) -> String {
        let slug: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase();
        let res = self
            .admin(
                "POST",
                "/v1/admin/customers",
                json!({
                    "name": name, "tax_id": format!("TAX-{slug}"),
                    "email": format!("main@{slug}.example"),
                    "price_list_id": PRICE_LIST, "warehouse_ids": [WAREHOUSE],
                    "default_warehouse_id": WAREHOUSE, "shipping_method": "pickup",
                    "credit": {"terms": "CASH", "limit": "0", "currency": CURRENCY},
                    "agent_id": agent_id,
                }),
            )
            .await;
        let id = res["id"].as_str().expect("customer id").to_string();
        let readiness = self
            .admin(
                "GET",
                &format!("/v1/admin/customers/{id}/readiness"),
                Value::Null,
            )
            .await;
        assert_eq!(readiness["ready"], true, "customer {name}: {readiness}");
        id
    }

    /// A contact of the customer (created through the API) with an active access, and a
    /// session token for it.
    pub async fn contact(&self, customer_id: &str, email: &str, name: &str) -> String {
        self.admin(
            "POST",
            &format!("/v1/admin/customers/{customer_id}/contacts"),
            json!({"email": email, "name": name}),
        )
        .await;
        // The access itself is activated through the emailed invitation in the journey test;
        // here it is set directly so the tests need no mail round trip.
        let store = &self.env.app.store;
        let (pk, sk) = (keys::customer_pk(customer_id), keys::contact_sk(email));
        let mut contact: Contact = store.get(&pk, &sk).await.expect("get").expect("contact");
        contact.access = AccessState::Active;
        store
            .put(&shared::store::Keys::new(pk, sk), &contact)
            .await
            .expect("put contact");
        Principal::contact(email, name, customer_id, Permissions::all(), 60)
            .token(&self.env.app.config.jwt_secret)
    }

    /// A staff member of `role` (in the table) and a session token.
    pub async fn staff(&self, email: &str, name: &str, role: StaffRole) -> (StaffUser, String) {
        fixtures::staff_session(&self.env.app, email, name, role).await
    }

    /// A call of the ERP, with its API key.
    pub async fn erp(&self, method: &str, path: &str, body: Value) -> TestResponse {
        self.call_raw(
            method,
            path,
            None,
            Some(body.to_string().into_bytes()),
            &[("x-api-key", ERP_KEY)],
        )
        .await
    }

    /// Hands what waits on the erp-sync queue to its worker, as Lambda's event source mapping
    /// does, until the queue is empty (or after `rounds` batches).
    pub async fn run_erp_worker(&self, rounds: usize) {
        let sqs = aws_sdk_sqs::Client::new(&self.env.sdk);
        let queue = Queue::resolve(&sqs, "erp-sync", &self.env.queues.erp_sync_queue_url)
            .await
            .expect("erp-sync queue");
        for _ in 0..rounds {
            let delivery =
                deliver_batch(&sqs, &queue, 1, |event| erp_sync::handle(&self.sync, event))
                    .await
                    .expect("erp-sync batch");
            if delivery.received == 0 {
                return;
            }
        }
    }

    /// `POST /v1/orders` with an idempotency key, as a contact.
    pub async fn place_order(&self, token: &str, key: &str, lines: Value) -> TestResponse {
        self.call_raw(
            "POST",
            "/v1/orders",
            Some(token),
            Some(json!({"lines": lines}).to_string().into_bytes()),
            &[("idempotency-key", key)],
        )
        .await
    }

    /// Every item of the table, by key, in a comparable form (tests prove refused input wrote
    /// nothing by comparing two snapshots).
    pub async fn snapshot(&self) -> BTreeMap<(String, String), String> {
        let store = &self.env.app.store;
        let mut items = BTreeMap::new();
        let mut start = None;
        loop {
            let out = store
                .client()
                .scan()
                .table_name(store.table())
                .set_exclusive_start_key(start)
                .consistent_read(true)
                .send()
                .await
                .expect("scan");
            for item in out.items.unwrap_or_default() {
                let key = |name: &str| {
                    item.get(name)
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_default()
                };
                let k = (key("PK"), key("SK"));
                // As JSON: its objects are sorted maps, so equal items print equally.
                let value: Value = shared::store::from_item(item).expect("item as JSON");
                items.insert(k, value.to_string());
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return items,
            }
        }
    }

    /// Messages waiting in a queue (received with a short wait, left in place).
    pub async fn queue_depth(&self, queue_url: &str) -> usize {
        let sqs = aws_sdk_sqs::Client::new(&self.env.sdk);
        let out = sqs
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(
                aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            )
            .send()
            .await
            .expect("queue attributes");
        out.attributes
            .unwrap_or_default()
            .values()
            .filter_map(|v| v.parse::<usize>().ok())
            .sum()
    }
}

/// What differs between two table snapshots, for assertion messages.
pub fn snapshot_diff(
    before: &BTreeMap<(String, String), String>,
    after: &BTreeMap<(String, String), String>,
) -> Vec<String> {
    let mut diff = Vec::new();
    for (k, v) in after {
        match before.get(k) {
            None => diff.push(format!("added {} / {}", k.0, k.1)),
            Some(old) if old != v => diff.push(format!("changed {} / {}", k.0, k.1)),
            _ => {}
        }
    }
    for k in before.keys().filter(|k| !after.contains_key(*k)) {
        diff.push(format!("removed {} / {}", k.0, k.1));
    }
    diff
}

/// Checks an `application/problem+json` answer with `status`; returns the fields it names, or
/// what is wrong with the answer.
pub fn problem(res: &TestResponse, status: StatusCode, what: &str) -> Result<Vec<String>, String> {
    let shown = || String::from_utf8_lossy(&res.bytes[..res.bytes.len().min(400)]).into_owned();
    if res.status != status {
        return Err(format!(
            "{what}: expected {status}, got {} {}",
            res.status,
            shown()
        ));
    }
    let is_problem = res
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/problem+json"));
    if !is_problem || res.json["status"] != status.as_u16() {
        return Err(format!(
            "{what}: {status} but not a problem+json ({:?}): {}",
            res.content_type,
            shown()
        ));
    }
    Ok(res.json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str().map(str::to_string))
        .collect())
}

/// Asserts an `application/problem+json` answer with `status`; returns the fields it names.
pub fn problem_fields(res: &TestResponse, status: StatusCode, what: &str) -> Vec<String> {
    problem(res, status, what).unwrap_or_else(|e| panic!("{e}"))
}

/// The whole API served over real HTTP on an ephemeral port by the dev server's runtime (the
/// merged router, the queues handed to their consumers, the schedules), as `make dev` serves it.
pub mod stack {
    use std::time::Duration;

    use dev_server::{erp_sync_state, merged_router, spawn_background, Schedules};
    use shared::testing::TestEnv;

    pub struct RunningStack {
        pub env: TestEnv,
        /// `http://127.0.0.1:<port>`.
        pub base_url: String,
        /// The erp-sync function's state (settings: [`super::erp_settings`]).
        pub sync: erp_sync::SyncState,
        tasks: tokio::task::JoinSet<()>,
    }

    impl Drop for RunningStack {
        fn drop(&mut self) {
            self.tasks.abort_all();
        }
    }

    /// The tests' schedules: the outbox swept every 2 s so a missed relay shows up quickly.
    pub fn schedules() -> Schedules {
        Schedules {
            outbox_sweep: Duration::from_secs(2),
            expire_orders: Duration::from_secs(60),
            erp_sync: Duration::from_secs(dev_server::DEFAULT_ERP_SYNC_SECONDS),
        }
    }

    /// A fresh stack (table, bus, queues) served on 127.0.0.1:0.
    pub async fn start() -> RunningStack {
        let env = TestEnv::new().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let sqs = aws_sdk_sqs::Client::new(&env.sdk);
        let sync = erp_sync_state(&env.app, &sqs, &env.queues, super::erp_settings());
        let router = merged_router(&env.app, &sync);
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        spawn_background(&mut tasks, &env.app, &sync, &sqs, &env.queues, &schedules())
            .await
            .expect("queue pollers and schedules");
        RunningStack {
            env,
            base_url,
            sync,
            tasks,
        }
    }
}
