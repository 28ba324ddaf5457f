//! F3-F5 customers through the accounts router: profile, references, readiness, tags and
//! filters, status rules, agent isolation and bad input.

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::accounts::fixtures::{
    contact_session, item_count, put_price_list, put_staff, put_warehouse, staff_session,
    staff_token,
};
use shared::auth::{Permissions, StaffRole};
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
    Ctx { env, router, admin }
}

impl Ctx {
    async fn req(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> TestResponse {
        call(&self.router, method, path, Some(token), body).await
    }

    async fn create(&self, body: Value) -> Value {
        let res = self
            .req("POST", "/v1/admin/customers", &self.admin, Some(body))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
        res.json
    }

    async fn list(&self, token: &str, query: &str) -> Vec<String> {
        let res = self
            .req("GET", &format!("/v1/admin/customers{query}"), token, None)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    }
}

fn basic(name: &str) -> Value {
    json!({"name": name, "tax_id": "TAX-1", "email": format!("buy@{}.com", name.to_lowercase())})
}

#[tokio::test]
async fn profile_references_and_readiness() {
    let ctx = setup().await;
    let created = ctx
        .create(json!({
            "name": "Acme", "tax_id": "ACM010101AA1", "email": "Buy@Acme.com",
            "phone": "+52 81 1234 5678", "language": "en", "tags": ["VIP", "north", "vip"],
            "addresses": [
                {"kind": "shipping", "line1": "Calle 1", "city": "Monterrey", "postal_code": "64000", "country": "MX"},
                {"kind": "billing", "line1": "Calle 2", "city": "Monterrey", "postal_code": "64001", "country": "MX"}
            ],
            "catalog_access": {"mode": "types", "types": ["tools"]},
            "discount_percent": "5.5"
        }))
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "active");
    assert_eq!(created["email"], "buy@acme.com");
    assert_eq!(created["tags"], json!(["north", "vip"]));
    assert_eq!(created["addresses"][0]["is_default"], true);
    assert_eq!(created["addresses"][1]["is_default"], false);
    assert_eq!(created["discount_percent"], "5.5");

    // Readiness lists all four gaps.
    let path = format!("/v1/admin/customers/{id}");
    let res = ctx
        .req("GET", &format!("{path}/readiness"), &ctx.admin, None)
        .await;
    assert_eq!(res.json["ready"], false);
    assert_eq!(
        res.json["missing"],
        json!(["price_list", "credit", "warehouse", "shipping_method"])
    );

    // References must exist.
    let res = ctx
        .req(
            "PATCH",
            &path,
            &ctx.admin,
            Some(json!({"price_list_id": "pl-x", "warehouse_ids": ["wh-x"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    assert_eq!(res.json["errors"][0]["field"], "price_list_id");
    assert_eq!(res.json["errors"][1]["field"], "warehouse_ids[0]");
    put_price_list(&ctx.env.app, "pl-x", "MXN").await;
    put_warehouse(&ctx.env.app, "wh-x").await;
    put_warehouse(&ctx.env.app, "wh-y").await;
    let res = ctx
        .req(
            "PATCH",
            &path,
            &ctx.admin,
            Some(json!({
                "price_list_id": "pl-x", "warehouse_ids": ["wh-x", "wh-y"], "default_warehouse_id": "wh-y",
                "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "50000.00", "currency": "MXN"},
                "shipping_method": "Paquetería", "tags": ["vip", "south"]
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["default_warehouse_id"], "wh-y");
    assert_eq!(res.json["credit"]["limit"], "50000.00");
    // Untouched fields stay.
    assert_eq!(res.json["phone"], "528112345678");
    assert_eq!(res.json["language"], "en");
    let res = ctx
        .req("GET", &format!("{path}/readiness"), &ctx.admin, None)
        .await;
    assert_eq!(res.json["ready"], true, "{}", res.json);
    assert_eq!(res.json["missing"], json!([]));

    // Readiness checks existence: a warehouse that disappears makes it not ready again.
    ctx.env
        .app
        .store
        .delete(&keys::warehouse_pk("wh-y"), keys::META_SK)
        .await
        .unwrap();
    let res = ctx
        .req("GET", &format!("{path}/readiness"), &ctx.admin, None)
        .await;
    assert_eq!(res.json["missing"], json!(["warehouse"]));
    assert_eq!(res.json["problems"][0]["field"], "warehouse_ids[1]");

    // null clears a field; tag memberships follow the profile.
    let res = ctx
        .req(
            "PATCH",
            &path,
            &ctx.admin,
            Some(json!({"shipping_method": null})),
        )
        .await;
    assert_eq!(res.json["shipping_method"], Value::Null);
    assert_eq!(ctx.list(&ctx.admin, "?tag=south").await, ["Acme"]);
    assert!(ctx.list(&ctx.admin, "?tag=north").await.is_empty());

    // Default warehouse must be one of the customer's.
    let res = ctx
        .req(
            "PATCH",
            &path,
            &ctx.admin,
            Some(json!({"default_warehouse_id": "wh-z"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "default_warehouse_id");

    let res = ctx
        .req("GET", "/v1/admin/customers/nope", &ctx.admin, None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn list_filters_by_status_tag_text_and_agent_with_paging() {
    let ctx = setup().await;
    let agent = put_staff(
        &ctx.env.app,
        "al@seller.com",
        "Al Agent",
        StaffRole::Agent,
        None,
    )
    .await;
    let mut a = basic("Alfa");
    a["tags"] = json!(["vip"]);
    a["agent_id"] = json!(agent.id);
    ctx.create(a).await;
    let mut b = basic("Bravo");
    b["tags"] = json!(["vip"]);
    b["status"] = json!("inactive");
    ctx.create(b).await;
    let mut c = basic("Charlie");
    c["tax_id"] = json!("CHX-99");
    ctx.create(c).await;

    assert_eq!(ctx.list(&ctx.admin, "").await.len(), 3);
    assert_eq!(
        ctx.list(&ctx.admin, "?status=active").await,
        ["Alfa", "Charlie"]
    );
    assert_eq!(ctx.list(&ctx.admin, "?status=inactive").await, ["Bravo"]);
    let mut vip = ctx.list(&ctx.admin, "?tag=VIP").await;
    vip.sort();
    assert_eq!(vip, ["Alfa", "Bravo"]);
    assert_eq!(
        ctx.list(&ctx.admin, "?tag=vip&status=inactive").await,
        ["Bravo"]
    );
    assert_eq!(ctx.list(&ctx.admin, "?q=chx").await, ["Charlie"]);
    assert_eq!(ctx.list(&ctx.admin, "?q=buy%40bravo").await, ["Bravo"]);
    assert_eq!(
        ctx.list(&ctx.admin, &format!("?agent={}", agent.id)).await,
        ["Alfa"]
    );

    // Paging follows the cursor to the end.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit=1&cursor={c}"),
            None => "?limit=1".into(),
        };
        let res = ctx
            .req(
                "GET",
                &format!("/v1/admin/customers{query}"),
                &ctx.admin,
                None,
            )
            .await;
        assert!(res.json["items"].as_array().unwrap().len() <= 1);
        for c in res.json["items"].as_array().unwrap() {
            seen.push(c["name"].as_str().unwrap().to_string());
        }
        match res.json["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, ["Alfa", "Bravo", "Charlie"]);

    for (query, field) in [
        ("?status=gone", "status"),
        ("?tag=has%20space", "tag"),
        ("?limit=500", "limit"),
        ("?cursor=garbage", "cursor"),
    ] {
        let res = ctx
            .req(
                "GET",
                &format!("/v1/admin/customers{query}"),
                &ctx.admin,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(res.json["errors"][0]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn agents_only_see_their_own_customers() {
    let ctx = setup().await;
    let agent = put_staff(
        &ctx.env.app,
        "al@seller.com",
        "Al Agent",
        StaffRole::Agent,
        None,
    )
    .await;
    let other = put_staff(
        &ctx.env.app,
        "bo@seller.com",
        "Bo Agent",
        StaffRole::Agent,
        None,
    )
    .await;
    let agent_token = staff_token(&ctx.env.app, &agent.id, "Al Agent", StaffRole::Agent);
    let mut mine = basic("Mine");
    mine["agent_id"] = json!(agent.id);
    let mine = ctx.create(mine).await["id"].as_str().unwrap().to_string();
    let mut theirs = basic("Theirs");
    theirs["agent_id"] = json!(other.id);
    let theirs = ctx.create(theirs).await["id"].as_str().unwrap().to_string();
    let unassigned = ctx.create(basic("Nobody")).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    assert_eq!(ctx.list(&agent_token, "").await, ["Mine"]);
    assert_eq!(ctx.list(&agent_token, "?status=active").await, ["Mine"]);
    assert!(ctx
        .list(&agent_token, &format!("?agent={}", other.id))
        .await
        .is_empty());

    for id in [&theirs, &unassigned] {
        let base = format!("/v1/admin/customers/{id}");
        let cases: Vec<(&str, String, Option<Value>)> = vec![
            ("GET", base.clone(), None),
            ("PATCH", base.clone(), Some(json!({"shipping_method": "x"}))),
            ("GET", format!("{base}/readiness"), None),
            (
                "POST",
                format!("{base}/status"),
                Some(json!({"status": "blocked"})),
            ),
            ("GET", format!("{base}/contacts"), None),
            (
                "POST",
                format!("{base}/contacts"),
                Some(json!({"email": "x@y.co", "name": "X"})),
            ),
            (
                "PATCH",
                format!("{base}/contacts/buy@theirs.com"),
                Some(json!({"name": "Y"})),
            ),
            (
                "POST",
                format!("{base}/contacts/buy@theirs.com/access"),
                Some(json!({"action": "create"})),
            ),
        ];
        for (method, path, body) in cases {
            let res = ctx.req(method, &path, &agent_token, body).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
    }

    // Their own: readable and editable, but no reassigning and no status change.
    let base = format!("/v1/admin/customers/{mine}");
    assert_eq!(
        ctx.req("GET", &base, &agent_token, None).await.status,
        StatusCode::OK
    );
    let res = ctx
        .req(
            "PATCH",
            &base,
            &agent_token,
            Some(json!({"shipping_method": "Moto"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = ctx
        .req(
            "PATCH",
            &base,
            &agent_token,
            Some(json!({"agent_id": other.id})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json["errors"][0]["field"], "agent_id");
    let res = ctx
        .req(
            "POST",
            &format!("{base}/status"),
            &agent_token,
            Some(json!({"status": "blocked"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = ctx
        .req(
            "POST",
            "/v1/admin/customers",
            &agent_token,
            Some(basic("New")),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // A contact's session is no staff session; no session is 401.
    let contact = contact_session(&ctx.env.app, &mine, "c@mine.com", "C", Permissions::all()).await;
    let res = ctx.req("GET", &base, &contact, None).await;
    assert!(matches!(
        res.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let res = ctx.req("GET", "/v1/admin/customers", &contact, None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = call(&ctx.router, "GET", &base, None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    // Assigning to a non-agent or unknown staff id is refused.
    let res = ctx
        .req(
            "PATCH",
            &base,
            &ctx.admin,
            Some(json!({"agent_id": "ghost"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "agent_id");
}

#[tokio::test]
async fn status_rules() {
    let ctx = setup().await;
    put_price_list(&ctx.env.app, "pl", "MXN").await;
    put_warehouse(&ctx.env.app, "wh").await;
    let mut body = basic("Zeta");
    body["price_list_id"] = json!("pl");
    body["warehouse_ids"] = json!(["wh"]);
    body["shipping_method"] = json!("courier");
    body["credit"] = json!({"terms": "CASH", "limit": "0", "currency": "MXN"});
    let id = ctx.create(body).await["id"].as_str().unwrap().to_string();
    let base = format!("/v1/admin/customers/{id}");
    let res = ctx
        .req(
            "POST",
            &format!("{base}/contacts"),
            &ctx.admin,
            Some(json!({"email": "z@zeta.com", "name": "Zoe"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let res = ctx
        .req(
            "POST",
            &format!("{base}/contacts/z@zeta.com/access"),
            &ctx.admin,
            Some(json!({"action": "create"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // Inactivating needs the accesses removed first; the problem names them.
    let res = ctx
        .req(
            "POST",
            &format!("{base}/status"),
            &ctx.admin,
            Some(json!({"status": "inactive"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "contacts-have-access");
    assert!(res.json["detail"].as_str().unwrap().contains("z@zeta.com"));
    assert_eq!(res.json["errors"][0]["field"], "contacts.z@zeta.com");

    let res = ctx
        .req(
            "POST",
            &format!("{base}/status"),
            &ctx.admin,
            Some(json!({"status": "pending"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "status");

    ctx.req(
        "POST",
        &format!("{base}/contacts/z@zeta.com/access"),
        &ctx.admin,
        Some(json!({"action": "block"})),
    )
    .await;
    let res = ctx
        .req(
            "POST",
            &format!("{base}/status"),
            &ctx.admin,
            Some(json!({"status": "inactive"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "inactive");
    assert_eq!(ctx.list(&ctx.admin, "?status=inactive").await, ["Zeta"]);
    assert!(ctx.list(&ctx.admin, "?status=active").await.is_empty());

    // An inactive customer gets no new accesses.
    let res = ctx
        .req(
            "POST",
            &format!("{base}/contacts/z@zeta.com/access"),
            &ctx.admin,
            Some(json!({"action": "unblock"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "customer-not-active");
}

#[tokio::test]
async fn bad_input_on_customer_routes_names_the_field_and_writes_nothing() {
    let ctx = setup().await;
    let id = ctx.create(basic("Omega")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = item_count(&ctx.env.app).await;
    let patch_path = format!("/v1/admin/customers/{id}");
    let status_path = format!("/v1/admin/customers/{id}/status");
    let cases: Vec<(&str, &str, Value, StatusCode, &str)> = vec![
        (
            "POST",
            "/v1/admin/customers",
            json!({"tax_id": "T", "email": "a@b.co"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            "POST",
            "/v1/admin/customers",
            json!({"name": 7, "tax_id": "T", "email": "a@b.co"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            "POST",
            "/v1/admin/customers",
            json!({"name": "N", "tax_id": "T", "email": "nope"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            "POST",
            "/v1/admin/customers",
            json!({"name": "N", "tax_id": "T", "email": "a@b.co", "credit": {"terms": "CASH", "limit": "abc", "currency": "MXN"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "credit.limit",
        ),
        // Money the credit check adds up must stay far from the decimal's limits.
        (
            "PATCH",
            &patch_path,
            json!({"credit": {"terms": "CREDIT", "credit_days": 30, "limit": "79228162514264337593543950335", "currency": "MXN"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "credit.limit",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"open_orders_cap": "1000000000000.01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "open_orders_cap",
        ),
        (
            "POST",
            "/v1/admin/customers",
            json!({"name": "N", "tax_id": "T", "email": "a@b.co", "tags": ["ok", "not ok"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "tags[1]",
        ),
        (
            "POST",
            "/v1/admin/customers",
            json!({"name": "N", "tax_id": "T", "email": "a@b.co", "addresses": [{"kind": "home", "line1": "x", "city": "y", "postal_code": "1", "country": "MX"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "addresses[0].kind",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"email": "still not"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"warehouse_ids": "wh-1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "warehouse_ids",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"discount_percent": "150"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "discount_percent",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"nmae": "typo"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "nmae",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"credit": {"terms": "CREDIT", "credit_days": 30, "limit": "1", "currency": "pesos"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "credit.currency",
        ),
        (
            "POST",
            &status_path,
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status",
        ),
        (
            "POST",
            &status_path,
            json!({"status": "deleted"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status",
        ),
        (
            "POST",
            &status_path,
            json!({"status": 3}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status",
        ),
        (
            "PATCH",
            &patch_path,
            json!({"language": 3}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "language",
        ),
    ];
    for (method, path, body, status, field) in cases {
        let res = ctx.req(method, path, &ctx.admin, Some(body.clone())).await;
        assert_eq!(res.status, status, "{method} {path} {body}: {}", res.json);
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
    for (method, path) in [
        ("POST", "/v1/admin/customers"),
        ("PATCH", patch_path.as_str()),
        ("POST", status_path.as_str()),
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
    let res = ctx.req("GET", &patch_path, &ctx.admin, None).await;
    assert_eq!(res.json["name"], "Omega");
    assert_eq!(res.json["email"], "buy@omega.com");
}

/// Issue 11 item 5: an agent may serve its customer but not set its commercial terms; each
/// such field is a 403 problem naming it, and nothing changes.
#[tokio::test]
async fn an_agent_cannot_change_commercial_terms() {
    let ctx = setup().await;
    put_price_list(&ctx.env.app, "MAYOREO", "MXN").await;
    put_price_list(&ctx.env.app, "DISTRIB", "MXN").await;
    let agent = put_staff(
        &ctx.env.app,
        "al@seller.com",
        "Al Agent",
        StaffRole::Agent,
        None,
    )
    .await;
    let agent_token = staff_token(&ctx.env.app, &agent.id, "Al Agent", StaffRole::Agent);
    let mut body = basic("Mine");
    body["agent_id"] = json!(agent.id);
    body["price_list_id"] = json!("MAYOREO");
    body["credit"] =
        json!({"terms": "CREDIT", "credit_days": 30, "limit": "1000.00", "currency": "MXN"});
    body["discount_percent"] = json!("5");
    let id = ctx.create(body).await["id"].as_str().unwrap().to_string();
    let path = format!("/v1/admin/customers/{id}");
    let before = ctx.req("GET", &path, &ctx.admin, None).await.json;

    let cases = [
        (
            json!({"credit": {"terms": "CREDIT", "credit_days": 90, "limit": "999999.00", "currency": "MXN"}}),
            "credit",
        ),
        (json!({"credit": null}), "credit"),
        (json!({"price_list_id": "DISTRIB"}), "price_list_id"),
        (json!({"open_orders_cap": "1000000"}), "open_orders_cap"),
        (json!({"discount_percent": "100"}), "discount_percent"),
        (
            json!({"catalog_access": {"mode": "types", "types": ["tools"]}}),
            "catalog_access",
        ),
        (
            json!({"shipping_method": "Moto", "discount_percent": "99"}),
            "discount_percent",
        ),
    ];
    for (patch, field) in cases {
        let res = ctx
            .req("PATCH", &path, &agent_token, Some(patch.clone()))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{patch}: {}", res.json);
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
        assert_eq!(res.json["code"], "forbidden");
        let fields: Vec<&str> = res.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, [field], "{patch}: {}", res.json);
    }
    // Nothing changed, not even the allowed field sent along with a refused one.
    assert_eq!(ctx.req("GET", &path, &ctx.admin, None).await.json, before);

    // The terms sent back unchanged (a form saving the whole profile) pass, with the rest.
    let res = ctx
        .req(
            "PATCH",
            &path,
            &agent_token,
            Some(
                json!({"shipping_method": "Moto", "price_list_id": "MAYOREO",
                "discount_percent": "5.0", "credit": before["credit"].clone()}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["shipping_method"], "Moto");
    // An admin changes them.
    let res = ctx
        .req(
            "PATCH",
            &path,
            &ctx.admin,
            Some(json!({"discount_percent": "10", "price_list_id": "DISTRIB"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["price_list_id"], "DISTRIB");
}
