//! Every customer sees only its own orders and quotes (another's answer 404), and bad input on
//! every write route is a 4xx problem+json naming the field, with nothing written.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use shared::auth::Permissions;

#[tokio::test]
async fn a_contact_of_one_customer_cannot_reach_anything_of_another() {
    let w = World::new().await;
    w.item("A", "10.00", 50).await;
    let a = w.customer("Alpha", CustomerSpec::default()).await;
    let b = w.customer("Beta", CustomerSpec::default()).await;
    let ta = w.contact(&a, "ana@alpha.mx", Permissions::all()).await;
    let tb = w.contact(&b, "bo@beta.mx", Permissions::all()).await;

    let res = w
        .place(&tb, "b1", json!({"lines": [{"sku": "A", "quantity": 2}]}))
        .await;
    let b_order = res.json["id"].as_str().unwrap().to_string();
    w.place(&tb, "b2", json!({"lines": [{"sku": "A", "quantity": 1}]}))
        .await;
    let res = w
        .call(
            "POST",
            "/v1/quotes",
            &tb,
            Some(json!({"lines": [{"sku": "A", "quantity": 3}]})),
        )
        .await;
    let b_quote = res.json["id"].as_str().unwrap().to_string();
    let until = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/quotes/{b_quote}/answer"),
            &w.admin_token,
            Some(json!({"lines": [{"sku": "A", "unit_price": "1"}], "valid_until": until})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);

    for token in [ta.clone(), w.impersonation_token(&a)] {
        for (method, path) in [
            ("GET", format!("/v1/orders/{b_order}")),
            ("POST", format!("/v1/orders/{b_order}/cancel")),
            ("GET", format!("/v1/quotes/{b_quote}")),
            ("POST", format!("/v1/quotes/{b_quote}/accept")),
        ] {
            let res = w.call(method, &path, &token, None).await;
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "{method} {path}: {}",
                res.json
            );
            assert_eq!(
                res.content_type.as_deref(),
                Some("application/problem+json")
            );
        }
        let res = w.call("GET", "/v1/orders", &token, None).await;
        assert_eq!(res.json["items"], json!([]));
        let res = w.call("GET", "/v1/quotes", &token, None).await;
        assert_eq!(res.json["items"], json!([]));
    }
    // B's order and quote are untouched.
    assert_eq!(w.stock("A").await, (50, 3));
    let res = w
        .call("GET", &format!("/v1/quotes/{b_quote}"), &tb, None)
        .await;
    assert_eq!(res.json["status"], "answered");

    // A cursor of B's list does not open B's partition to A.
    let res = w.call("GET", "/v1/orders?limit=1", &tb, None).await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
    let cursor = res.json["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let res = w
        .call(
            "GET",
            &format!("/v1/orders?limit=1&cursor={cursor}"),
            &tb,
            None,
        )
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(res.json["next_cursor"], serde_json::Value::Null);
    let res = w
        .call(
            "GET",
            &format!("/v1/orders?limit=1&cursor={cursor}"),
            &ta,
            None,
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "cursor");
    let res = w.call("GET", "/v1/orders?limit=0", &ta, None).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "limit");
    let res = w.call("GET", "/v1/orders?status=gone", &ta, None).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "status");

    // Staff-only routes refuse contacts; customer routes refuse staff sessions.
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{b_order}/claim"),
            &ta,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = w.call("GET", "/v1/orders", &w.admin_token, None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = shared::testing::call(&w.router, "GET", "/v1/orders", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

/// method, path, token, raw body, headers, expected status, the field named.
type Case<'a> = (
    &'a str,
    String,
    &'a str,
    Option<String>,
    &'a [(&'a str, &'a str)],
    StatusCode,
    &'a str,
);

#[tokio::test]
async fn bad_input_on_every_write_route_names_the_field_and_writes_nothing() {
    let w = World::new().await;
    w.item("A", "10.00", 50).await;
    let c = w.customer("Alpha", CustomerSpec::default()).await;
    let t = w.contact(&c, "ana@alpha.mx", Permissions::all()).await;
    let res = w
        .place(&t, "o", json!({"lines": [{"sku": "A", "quantity": 1}]}))
        .await;
    let order = res.json["id"].as_str().unwrap().to_string();
    let res = w
        .call(
            "POST",
            "/v1/quotes",
            &t,
            Some(json!({"lines": [{"sku": "A", "quantity": 3}]})),
        )
        .await;
    let quote = res.json["id"].as_str().unwrap().to_string();
    let admin = w.admin_token.clone();
    let long = "x".repeat(2001);
    let key = [("idempotency-key", "fresh-key")];

    let cases: Vec<Case> = vec![
        (
            "PUT",
            "/v1/cart".into(),
            &t,
            Some("{".into()),
            &[],
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "PUT",
            "/v1/cart".into(),
            &t,
            Some(json!({}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines",
        ),
        (
            "PUT",
            "/v1/cart".into(),
            &t,
            Some(json!({"lines": [{"sku": "A", "quantity": "two"}]}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].quantity",
        ),
        (
            "POST",
            "/v1/orders".into(),
            &t,
            Some("[1]".into()),
            &key,
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "POST",
            "/v1/orders".into(),
            &t,
            Some(json!({"lines": [{"sku": "A"}]}).to_string()),
            &key,
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].quantity",
        ),
        (
            "POST",
            "/v1/orders".into(),
            &t,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}], "note": long}).to_string()),
            &key,
            StatusCode::UNPROCESSABLE_ENTITY,
            "note",
        ),
        (
            "POST",
            "/v1/orders".into(),
            &t,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}]}).to_string()),
            &[("idempotency-key", "has spaces in it")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Idempotency-Key",
        ),
        (
            "POST",
            format!("/v1/orders/{order}/cancel"),
            &t,
            Some("{nope".into()),
            &[],
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "POST",
            format!("/v1/orders/{order}/cancel"),
            &t,
            Some(json!({"reason": "x".repeat(1001)}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        ),
        (
            "POST",
            format!("/v1/orders/{order}/cancel"),
            &t,
            Some(json!({"reason": 5}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        ),
        (
            "POST",
            "/v1/quotes".into(),
            &t,
            Some(json!({"lines": []}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines",
        ),
        (
            "POST",
            "/v1/quotes".into(),
            &t,
            Some(json!({"lines": [{"sku": "NOPE", "quantity": 1}]}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].sku",
        ),
        (
            "POST",
            "/v1/quotes".into(),
            &t,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}], "warehouse_id": "W9"}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "warehouse_id",
        ),
        (
            "POST",
            format!("/v1/admin/orders/{order}/cancel"),
            &admin,
            Some(json!({"reason": "x".repeat(1001)}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        ),
        (
            "POST",
            format!("/v1/admin/customers/{c}/orders"),
            &admin,
            Some(json!({}).to_string()),
            &key,
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines",
        ),
        (
            "POST",
            format!("/v1/admin/customers/{c}/orders"),
            &admin,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}]}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Idempotency-Key",
        ),
        (
            "POST",
            format!("/v1/admin/quotes/{quote}/answer"),
            &admin,
            Some(
                json!({"lines": [{"sku": "A", "unit_price": "1"}], "valid_until": "soon"})
                    .to_string(),
            ),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "valid_until",
        ),
        (
            "POST",
            format!("/v1/admin/quotes/{quote}/answer"),
            &admin,
            Some(
                json!({"lines": [{"sku": "B", "unit_price": "1"}], "valid_until": "2099-01-01"})
                    .to_string(),
            ),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].sku",
        ),
        (
            "POST",
            format!("/v1/admin/quotes/{quote}/answer"),
            &admin,
            Some(json!({"lines": [{"sku": "A", "unit_price": "cheap"}]}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].unit_price",
        ),
        (
            "POST",
            format!("/v1/admin/quotes/{quote}/answer"),
            &admin,
            Some(json!({"lines": [{"sku": "A", "unit_price": "1"}]}).to_string()),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "valid_until",
        ),
    ];
    let before = w.item_count().await;
    for (method, path, token, body, headers, status, field) in cases {
        let res = shared::testing::call_raw(
            &w.router,
            method,
            &path,
            Some(token),
            body.map(String::into_bytes),
            headers,
        )
        .await;
        assert_eq!(res.status, status, "{method} {path}: {}", res.json);
        assert_problem(&res, status, field);
    }
    // Unknown ids: 404 problems.
    for (method, path, token) in [
        ("POST", "/v1/orders/nope/cancel", &t),
        ("POST", "/v1/quotes/nope/accept", &t),
        ("POST", "/v1/admin/orders/nope/claim", &admin),
        ("POST", "/v1/admin/orders/nope/fulfil", &admin),
        ("GET", "/v1/admin/quotes/nope", &admin),
    ] {
        let res = w.call(method, path, token, None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
    }
    assert_eq!(
        w.item_count().await,
        before,
        "nothing written by any refused request"
    );
    assert_eq!(w.stock("A").await, (50, 1));
}
