//! F6/F7 contacts and accesses through the accounts router: contact data, the access state
//! machine, readiness and status preconditions, one login per email, and bad input.

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::accounts::fixtures::{
    item_count, put_price_list, put_staff, put_warehouse, staff_session,
};
use shared::auth::StaffRole;
use shared::store::keys;
use shared::testing::{call, call_raw, TestEnv, TestResponse};

struct Ctx {
    env: TestEnv,
    router: axum::Router,
    admin: String,
}

async fn setup() -> Ctx {
    let env = TestEnv::new().await;
    let router = accounts::router(env.app());
    let (_, admin) = staff_session(&env.app, "ada@seller.com", "Ada Admin", StaffRole::Admin).await;
    put_price_list(&env.app, "pl", "RON").await;
    put_warehouse(&env.app, "buc").await;
    Ctx { env, router, admin }
}

impl Ctx {
    async fn req(&self, method: &str, path: &str, body: Option<Value>) -> TestResponse {
        call(&self.router, method, path, Some(&self.admin), body).await
    }

    async fn customer(&self, name: &str, ready: bool) -> String {
        let mut body = json!({"name": name, "tax_id": "RO123", "email": format!("office@{}.ro", name.to_lowercase()), "language": "ro"});
        if ready {
            body["price_list_id"] = json!("pl");
            body["warehouse_ids"] = json!(["buc"]);
            body["shipping_method"] = json!("curier");
            body["credit"] =
                json!({"terms": "CREDIT", "credit_days": 15, "limit": "1000", "currency": "RON"});
        }
        let res = self.req("POST", "/v1/admin/customers", Some(body)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
        res.json["id"].as_str().unwrap().to_string()
    }

    async fn contact(&self, customer: &str, email: &str, phone: Option<&str>) -> TestResponse {
        let mut body = json!({"email": email, "name": "Ion Popescu", "department": "Achiziții"});
        if let Some(phone) = phone {
            body["phone"] = json!(phone);
        }
        self.req(
            "POST",
            &format!("/v1/admin/customers/{customer}/contacts"),
            Some(body),
        )
        .await
    }

    async fn access(&self, customer: &str, email: &str, action: &str) -> TestResponse {
        self.req(
            "POST",
            &format!("/v1/admin/customers/{customer}/contacts/{email}/access"),
            Some(json!({"action": action})),
        )
        .await
    }
}

#[tokio::test]
async fn contacts_are_added_edited_and_listed() {
    let ctx = setup().await;
    let id = ctx.customer("Carpati", false).await;
    let res = ctx
        .contact(&id, "Ion@Carpati.ro", Some("+40 721 234 567"))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["email"], "ion@carpati.ro");
    assert_eq!(res.json["access"], "not_created");
    assert_eq!(
        res.json["language"], "ro",
        "defaults to the customer's language"
    );
    assert_eq!(
        res.json["permissions"],
        json!({"place_orders": true, "create_quotes": true, "see_invoices": true, "manage_company": false}),
        "every ordinary permission; \"manage company\" only when staff grant it"
    );

    let res = ctx.contact(&id, "ion@carpati.ro", None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "contact-exists");

    let res = ctx
        .req(
            "PATCH",
            &format!("/v1/admin/customers/{id}/contacts/ion@carpati.ro"),
            Some(json!({"name": "Ion P.", "phone": null, "permissions": {"place_orders": false}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["name"], "Ion P.");
    assert_eq!(res.json["phone"], Value::Null);
    assert_eq!(res.json["department"], "Achiziții");
    assert_eq!(res.json["permissions"]["place_orders"], false);
    assert_eq!(res.json["permissions"]["see_invoices"], true);

    let res = ctx
        .req("GET", &format!("/v1/admin/customers/{id}/contacts"), None)
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(res.json["items"][0]["name"], "Ion P.");
    assert_eq!(res.json["emails_with_access"], 0);

    let res = ctx
        .req(
            "PATCH",
            &format!("/v1/admin/customers/{id}/contacts/nobody@carpati.ro"),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = ctx.access(&id, "nobody@carpati.ro", "create").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_access_needs_an_active_ready_customer() {
    let ctx = setup().await;
    let id = ctx.customer("Dunarea", false).await;
    ctx.contact(&id, "ana@dunarea.ro", None).await;
    let before = item_count(&ctx.env.app).await;

    let res = ctx.access(&id, "ana@dunarea.ro", "create").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "customer-not-ready");
    let fields: Vec<&str> = res.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "price_list_id",
            "credit",
            "warehouse_ids",
            "shipping_method"
        ]
    );
    assert_eq!(item_count(&ctx.env.app).await, before, "nothing written");

    // Ready on paper but the price list does not exist: still refused.
    ctx.req(
        "PATCH",
        &format!("/v1/admin/customers/{id}"),
        Some(json!({
            "price_list_id": "pl", "warehouse_ids": ["buc"], "shipping_method": "curier",
            "credit": {"terms": "CASH", "limit": "0", "currency": "RON"}
        })),
    )
    .await;
    ctx.env
        .app
        .store
        .delete(&keys::price_list_pk("pl"), keys::META_SK)
        .await
        .unwrap();
    let res = ctx.access(&id, "ana@dunarea.ro", "create").await;
    assert_eq!(res.json["code"], "customer-not-ready");
    assert_eq!(res.json["errors"][0]["field"], "price_list_id");
    assert!(res.json["errors"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("does not exist"));
    put_price_list(&ctx.env.app, "pl", "RON").await;

    // Blocked customers get no access.
    ctx.req(
        "POST",
        &format!("/v1/admin/customers/{id}/status"),
        Some(json!({"status": "blocked"})),
    )
    .await;
    let res = ctx.access(&id, "ana@dunarea.ro", "create").await;
    assert_eq!(res.json["code"], "customer-not-active");
    ctx.req(
        "POST",
        &format!("/v1/admin/customers/{id}/status"),
        Some(json!({"status": "active"})),
    )
    .await;
    let res = ctx.access(&id, "ana@dunarea.ro", "create").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(
        res.json["whatsapp_link"]
            .as_str()
            .unwrap()
            .starts_with("https://wa.me/?text="),
        "no phone: WhatsApp lets staff pick the chat"
    );
}

#[tokio::test]
async fn the_access_state_machine() {
    let ctx = setup().await;
    let id = ctx.customer("Prut", true).await;
    ctx.contact(&id, "a@prut.ro", Some("+40 722 000 111")).await;
    ctx.contact(&id, "b@prut.ro", None).await;

    for (action, code) in [
        ("resend", "access-not-invited"),
        ("block", "no-access"),
        ("unblock", "access-not-blocked"),
    ] {
        let res = ctx.access(&id, "a@prut.ro", action).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{action}");
        assert_eq!(res.json["code"], code, "{action}");
    }
    let res = ctx.access(&id, "a@prut.ro", "create").await;
    assert_eq!(res.json["access"], "invited");
    assert_eq!(res.json["emails_with_access"], 1);
    let link = res.json["whatsapp_link"].as_str().unwrap();
    assert!(
        link.starts_with("https://wa.me/40722000111?text=Bun%C4%83%20Ion%20Popescu"),
        "{link}"
    );
    assert!(res.json["invitation_expires_at"].is_string());

    let res = ctx.access(&id, "a@prut.ro", "create").await;
    assert_eq!(res.json["code"], "access-exists");
    let res = ctx.access(&id, "b@prut.ro", "create").await;
    assert_eq!(res.json["emails_with_access"], 2);
    let res = ctx.access(&id, "a@prut.ro", "resend").await;
    assert_eq!(res.json["access"], "invited");
    assert_eq!(res.json["emails_with_access"], 2);
    let res = ctx.access(&id, "a@prut.ro", "block").await;
    assert_eq!(res.json["access"], "blocked");
    assert_eq!(res.json["emails_with_access"], 1);
    // Blocking twice is harmless.
    let res = ctx.access(&id, "a@prut.ro", "block").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["emails_with_access"], 1);

    let res = ctx
        .req("GET", &format!("/v1/admin/customers/{id}/contacts"), None)
        .await;
    assert_eq!(res.json["emails_with_access"], 1);
    let res = ctx
        .req("GET", &format!("/v1/admin/customers/{id}"), None)
        .await;
    assert_eq!(res.json["emails_with_access"], 1);

    let res = ctx.access(&id, "a@prut.ro", "unblock").await;
    assert_eq!(
        res.json["access"], "invited",
        "never set a password: invited again"
    );
    assert_eq!(res.json["emails_with_access"], 2);
}

#[tokio::test]
async fn an_email_has_one_login_across_customers_and_staff() {
    let ctx = setup().await;
    let first = ctx.customer("Olt", true).await;
    let second = ctx.customer("Mures", true).await;
    ctx.contact(&first, "shared@buyer.ro", None).await;
    ctx.contact(&second, "shared@buyer.ro", None).await;
    assert_eq!(
        ctx.access(&first, "shared@buyer.ro", "create").await.status,
        StatusCode::OK
    );
    let before = item_count(&ctx.env.app).await;
    let res = ctx.access(&second, "shared@buyer.ro", "create").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "email-has-login");
    assert_eq!(item_count(&ctx.env.app).await, before, "nothing written");
    let res = ctx
        .req(
            "GET",
            &format!("/v1/admin/customers/{second}/contacts"),
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["access"], "not_created");

    put_staff(
        &ctx.env.app,
        "staff@seller.ro",
        "Sta Ff",
        StaffRole::Agent,
        Some("staff-password-1"),
    )
    .await;
    ctx.contact(&second, "staff@seller.ro", None).await;
    let res = ctx.access(&second, "staff@seller.ro", "create").await;
    assert_eq!(res.json["code"], "email-has-login");
}

#[tokio::test]
async fn bad_input_on_contact_routes_names_the_field_and_writes_nothing() {
    let ctx = setup().await;
    let id = ctx.customer("Siret", true).await;
    ctx.contact(&id, "c@siret.ro", None).await;
    let before = item_count(&ctx.env.app).await;
    let contacts = format!("/v1/admin/customers/{id}/contacts");
    let one = format!("{contacts}/c@siret.ro");
    let access = format!("{one}/access");
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        ("POST", &contacts, json!({"name": "X"}), "email"),
        ("POST", &contacts, json!({"email": "x@siret.ro"}), "name"),
        (
            "POST",
            &contacts,
            json!({"email": "not-an-email", "name": "X"}),
            "email",
        ),
        (
            "POST",
            &contacts,
            json!({"email": "x@siret.ro", "name": "X", "phone": "12"}),
            "phone",
        ),
        (
            "POST",
            &contacts,
            json!({"email": "x@siret.ro", "name": "X", "permissions": {"place_orders": "yes"}}),
            "permissions.place_orders",
        ),
        (
            "POST",
            &contacts,
            json!({"email": "x@siret.ro", "name": "X", "language": "de"}),
            "language",
        ),
        ("PATCH", &one, json!({"name": ""}), "name"),
        ("PATCH", &one, json!({"permissions": "all"}), "permissions"),
        ("POST", &access, json!({}), "action"),
        ("POST", &access, json!({"action": "destroy"}), "action"),
        ("POST", &access, json!({"action": 1}), "action"),
    ];
    for (method, path, body, field) in cases {
        let res = ctx.req(method, path, Some(body.clone())).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path} {body}: {}",
            res.json
        );
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
        assert_eq!(
            res.json["errors"][0]["field"], field,
            "{method} {path} {body}: {}",
            res.json
        );
    }
    // An invalid email in the path is named too.
    let res = ctx
        .req(
            "POST",
            &format!("{contacts}/not-an-email/access"),
            Some(json!({"action": "create"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "email");
    for (method, path) in [
        ("POST", contacts.as_str()),
        ("PATCH", one.as_str()),
        ("POST", access.as_str()),
    ] {
        let res = call_raw(
            &ctx.router,
            method,
            path,
            Some(&ctx.admin),
            Some(b"{".to_vec()),
            &[],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{method} {path}");
        assert_eq!(res.json["errors"][0]["field"], "body");
        let huge = json!({"name": "x".repeat(70_000)}).to_string().into_bytes();
        let res = call_raw(&ctx.router, method, path, Some(&ctx.admin), Some(huge), &[]).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{method} {path}");
    }
    assert_eq!(
        item_count(&ctx.env.app).await,
        before,
        "nothing was written"
    );
}
