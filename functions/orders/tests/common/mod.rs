//! The world of the orders tests: a fresh local stack, an admin, customers, contacts, items,
//! prices and stock written straight to the table, and helpers to call the router.
#![allow(dead_code)]

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use axum::http::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use shared::accounts::fixtures;
use shared::auth::{Impersonator, Permissions, Principal, StaffRole};
use shared::catalog::Sku;
use shared::customers::profile::customer_keys;
use shared::customers::{
    AccessState, Contact, CreditSetting, Customer, CustomerStatus, PaymentTerms,
};
use shared::orders::credit::CreditRecord;
use shared::staff::StaffUser;
use shared::store::{self, keys, Keys};
use shared::testing::{call, call_raw, TestEnv, TestResponse};
use shared::types::{now_rfc3339, Email, Name, Phone};

pub const WH: &str = "W1";
pub const PL: &str = "PL1";

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub struct World {
    pub env: TestEnv,
    pub router: axum::Router,
    pub admin: StaffUser,
    pub admin_token: String,
}

/// How a test customer is set up (everything it needs to order by default).
#[derive(Clone)]
pub struct CustomerSpec {
    pub status: CustomerStatus,
    pub terms: PaymentTerms,
    pub limit: &'static str,
    pub cap: Option<&'static str>,
    pub shipping_method: Option<&'static str>,
    pub agent_id: Option<String>,
}

impl Default for CustomerSpec {
    fn default() -> Self {
        Self {
            status: CustomerStatus::Active,
            terms: PaymentTerms::Cash,
            limit: "0",
            cap: None,
            shipping_method: Some("pickup"),
            agent_id: None,
        }
    }
}

impl World {
    pub async fn new() -> Self {
        Self::from_env(TestEnv::new().await).await
    }

    pub async fn from_env(env: TestEnv) -> Self {
        let router = orders::router(env.app());
        let admin =
            fixtures::put_staff(&env.app, "boss@seller.com", "Boss", StaffRole::Admin, None).await;
        let admin_token = fixtures::staff_token(&env.app, &admin.id, "Boss", StaffRole::Admin);
        fixtures::put_price_list(&env.app, PL, "MXN").await;
        fixtures::put_warehouse(&env.app, WH).await;
        fixtures::put_warehouse(&env.app, "W2").await;
        let settings = shared::settings::Settings {
            seller_notification_emails: vec![Email::parse("sales@seller.com").unwrap()],
            ..Default::default()
        };
        shared::settings::save(&env.app.store, &settings)
            .await
            .unwrap();
        Self {
            env,
            router,
            admin,
            admin_token,
        }
    }

    pub fn store(&self) -> &store::Store {
        &self.env.app.store
    }

    pub async fn customer(&self, name: &str, spec: CustomerSpec) -> String {
        let id = shared::types::new_id();
        let mut c = Customer::new(
            &id,
            spec.status,
            Name::parse(name).unwrap(),
            Name::parse("TAX123").unwrap(),
            Email::parse(format!("main@{id}.mx")).unwrap(),
        );
        c.price_list_id = Some(PL.into());
        c.warehouse_ids = vec![WH.into(), "W2".into()];
        c.default_warehouse_id = Some(WH.into());
        c.shipping_method = spec.shipping_method.map(str::to_string);
        c.credit = Some(CreditSetting {
            terms: spec.terms,
            credit_days: 30,
            limit: d(spec.limit),
            currency: "MXN".into(),
        });
        c.open_orders_cap = spec.cap.map(d);
        c.agent_id = spec.agent_id;
        c.phone = Some(Phone::parse("+52 55 1111 2222").unwrap());
        self.store().put(&customer_keys(&c), &c).await.unwrap();
        id
    }

    /// An active contact of the customer, and its session token.
    pub async fn contact(
        &self,
        customer_id: &str,
        email: &str,
        permissions: Permissions,
    ) -> String {
        let mut contact = Contact::new(
            customer_id,
            Email::parse(email).unwrap(),
            Name::parse("Ana Pérez").unwrap(),
        );
        contact.permissions = permissions;
        contact.access = AccessState::Active;
        contact.phone = Some(Phone::parse("+52 55 8765 4321").unwrap());
        self.store()
            .put(
                &Keys::new(keys::customer_pk(customer_id), keys::contact_sk(email)),
                &contact,
            )
            .await
            .unwrap();
        Principal::contact(email, "Ana Pérez", customer_id, permissions, 60)
            .token(&self.env.app.config.jwt_secret)
    }

    /// A token of staff acting as the customer (F9).
    pub fn impersonation_token(&self, customer_id: &str) -> String {
        let mut p = Principal::contact(
            &format!("staff:{}", self.admin.id),
            "Boss",
            customer_id,
            Permissions::all(),
            30,
        );
        p.impersonated_by = Some(Impersonator {
            staff_id: self.admin.id.clone(),
            name: "Boss".into(),
        });
        p.token(&self.env.app.config.jwt_secret)
    }

    /// Items with a list price and stock in `W1`, written in batches.
    pub async fn items(&self, skus: &[String], price: &str, on_hand: i64) {
        let now = now_rfc3339();
        let mut writes = Vec::new();
        for sku in skus {
            let item = json!({"sku": sku, "name": format!("Item {sku}"), "item_type": "tools",
                "unit": "piece", "tax_rate": "0.16", "active": true, "updated_at": now});
            writes.push((Keys::new(keys::item_pk(sku), keys::ITEM_SK), item));
            let p =
                json!({"price_list_id": PL, "sku": sku, "unit_price": price, "updated_at": now});
            writes.push((Keys::new(keys::price_list_pk(PL), keys::price_sk(sku)), p));
            writes.push((
                Keys::new(keys::warehouse_pk(WH), keys::stock_sk(sku)),
                json!({"warehouse_id": WH, "sku": sku, "on_hand": on_hand, "reserved": 0, "updated_at": now}),
            ));
        }
        self.put_many(writes).await;
    }

    pub async fn item(&self, sku: &str, price: &str, on_hand: i64) {
        self.items(&[sku.to_string()], price, on_hand).await
    }

    pub async fn set_stock(&self, sku: &str, on_hand: i64) {
        self.store()
            .put(
                &Keys::new(keys::warehouse_pk(WH), keys::stock_sk(sku)),
                &json!({"warehouse_id": WH, "sku": sku, "on_hand": on_hand, "reserved": 0, "updated_at": now_rfc3339()}),
            )
            .await
            .unwrap();
    }

    async fn put_many(&self, writes: Vec<(Keys, Value)>) {
        let store = self.store().clone();
        let mut set = tokio::task::JoinSet::new();
        for chunk in writes.chunks(25) {
            let requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|(k, v)| {
                    WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(store::item(k, v).unwrap()))
                                .build()
                                .unwrap(),
                        )
                        .build()
                })
                .collect();
            let store = store.clone();
            set.spawn(async move {
                let mut pending = requests;
                while !pending.is_empty() {
                    let out = store
                        .client()
                        .batch_write_item()
                        .request_items(store.table(), pending.clone())
                        .send()
                        .await
                        .expect("batch write");
                    pending = out
                        .unprocessed_items
                        .and_then(|mut u| u.remove(store.table()))
                        .unwrap_or_default();
                }
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap();
        }
    }

    /// (on_hand, reserved) of a SKU in `W1`.
    pub async fn stock(&self, sku: &str) -> (i64, i64) {
        let s: shared::catalog::Stock = self
            .store()
            .get(&keys::warehouse_pk(WH), &keys::stock_sk(sku))
            .await
            .unwrap()
            .expect("stock");
        (s.on_hand, s.reserved)
    }

    /// Reserved units of many SKUs, by SKU.
    pub async fn reserved(&self, skus: &[String]) -> HashMap<String, i64> {
        let found = self
            .store()
            .batch_get_items(
                skus.iter()
                    .map(|s| (keys::warehouse_pk(WH), keys::stock_sk(s)))
                    .collect(),
            )
            .await
            .unwrap();
        found
            .into_iter()
            .map(|raw| {
                let s: shared::catalog::Stock = store::from_item(raw).unwrap();
                (s.sku.to_string(), s.reserved)
            })
            .collect()
    }

    pub async fn credit(&self, customer_id: &str) -> CreditRecord {
        CreditRecord::load(self.store(), customer_id).await.unwrap()
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> TestResponse {
        call(&self.router, method, path, Some(token), body).await
    }

    /// `POST /v1/orders` with an idempotency key.
    pub async fn place(&self, token: &str, key: &str, body: Value) -> TestResponse {
        call_raw(
            &self.router,
            "POST",
            "/v1/orders",
            Some(token),
            Some(body.to_string().into_bytes()),
            &[("idempotency-key", key)],
        )
        .await
    }

    /// Reads the email queue until `n` events arrived (or 15 s), deleting what it reads.
    pub async fn email_events(&self, n: usize) -> Vec<shared::messaging::DomainEvent> {
        let sqs = aws_sdk_sqs::Client::new(&self.env.sdk);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        let mut events = Vec::new();
        while events.len() < n && std::time::Instant::now() < deadline {
            let out = sqs
                .receive_message()
                .queue_url(&self.env.queues.email_queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("receive");
            for m in out.messages.unwrap_or_default() {
                if let Some(receipt) = m.receipt_handle() {
                    let _ = sqs
                        .delete_message()
                        .queue_url(&self.env.queues.email_queue_url)
                        .receipt_handle(receipt)
                        .send()
                        .await;
                }
                let body: Value =
                    serde_json::from_str(m.body().unwrap_or("null")).unwrap_or_default();
                events
                    .push(serde_json::from_value(body["detail"].clone()).expect("a domain event"));
            }
        }
        events
    }

    pub async fn item_count(&self) -> usize {
        fixtures::item_count(&self.env.app).await
    }
}

pub fn skus(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:03}")).collect()
}

pub fn lines(skus: &[String], quantity: i64) -> Value {
    Value::Array(
        skus.iter()
            .map(|s| json!({"sku": s, "quantity": quantity}))
            .collect(),
    )
}

pub fn sku(s: &str) -> Sku {
    Sku::parse(s).unwrap()
}

/// A problem+json answer with this status naming this field.
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
        "expected field {field} in {}",
        res.json
    );
}

pub fn assert_code(res: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(res.status, status, "{}", res.json);
    assert_eq!(res.json["code"], code, "{}", res.json);
}

/// Moves an order's claim deadline into the past (as if the hours had gone by). Only placed
/// orders are in the expiry index, so only theirs gets the index's sort key too.
pub async fn make_due(w: &World, order_id: &str) {
    let past = (chrono::Utc::now() - chrono::Duration::minutes(5))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let order: shared::orders::Order = w
        .store()
        .get(&keys::order_pk(order_id), keys::ORDER_SK)
        .await
        .unwrap()
        .unwrap();
    let mut update = w
        .store()
        .client()
        .update_item()
        .table_name(w.store().table())
        .set_key(Some(shared::store::key_of(
            &keys::order_pk(order_id),
            keys::ORDER_SK,
        )))
        .expression_attribute_values(":past", shared::store::s(&past));
    update = if order.status == shared::orders::OrderStatus::Placed {
        update
            .update_expression("SET expires_at = :past, GSI2SK = :sk")
            .expression_attribute_values(":sk", shared::store::s(&format!("{past}#{order_id}")))
    } else {
        update.update_expression("SET expires_at = :past")
    };
    update.send().await.unwrap();
}

// Reports (issue 13, items 7-8) -------------------------------------------------------------

/// An item with a type and a brand (reports count by both), priced and stocked in `W1`.
pub async fn report_item(w: &World, sku: &str, item_type: &str, brand: &str, price: &str) {
    w.item(sku, price, 1_000).await;
    w.store()
        .update(
            &keys::item_pk(sku),
            keys::ITEM_SK,
            "SET item_type = :t, brand = :b",
            None,
            &[],
            vec![(":t", store::s(item_type)), (":b", store::s(brand))],
        )
        .await
        .unwrap();
}

/// Reads the reports queue until `n` messages arrived (or 30 s), deleting what it reads:
/// the bodies, as the EventBridge rule delivered them.
pub async fn report_messages(w: &World, n: usize) -> Vec<String> {
    let sqs = aws_sdk_sqs::Client::new(&w.env.sdk);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut bodies = Vec::new();
    while bodies.len() < n && std::time::Instant::now() < deadline {
        let out = sqs
            .receive_message()
            .queue_url(&w.env.queues.reports_queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        for m in out.messages.unwrap_or_default() {
            if let Some(receipt) = m.receipt_handle() {
                let _ = sqs
                    .delete_message()
                    .queue_url(&w.env.queues.reports_queue_url)
                    .receipt_handle(receipt)
                    .send()
                    .await;
            }
            bodies.push(m.body().unwrap_or_default().to_string());
        }
    }
    bodies
}

/// Hands message bodies to the reports consumer as one SQS batch, as Lambda would; returns
/// the ids it reported as failed.
pub async fn deliver_reports(w: &World, bodies: &[String]) -> Vec<String> {
    let mut event = aws_lambda_events::event::sqs::SqsEvent::default();
    for (i, body) in bodies.iter().enumerate() {
        let mut m = aws_lambda_events::event::sqs::SqsMessage::default();
        m.message_id = Some(format!("m{i}-{}", shared::types::new_id()));
        m.body = Some(body.clone());
        event.records.push(m);
    }
    let response = orders::handle_report_events(&w.env.app, event).await;
    response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect()
}

/// F39: a manager's permissions (everything, and "manage company").
pub const MANAGER: Permissions = Permissions {
    place_orders: true,
    create_quotes: true,
    see_invoices: true,
    manage_company: true,
};

impl World {
    /// Rewrites a stored contact (staff or a manager changing it).
    async fn edit_contact(&self, customer_id: &str, email: &str, edit: impl FnOnce(&mut Contact)) {
        let k = Keys::new(keys::customer_pk(customer_id), keys::contact_sk(email));
        let mut c: Contact = self
            .store()
            .get(&k.pk, &k.sk)
            .await
            .unwrap()
            .expect("contact");
        edit(&mut c);
        self.store().put(&k, &c).await.unwrap();
    }

    /// Sets (or with `None` removes) a contact's per-order spending limit, in MXN.
    pub async fn set_limit(&self, customer_id: &str, email: &str, amount: Option<&str>) {
        let limit = amount.map(|a| shared::customers::SpendingLimit {
            amount: d(a),
            currency: "MXN".into(),
        });
        self.edit_contact(customer_id, email, |c| c.spending_limit = limit)
            .await
    }

    /// Sets a contact's stored permissions.
    pub async fn set_permissions(&self, customer_id: &str, email: &str, permissions: Permissions) {
        self.edit_contact(customer_id, email, |c| c.permissions = permissions)
            .await
    }

    /// Sets a contact's stored access state.
    pub async fn set_access(&self, customer_id: &str, email: &str, access: AccessState) {
        self.edit_contact(customer_id, email, |c| c.access = access)
            .await
    }

    /// The customer's orders (ids), read from its list.
    pub async fn order_ids(&self, customer_id: &str) -> Vec<String> {
        let page =
            shared::orders::listing::customer_orders(self.store(), customer_id, None, 100, None)
                .await
                .unwrap();
        page.items.into_iter().map(|o| o.id).collect()
    }
}
