//! Test harness: a fresh local stack (table, bus, queues), the erp-sync router and worker with
//! their settings pointing at it, and the reference ERP simulator on an ephemeral port, which
//! tests stop and start again (same port) to play an outage. The worker is driven as the dev
//! server (and Lambda) drive it: receive from the queue, `handle`, delete what succeeded.

#![allow(dead_code)]

use std::str::FromStr;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use erp_simulator::{Running, Simulator};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use shared::auth::{Permissions, Principal, StaffRole};
use shared::catalog::Sku;
use shared::messaging::DomainEvent;
use shared::orders::events::{OrderNotice, Recipient};
use shared::orders::{Actor, Order, OrderLine, OrderStatus};
use shared::sync::SyncSettings;
use shared::testing::{call_raw, TestEnv, TestResponse};
use shared::types::now_rfc3339;

pub const ERP_KEY: &str = "test-inbound-key-0123456789";
pub const ERP_OUT_KEY: &str = "test-outbound-key-0123456789";

pub struct Harness {
    pub env: TestEnv,
    pub sync: erp_sync::SyncState,
    pub router: axum::Router,
    pub sqs: aws_sdk_sqs::Client,
    pub sim: Simulator,
    server: Option<Running>,
    addr: String,
}

/// What draining the queue did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Drained {
    pub rounds: usize,
    pub received: usize,
    pub failed: usize,
}

impl Harness {
    /// Failed messages are visible again at once: the tests drive the retries.
    pub async fn new() -> Self {
        Self::with_retry_base(0).await
    }

    /// With real backoff: a failed message waits `seconds * 4^(attempt-1)` before it is seen
    /// again (a deferred event `seconds * 2^deferrals`, one put back during an ERP outage
    /// `seconds * 2^retries`, at most `2 * seconds`).
    pub async fn with_retry_base(seconds: u64) -> Self {
        Self::build(seconds, shared::sync::runs::PAGE_LIMIT).await
    }

    /// Pulls ask the ERP for `records` records per page (so a run spans several pages).
    pub async fn with_pull_page_size(records: u32) -> Self {
        Self::build(0, records).await
    }

    async fn build(seconds: u64, pull_page_size: u32) -> Self {
        let env = TestEnv::new().await;
        // Requests check the staff item behind a token: the staff of `admin_token` and
        // `agent_token` exist.
        for (id, email, name, role) in [
            (
                "admin-1",
                "ada@seller.example",
                "Ada Admin",
                StaffRole::Admin,
            ),
            (
                "agent-1",
                "alan@seller.example",
                "Alan Agent",
                StaffRole::Agent,
            ),
        ] {
            shared::accounts::fixtures::put_staff_with_id(&env.app, id, email, name, role, None)
                .await;
        }
        let sim = Simulator::new(Some(ERP_OUT_KEY.into()));
        let server = sim.start("127.0.0.1:0").await.expect("simulator starts");
        let addr = server.addr().to_string();
        let sqs = aws_sdk_sqs::Client::new(&env.sdk);
        let settings = SyncSettings {
            queue_url: Some(env.queues.erp_sync_queue_url.clone()),
            dlq_url: Some(env.queues.erp_sync_dlq_url.clone()),
            inbound_api_key: Some(ERP_KEY.into()),
            erp_base_url: Some(server.url()),
            erp_api_key_out: Some(ERP_OUT_KEY.into()),
            retry_base_seconds: seconds,
            // An outage puts order events back every few seconds at most here.
            outage_max_delay_seconds: (seconds * 2).max(1),
            pull_page_size,
            ..SyncSettings::default()
        };
        let sync = erp_sync::ErpSync::new(env.app(), Some(sqs.clone()), settings);
        let router = erp_sync::router_with(sync.clone());
        Self {
            env,
            sync,
            router,
            sqs,
            sim,
            server: Some(server),
            addr,
        }
    }

    pub fn store(&self) -> &shared::store::Store {
        &self.env.app.store
    }

    /// The ERP goes down: its port closes.
    pub async fn stop_erp(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }

    /// The ERP is back, on the same address, with the state it had.
    pub async fn start_erp(&mut self) {
        if self.server.is_none() {
            self.server = Some(
                self.sim
                    .start(&self.addr)
                    .await
                    .expect("simulator restarts"),
            );
        }
    }

    /// An inbound call of the ERP (with its key).
    pub async fn erp(&self, method: &str, path: &str, body: Option<Value>) -> TestResponse {
        call_raw(
            &self.router,
            method,
            path,
            None,
            body.map(|b| b.to_string().into_bytes()),
            &[("x-api-key", ERP_KEY)],
        )
        .await
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        shared::testing::call(&self.router, method, path, token, body).await
    }

    pub fn admin_token(&self) -> String {
        Principal::staff("admin-1", "Ada Admin", StaffRole::Admin, 60)
            .token(&self.env.app.config.jwt_secret)
    }

    pub fn agent_token(&self) -> String {
        Principal::staff("agent-1", "Alan Agent", StaffRole::Agent, 60)
            .token(&self.env.app.config.jwt_secret)
    }

    pub fn contact_token(&self, customer_id: &str, see_invoices: bool) -> String {
        let permissions = Permissions {
            see_invoices,
            ..Permissions::all()
        };
        Principal::contact(
            &format!("buyer@{customer_id}.example"),
            "Bea Buyer",
            customer_id,
            permissions,
            60,
        )
        .token(&self.env.app.config.jwt_secret)
    }

    /// A session of a contact of `customer_id` with `see_invoices` as given (each value its own
    /// contact, since the stored permissions apply). Sessions are checked against the stored
    /// records: the contact is stored with an active access and the customer made active
    /// (ERP-imported customers start inactive; a missing one is written active).
    pub async fn contact_session(&self, customer_id: &str, see_invoices: bool) -> String {
        let (pk, sk) = (
            shared::store::keys::customer_pk(customer_id),
            shared::store::keys::CUSTOMER_PROFILE_SK,
        );
        if self.store().get_item(&pk, sk).await.unwrap().is_some() {
            self.store()
                .client()
                .update_item()
                .table_name(self.store().table())
                .set_key(Some(shared::store::key_of(&pk, sk)))
                .update_expression("SET #status = :active")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":active", shared::store::s("active"))
                .send()
                .await
                .unwrap();
        } else {
            let now = now_rfc3339();
            let customer: shared::customers::Customer = serde_json::from_value(json!({
                "id": customer_id, "status": "active", "name": format!("Customer {customer_id}"),
                "tax_id": "XAXX010101000", "email": format!("office@{customer_id}.example"),
                "created_at": now, "updated_at": now,
            }))
            .unwrap();
            self.store()
                .put(&shared::store::Keys::new(pk, sk), &customer)
                .await
                .unwrap();
        }
        let who = if see_invoices { "buyer" } else { "viewer" };
        shared::accounts::fixtures::contact_session(
            &self.env.app,
            customer_id,
            &format!("{who}@{customer_id}.example"),
            "Bea Buyer",
            Permissions {
                see_invoices,
                ..Permissions::all()
            },
        )
        .await
    }

    /// One receive -> handle -> delete cycle, as the event source mapping does it.
    pub async fn round(&self) -> (usize, usize) {
        let queue_url = &self.env.queues.erp_sync_queue_url;
        let out = self
            .sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("receive");
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            return (0, 0);
        }
        let mut event = SqsEvent::default();
        event.records = messages
            .iter()
            .map(|m| {
                let mut record = SqsMessage::default();
                record.message_id = m.message_id.clone();
                record.receipt_handle = m.receipt_handle.clone();
                record.body = m.body.clone();
                record.attributes = m
                    .attributes
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                    .collect();
                record.event_source = Some("aws:sqs".into());
                record
            })
            .collect();
        let response = erp_sync::handle(&self.sync, event).await;
        let failed: Vec<String> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.clone())
            .collect();
        for m in &messages {
            if m.message_id.as_ref().is_some_and(|id| !failed.contains(id)) {
                self.sqs
                    .delete_message()
                    .queue_url(queue_url)
                    .set_receipt_handle(m.receipt_handle.clone())
                    .send()
                    .await
                    .expect("delete");
            }
        }
        (messages.len(), failed.len())
    }

    /// Runs rounds until the queue stays empty (or `max_rounds`).
    pub async fn drain(&self, max_rounds: usize) -> Drained {
        let mut drained = Drained::default();
        let mut empty = 0;
        while drained.rounds < max_rounds {
            drained.rounds += 1;
            let (received, failed) = self.round().await;
            drained.received += received;
            drained.failed += failed;
            if received == 0 {
                empty += 1;
                if empty >= 3 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            } else {
                empty = 0;
            }
        }
        drained
    }

    /// Runs rounds until no message is left on the queue, visible or not (waiting out retry
    /// delays), or `timeout` passes.
    pub async fn drain_all(&self, timeout: std::time::Duration) -> Drained {
        let started = std::time::Instant::now();
        let mut drained = Drained::default();
        // moto's counts are approximate while visibility timeouts expire: trust two empty
        // readings in a row.
        let mut empty_readings = 0;
        while started.elapsed() < timeout {
            drained.rounds += 1;
            let (received, failed) = self.round().await;
            drained.received += received;
            drained.failed += failed;
            if received == 0 {
                if self.queue_depth(&self.env.queues.erp_sync_queue_url).await == 0 {
                    empty_readings += 1;
                    if empty_readings >= 2 {
                        return drained;
                    }
                } else {
                    empty_readings = 0;
                }
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            } else {
                empty_readings = 0;
            }
        }
        panic!("the queue did not drain in {timeout:?}: {drained:?}");
    }

    /// Messages (visible or not) on a queue.
    pub async fn queue_depth(&self, queue_url: &str) -> usize {
        let attrs = self
            .sqs
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
            .send()
            .await
            .expect("queue attributes")
            .attributes
            .unwrap_or_default();
        attrs
            .values()
            .map(|v| v.parse::<usize>().unwrap_or(0))
            .sum()
    }

    pub async fn batch_status(&self, batch_id: &str) -> Value {
        let res = self
            .erp("GET", &format!("/v1/erp/batches/{batch_id}"), None)
            .await;
        assert_eq!(res.status, 200, "{}", res.json);
        res.json
    }

    /// Posts a batch and applies it; answers its final status.
    pub async fn push(&self, kind: &str, records: Value) -> Value {
        let res = self
            .erp(
                "POST",
                &format!("/v1/erp/{kind}"),
                Some(json!({ "records": records })),
            )
            .await;
        assert_eq!(res.status, 202, "{}", res.json);
        let id = res.json["batch_id"].as_str().unwrap().to_string();
        self.drain(50).await;
        self.batch_status(&id).await
    }

    /// Publishes events on the bus (EventBridge routes them to the erp-sync queue).
    pub async fn publish(&self, events: &[DomainEvent]) {
        let published = self.env.app.events.publish(events).await.expect("publish");
        assert_eq!(published.len(), events.len(), "every event reached the bus");
    }

    pub async fn put_order(&self, order: &Order) {
        self.store()
            .put(&order.keys(), order)
            .await
            .expect("put order");
    }

    pub async fn raw_order(&self, id: &str) -> shared::store::Item {
        self.store()
            .get_item(
                &shared::store::keys::order_pk(id),
                shared::store::keys::ORDER_SK,
            )
            .await
            .unwrap()
            .expect("order")
    }

    /// A stock record as the catalog and orders keep it.
    pub async fn stock(&self, warehouse: &str, sku: &str) -> shared::store::Item {
        self.store()
            .get_item(
                &shared::store::keys::warehouse_pk(warehouse),
                &shared::store::keys::stock_sk(sku),
            )
            .await
            .unwrap()
            .expect("stock record")
    }
}

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn number(item: &shared::store::Item, name: &str) -> i64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number {name} in {item:?}"))
}

pub fn text(item: &shared::store::Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

/// An order as the orders code stores it.
pub fn order(id: &str, customer_id: &str, warehouse: &str, lines: &[(&str, i64)]) -> Order {
    let now = now_rfc3339();
    let lines: Vec<OrderLine> = lines
        .iter()
        .map(|(sku, quantity)| OrderLine {
            sku: Sku::parse(*sku).unwrap(),
            name: format!("Item {sku}"),
            unit: "piece".into(),
            quantity: *quantity,
            unit_price: d("10.00"),
            tax_rate: d("0.16"),
            subtotal: d("10.00") * Decimal::from(*quantity),
            tax: d("1.60") * Decimal::from(*quantity),
            total: d("11.60") * Decimal::from(*quantity),
        })
        .collect();
    let subtotal: Decimal = lines.iter().map(|l| l.subtotal).sum();
    let tax: Decimal = lines.iter().map(|l| l.tax).sum();
    Order {
        id: id.into(),
        customer_id: customer_id.into(),
        customer_name: "Cliente".into(),
        status: OrderStatus::Placed,
        warehouse_id: warehouse.into(),
        currency: "MXN".into(),
        lines,
        subtotal,
        tax,
        total: subtotal + tax,
        note: None,
        placed_by: Actor {
            kind: shared::orders::ActorKind::Contact,
            id: "buyer@example.com".into(),
            name: "Bea Buyer".into(),
            impersonated_by: None,
        },
        notify: Recipient {
            email: "buyer@example.com".into(),
            name: "Bea Buyer".into(),
            language: None,
        },
        contact_email: Some("buyer@example.com".into()),
        contact_phone: None,
        quote_id: None,
        agent_id: None,
        created_at: now.clone(),
        updated_at: now,
        expires_at: "2999-01-01T00:00:00.000Z".into(),
        claimed_by: None,
        claimed_at: None,
        fulfilled_by: None,
        fulfilled_at: None,
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        expired_at: None,
        erp_number: None,
        erp_acknowledged_at: None,
        approval: None,
    }
}

/// The event the orders code emits for an order in its current state.
pub fn event_of(order: &Order, kind: &str) -> DomainEvent {
    OrderNotice::of(order, Some("Staff"), None).event(kind)
}
