//! A fresh stack per test, tokens for each kind of caller, and direct writes of the records the
//! pricing routes read (customers, items, stock), which other functions own.

use serde_json::{json, Value};
use shared::auth::{Impersonator, Permissions, Principal, StaffRole};
use shared::customers::Customer;
use shared::store::{keys, Keys, QuerySpec};
use shared::testing::{self, TestEnv, TestResponse};

pub struct Ctx {
    pub env: TestEnv,
    pub router: axum::Router,
}

pub async fn setup() -> Ctx {
    let env = TestEnv::new().await;
    let router = pricing::router(env.app());
    // Requests check the staff item behind a token, so the staff the tokens name exist.
    for (id, email, name, role) in [
        (
            "S-ADMIN",
            "ana@seller.example",
            "Ana Admin",
            StaffRole::Admin,
        ),
        (
            "S-LUIS",
            "luis@seller.example",
            "Luis Agent",
            StaffRole::Agent,
        ),
    ] {
        shared::accounts::fixtures::put_staff_with_id(&env.app, id, email, name, role, None).await;
    }
    let ctx = Ctx { env, router };
    ctx.warehouse("W1", true).await;
    ctx.warehouse("W2", true).await;
    ctx
}

impl Ctx {
    fn sign(&self, principal: &Principal) -> String {
        principal.token(&self.env.app.config.jwt_secret)
    }

    pub fn admin(&self) -> String {
        self.sign(&Principal::staff(
            "S-ADMIN",
            "Ana Admin",
            StaffRole::Admin,
            60,
        ))
    }

    pub fn agent(&self, staff_id: &str) -> String {
        self.sign(&Principal::staff(
            staff_id,
            "Luis Agent",
            StaffRole::Agent,
            60,
        ))
    }

    pub fn contact(&self, customer_id: &str) -> String {
        self.sign(&Principal::contact(
            &format!("buyer@{}.example", customer_id.to_lowercase()),
            "Buyer",
            customer_id,
            Permissions::all(),
            60,
        ))
    }

    /// A customer-scoped session opened by staff (F9).
    pub fn impersonating(&self, customer_id: &str) -> String {
        let mut p = Principal::contact(
            "staff:S-ADMIN",
            "Buyer",
            customer_id,
            Permissions::all(),
            60,
        );
        p.impersonated_by = Some(Impersonator {
            staff_id: "S-ADMIN".into(),
            name: "Ana Admin".into(),
        });
        self.sign(&p)
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        testing::call(&self.router, method, path, token, body).await
    }

    /// Writes a customer profile; `extra` overrides the defaults (an active customer on list
    /// `PL-MXN` with warehouse `W1`).
    pub async fn customer(&self, id: &str, extra: Value) -> Customer {
        let mut doc = json!({
            "id": id, "status": "active", "name": format!("Customer {id}"),
            "tax_id": "XAXX010101000", "email": format!("office@{}.example", id.to_lowercase()),
            "price_list_id": "PL-MXN", "warehouse_ids": ["W1"], "default_warehouse_id": "W1",
            "created_at": "2024-01-01T00:00:00.000Z", "updated_at": "2024-01-01T00:00:00.000Z",
        });
        for (k, v) in extra.as_object().unwrap() {
            doc[k] = v.clone();
        }
        let customer: Customer = serde_json::from_value(doc).unwrap();
        self.env
            .app
            .store
            .put(
                &Keys::new(keys::customer_pk(id), keys::CUSTOMER_PROFILE_SK),
                &customer,
            )
            .await
            .unwrap();
        // The contact [`Ctx::contact`] signs for, with an active access (sessions check it).
        shared::accounts::fixtures::contact_session(
            &self.env.app,
            id,
            &format!("buyer@{}.example", id.to_lowercase()),
            "Buyer",
            Permissions::all(),
        )
        .await;
        customer
    }

    pub async fn item(&self, sku: &str, item_type: &str, tax_rate: &str, active: bool) {
        let item: shared::catalog::Item = serde_json::from_value(json!({
            "sku": sku, "name": format!("Item {sku}"), "item_type": item_type, "unit": "piece",
            "tax_rate": tax_rate, "active": active, "updated_at": "2024-01-01T00:00:00.000Z",
        }))
        .unwrap();
        self.env
            .app
            .store
            .put(&Keys::new(keys::item_pk(sku), keys::ITEM_SK), &item)
            .await
            .unwrap();
    }

    pub async fn warehouse(&self, id: &str, active: bool) {
        let warehouse: shared::catalog::Warehouse = serde_json::from_value(json!({
            "id": id, "name": format!("Warehouse {id}"), "active": active,
            "updated_at": "2024-01-01T00:00:00.000Z",
        }))
        .unwrap();
        self.env
            .app
            .store
            .put(
                &Keys::new(keys::warehouse_pk(id), keys::META_SK),
                &warehouse,
            )
            .await
            .unwrap();
    }

    pub async fn stock(&self, warehouse: &str, sku: &str, on_hand: i64, reserved: i64) {
        let stock: shared::catalog::Stock = serde_json::from_value(json!({
            "warehouse_id": warehouse, "sku": sku, "on_hand": on_hand, "reserved": reserved,
            "updated_at": "2024-01-01T00:00:00.000Z",
        }))
        .unwrap();
        self.env
            .app
            .store
            .put(
                &Keys::new(keys::warehouse_pk(warehouse), keys::stock_sk(sku)),
                &stock,
            )
            .await
            .unwrap();
    }

    /// Creates a price list through the API and fills it.
    pub async fn list_with_prices(&self, id: &str, currency: &str, prices: Value) {
        let admin = self.admin();
        let res = self
            .call(
                "POST",
                "/v1/admin/price-lists",
                Some(&admin),
                Some(json!({"id": id, "name": format!("List {id}"), "currency": currency})),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.json);
        let res = self
            .call(
                "PUT",
                &format!("/v1/admin/price-lists/{id}/prices"),
                Some(&admin),
                Some(json!({ "prices": prices })),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.json);
    }

    /// How many records a partition holds under a sort-key prefix.
    pub async fn count(&self, pk: &str, sk_prefix: &str) -> usize {
        self.env
            .app
            .store
            .query_all::<Value>(if sk_prefix.is_empty() {
                QuerySpec::partition(pk)
            } else {
                QuerySpec::partition(pk).prefix(sk_prefix)
            })
            .await
            .unwrap()
            .len()
    }
}

/// A problem+json answer with this status naming `field` among its errors.
pub fn assert_problem(res: &TestResponse, status: u16, field: &str) {
    assert_eq!(res.status.as_u16(), status, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json"),
        "{}",
        res.json
    );
    if !field.is_empty() {
        let fields: Vec<&str> = res.json["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "no error on {field}: {}", res.json);
    }
}
