//! Shared setup of the catalog tests: a fresh table per test, the catalog router, tokens, and
//! fixtures written the way the other functions write them.
#![allow(dead_code)]

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::accounts::fixtures;
use shared::auth::{Permissions, Principal, StaffRole};
use shared::customers::profile::customer_keys;
use shared::customers::Customer;
use shared::settings::Settings;
use shared::store::counter::RequestCounter;
use shared::testing::{call, call_raw, TestEnv, TestResponse};

pub struct Ctx {
    pub env: TestEnv,
    pub router: axum::Router,
    pub admin: String,
    pub agent: String,
}

impl Ctx {
    pub async fn new() -> Self {
        Self::from_env(TestEnv::new().await).await
    }

    /// With a counter of every DynamoDB request the app makes.
    pub async fn counted() -> (Self, RequestCounter) {
        let (env, counter) = TestEnv::with_request_counter().await;
        (Self::from_env(env).await, counter)
    }

    async fn from_env(env: TestEnv) -> Self {
        let router = catalog::router(env.app());
        // Requests check the staff item behind a token, so both staff members exist.
        for (id, email, name, role) in [
            ("admin-1", "ada@seller.com", "Ada Admin", StaffRole::Admin),
            ("agent-1", "alan@seller.com", "Alan Agent", StaffRole::Agent),
        ] {
            fixtures::put_staff_with_id(&env.app, id, email, name, role, None).await;
        }
        let secret = &env.app.config.jwt_secret;
        let admin = Principal::staff("admin-1", "Ada Admin", StaffRole::Admin, 30).token(secret);
        let agent = Principal::staff("agent-1", "Alan Agent", StaffRole::Agent, 30).token(secret);
        Self {
            env,
            router,
            admin,
            agent,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        call(&self.router, method, path, token, body).await
    }

    /// Imports a file as an admin; panics unless it succeeds. Returns the report.
    pub async fn import_ok(&self, kind: &str, format: &str, body: &str) -> Value {
        let res = self.import(kind, format, body).await;
        assert_eq!(res.status, StatusCode::OK, "{kind} import: {}", res.json);
        res.json
    }

    pub async fn import(&self, kind: &str, format: &str, body: &str) -> TestResponse {
        let content_type = if format == "csv" {
            "text/csv"
        } else {
            "application/json"
        };
        call_raw(
            &self.router,
            "POST",
            &format!("/v1/admin/items/import?kind={kind}&format={format}"),
            Some(&self.admin),
            Some(body.as_bytes().to_vec()),
            &[("content-type", content_type)],
        )
        .await
    }

    /// A contact of the (active) customer with an active access, and its session token.
    pub async fn contact_token(&self, customer_id: &str) -> String {
        fixtures::contact_session(
            &self.env.app,
            customer_id,
            &format!("buyer@{customer_id}.example.com"),
            "Bea Buyer",
            Permissions::all(),
        )
        .await
    }

    /// Writes an active customer with its price list, warehouses and catalog access; returns
    /// a contact token of it.
    pub async fn customer(
        &self,
        id: &str,
        price_list: Option<&str>,
        warehouses: &[&str],
        access: Value,
    ) -> String {
        let now = shared::types::now_rfc3339();
        // Built from JSON so fields the customer model adds later take their defaults.
        let customer: Customer = serde_json::from_value(json!({
            "id": id,
            "status": "active",
            "name": format!("Customer {id}"),
            "tax_id": format!("TAX-{id}"),
            "email": format!("office@{id}.example.com"),
            "price_list_id": price_list,
            "warehouse_ids": warehouses,
            "default_warehouse_id": warehouses.first(),
            "catalog_access": access,
            "created_at": now,
            "updated_at": now,
        }))
        .expect("customer fixture");
        self.env
            .app
            .store
            .put(&customer_keys(&customer), &customer)
            .await
            .expect("put customer");
        self.contact_token(id).await
    }

    pub async fn price_list(&self, id: &str, currency: &str) {
        let input = serde_json::from_value(
            json!({"id": id, "name": format!("List {id}"), "currency": currency}),
        )
        .expect("price list input");
        shared::pricing::admin::create_price_list(&self.env.app.store, input)
            .await
            .expect("create price list");
    }

    pub async fn warehouse(&self, id: &str) {
        let res = self
            .call(
                "POST",
                "/v1/admin/warehouses",
                Some(&self.admin),
                Some(json!({"id": id, "name": format!("Warehouse {id}")})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    }

    pub async fn settings(&self, change: impl FnOnce(&mut Settings)) {
        let mut settings = shared::settings::load(&self.env.app.store).await.unwrap();
        change(&mut settings);
        shared::settings::save(&self.env.app.store, &settings)
            .await
            .unwrap();
    }

    /// Every SKU of a listing, following the cursors (bounded).
    pub async fn all_skus(&self, query: &str, token: Option<&str>) -> Vec<String> {
        let mut skus = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..200 {
            let mut path = format!("/v1/catalog/items?{query}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let res = self.call("GET", &path, token, None).await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
            for item in res.json["items"].as_array().unwrap() {
                skus.push(item["sku"].as_str().unwrap().to_string());
            }
            match res.json["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return skus,
            }
        }
        panic!("listing {query} did not end");
    }
}

/// An items CSV: `(sku, name, type, brand)` rows, unit `piece`, tax 0.16.
pub fn items_csv(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut csv = String::from("sku,name,item_type,brand,unit,tax_rate\n");
    for (sku, name, item_type, brand) in rows {
        csv.push_str(&format!("{sku},{name},{item_type},{brand},piece,0.16\n"));
    }
    csv
}

/// A problem+json 4xx naming `field` among its errors.
pub fn assert_problem(res: &TestResponse, status: StatusCode, field: &str) {
    assert_eq!(res.status, status, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json"),
        "{}",
        res.json
    );
    let fields: Vec<&str> = res.json["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&field),
        "expected an error naming {field}: {}",
        res.json
    );
}
