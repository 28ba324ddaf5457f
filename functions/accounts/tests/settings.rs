//! F33 store settings: admin-only round trip, validation naming the field, nothing written on
//! bad input.

mod staff_common;

use axum::http::StatusCode;
use serde_json::{json, Value};
use staff_common::{assert_rejects_bad_input, setup};

fn valid() -> Value {
    json!({
        "b2b_mode": false,
        "stock_display": "yes_no",
        "order_claim_hours": 24,
        "default_open_orders_cap": "150000.00",
        "seller_notification_emails": ["Orders@Seller.com", "boss@seller.com"],
        "seller_whatsapp": "+52 55 1234 5678",
        "sender_email": "shop@seller.com",
        "store_name": "  Seller Mayoreo ",
        "default_language": "pt-BR",
        "default_currency": "BRL"
    })
}

#[tokio::test]
async fn admins_read_and_replace_the_settings() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let (_, agent) = ctx.agent("agent@seller.com", "Agent").await;

    let res = ctx
        .call("GET", "/v1/admin/settings", Some(&admin), None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["b2b_mode"], true, "defaults before any save");
    assert_eq!(res.json["updated_at"], Value::Null);

    let res = ctx
        .call("PUT", "/v1/admin/settings", Some(&admin), Some(valid()))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let saved = ctx
        .call("GET", "/v1/admin/settings", Some(&admin), None)
        .await
        .json;
    assert_eq!(saved, res.json);
    assert_eq!(saved["b2b_mode"], false);
    assert_eq!(saved["stock_display"], "yes_no");
    assert_eq!(saved["order_claim_hours"], 24);
    assert_eq!(saved["default_open_orders_cap"], "150000.00");
    assert_eq!(
        saved["seller_notification_emails"],
        json!(["orders@seller.com", "boss@seller.com"])
    );
    assert_eq!(saved["seller_whatsapp"], "525512345678");
    assert_eq!(saved["sender_email"], "shop@seller.com");
    assert_eq!(saved["store_name"], "Seller Mayoreo");
    assert_eq!(saved["default_language"], "pt-BR");
    assert_eq!(saved["default_currency"], "BRL");
    assert!(saved["updated_at"].is_string());

    // The shared loader sees the same.
    let loaded = shared::settings::load(&ctx.env.app.store).await.unwrap();
    assert_eq!(loaded.order_claim_hours, 24);

    for (method, body) in [("GET", None), ("PUT", Some(valid()))] {
        let res = ctx
            .call(method, "/v1/admin/settings", Some(&agent), body)
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{method}");
    }
    assert_eq!(
        ctx.call("GET", "/v1/admin/settings", None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn bad_settings_are_refused_and_nothing_is_written() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    ctx.call("PUT", "/v1/admin/settings", Some(&admin), Some(valid()))
        .await;
    let before = ctx
        .call("GET", "/v1/admin/settings", Some(&admin), None)
        .await
        .json;

    let with = |key: &str, value: Value| {
        let mut body = valid();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = valid();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    assert_rejects_bad_input(
        &ctx,
        "PUT",
        "/v1/admin/settings",
        &admin,
        &[
            (without("b2b_mode"), "b2b_mode"),
            (without("default_currency"), "default_currency"),
            (with("b2b_mode", json!("yes")), "b2b_mode"),
            (with("stock_display", json!("exact")), "stock_display"),
            (with("order_claim_hours", json!(0)), "order_claim_hours"),
            (with("order_claim_hours", json!(-5)), "order_claim_hours"),
            (
                with("order_claim_hours", json!(10_000)),
                "order_claim_hours",
            ),
            (
                with("default_open_orders_cap", json!("-1.00")),
                "default_open_orders_cap",
            ),
            (
                with("default_open_orders_cap", json!("lots")),
                "default_open_orders_cap",
            ),
            (
                with("seller_notification_emails", json!(["ok@x.com", "nope"])),
                "seller_notification_emails[1]",
            ),
            (with("sender_email", json!("not an email")), "sender_email"),
            (with("seller_whatsapp", json!("12")), "seller_whatsapp"),
            (with("store_name", json!(" ")), "store_name"),
            (with("default_language", json!("fr")), "default_language"),
            (with("default_currency", json!("mx")), "default_currency"),
        ],
    )
    .await;
    let after = ctx
        .call("GET", "/v1/admin/settings", Some(&admin), None)
        .await
        .json;
    assert_eq!(before, after, "nothing written");
}
