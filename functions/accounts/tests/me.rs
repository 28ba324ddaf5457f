//! `GET /v1/me` for contacts and staff: principal, customer summary, credit summary and active
//! announcements; the staff user for staff; 401 without a valid session.

mod staff_common;

use axum::http::StatusCode;
use serde_json::json;
use shared::auth::{Permissions, Principal};
use staff_common::setup;

#[tokio::test]
async fn a_contact_sees_its_customer_credit_and_announcements() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let acme = ctx.customer("Acme", &["vip"], None).await;
    let contact = ctx.contact(&acme, "ana@acme.com", None).await;
    let token = ctx.contact_token(&contact);
    let now = chrono::Utc::now();
    let res = ctx
        .call(
            "POST",
            "/v1/admin/announcements",
            Some(&admin),
            Some(
                json!({"title": "Welcome", "body": "New catalog", "audience": "all",
                        "starts_at": (now - chrono::Duration::minutes(5)).to_rfc3339(),
                        "ends_at": (now + chrono::Duration::days(1)).to_rfc3339()}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);

    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let me = &res.json;
    assert_eq!(me["principal"]["kind"], "contact");
    assert_eq!(me["principal"]["sub"], "ana@acme.com");
    assert!(me["principal"].get("impersonated_by").is_none());
    assert_eq!(
        me["customer"],
        json!({"id": acme.id, "name": "Acme", "status": "active", "language": "ro",
               "price_list_id": "pl-1", "warehouse_ids": ["wh-1", "wh-2"],
               "default_warehouse_id": "wh-1", "shipping_method": "courier"})
    );
    assert_eq!(
        me["credit"],
        json!({"terms": "CREDIT", "credit_days": 30, "limit": "50000.00", "currency": "MXN",
               "open_orders": "0.00", "unpaid": "0.00", "available": "50000.00"})
    );
    assert_eq!(me["announcements"][0]["title"], "Welcome");
    assert!(me.get("staff").is_none());
    // Internal data stays internal.
    let text = me.to_string();
    assert!(
        !text.contains("vip") && !text.contains("agent_id"),
        "{text}"
    );
}

#[tokio::test]
async fn the_credit_shown_is_the_credit_ordering_enforces() {
    let ctx = setup().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let contact = ctx.contact(&acme, "ana@acme.com", None).await;
    let token = ctx.contact_token(&contact);
    // Open orders, unpaid MXN invoices, and an unpaid USD invoice that the MXN credit ignores,
    // as the orders function and the documents sync leave the credit record.
    let store = &ctx.env.app.store;
    store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(shared::store::key_of(
            &shared::store::keys::customer_pk(&acme.id),
            shared::store::keys::CREDIT_SK,
        )))
        .update_expression("SET open_orders = :open, unpaid_MXN = :mxn, unpaid_USD = :usd")
        .expression_attribute_values(":open", shared::store::n("1200.5"))
        .expression_attribute_values(":mxn", shared::store::n("1000"))
        .expression_attribute_values(":usd", shared::store::n("999"))
        .send()
        .await
        .unwrap();

    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json["credit"],
        json!({"terms": "CREDIT", "credit_days": 30, "limit": "50000.00", "currency": "MXN",
               "open_orders": "1200.50", "unpaid": "1000.00", "available": "47799.50"})
    );
    let record = shared::orders::credit::CreditRecord::load(store, &acme.id)
        .await
        .unwrap();
    assert_eq!(
        shared::orders::credit::available(&acme, &record).map(|a| a.to_string()),
        Some("47799.50".to_string()),
        "the same figure the order check uses"
    );
}

#[tokio::test]
async fn staff_see_themselves_and_sessions_are_checked() {
    let ctx = setup().await;
    let (admin, token) = ctx.admin().await;
    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["principal"]["kind"], "staff");
    assert_eq!(res.json["principal"]["role"], "admin");
    assert_eq!(res.json["staff"]["id"], admin.id.as_str());
    assert_eq!(res.json["staff"]["email"], "boss@seller.com");
    assert!(res.json.get("customer").is_none());
    assert!(res.json.get("announcements").is_none());

    let expired = Principal::staff(&admin.id, "Bea Boss", shared::auth::StaffRole::Admin, -1)
        .token(ctx.secret());
    let forged = Principal::staff(&admin.id, "Bea Boss", shared::auth::StaffRole::Admin, 60)
        // The key id of the real key, another key.
        .token(&shared::auth::jwt::SigningKeys::single(
            "test",
            b"some-other-secret-that-is-long-enough!!",
        ));
    for bad in [
        Some(expired.as_str()),
        Some(forged.as_str()),
        Some("garbage"),
        None,
    ] {
        let res = ctx.call("GET", "/v1/me", bad, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{bad:?}");
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
    }

    // A contact token for a customer that does not exist (deleted meanwhile) is no session.
    let ghost =
        Principal::contact("x@ghost.com", "X", "ghost", Permissions::all(), 60).token(ctx.secret());
    assert_eq!(
        ctx.call("GET", "/v1/me", Some(&ghost), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn health_says_ok_and_names_no_resource() {
    let ctx = setup().await;
    let res = ctx.call("GET", "/v1/health", None, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json, json!({"status": "ok"}));
    let table = ctx.env.app.store.table().to_string();
    assert!(!res.json.to_string().contains(&table));
}

#[tokio::test]
async fn the_store_time_zone_is_a_setting_and_shows_in_me() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let contact = ctx.contact(&acme, "ana@acme.com", None).await;
    let token = ctx.contact_token(&contact);
    let settings = ctx
        .call("GET", "/v1/admin/settings", Some(&admin), None)
        .await
        .json;
    let mut changed = settings.clone();
    changed["time_zone"] = json!("America/Mexico_City");
    let res = ctx
        .call("PUT", "/v1/admin/settings", Some(&admin), Some(changed))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let mut bad = settings;
    bad["time_zone"] = json!("Mexico City");
    let res = ctx
        .call("PUT", "/v1/admin/settings", Some(&admin), Some(bad))
        .await;
    staff_common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "time_zone");

    let me = ctx.call("GET", "/v1/me", Some(&token), None).await.json;
    assert_eq!(me["store"]["time_zone"], "America/Mexico_City");
    let staff = ctx.call("GET", "/v1/me", Some(&admin), None).await.json;
    assert_eq!(staff["store"]["time_zone"], "America/Mexico_City");
}
