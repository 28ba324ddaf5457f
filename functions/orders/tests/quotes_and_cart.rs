//! F21 the cart and F26 quotes: priced live, validated against the customer's catalog, ordered
//! from; requested, answered, accepted into an order at the quoted prices, or expired.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use shared::auth::Permissions;
use shared::customers::CatalogAccess;
use shared::store::keys;

#[tokio::test]
async fn the_cart_is_priced_live_and_becomes_an_order() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 5).await;
    w.item("B", "2.50", 100).await;

    let res = w.call("GET", "/v1/cart", &token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["lines"], json!([]));
    assert_eq!(res.json["updated_at"], serde_json::Value::Null);

    let res = w
        .call(
            "PUT",
            "/v1/cart",
            &token,
            Some(json!({"lines": [{"sku": "a", "quantity": 7}, {"sku": "B", "quantity": 4}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    // Short stock is shown, not refused.
    assert_eq!(res.json["lines"][0]["reason"], "stock_short");
    assert_eq!(res.json["all_purchasable"], false);
    assert_eq!(res.json["warehouse_id"], WH);

    // Another device of the same contact sees it; prices are today's.
    w.item("B", "3.00", 100).await;
    let res = w.call("GET", "/v1/cart", &token, None).await;
    assert_eq!(res.json["lines"][1]["unit_price"], "3.00");
    assert!(res.json["updated_at"].is_string());
    // Another contact of the customer has its own cart.
    let other = w.contact(&c, "bo@uno.mx", Permissions::all()).await;
    assert_eq!(
        w.call("GET", "/v1/cart", &other, None).await.json["lines"],
        json!([])
    );

    // Ordering the cart as it is: refused (A short), naming the cart's line.
    let res = w.place(&token, "cart-1", json!({})).await;
    assert_code(&res, StatusCode::CONFLICT, "stock-short");
    assert_eq!(
        res.json["short_lines"][0]["field"],
        "cart.lines[0].quantity"
    );

    let res = w
        .call(
            "PUT",
            "/v1/cart",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 5}, {"sku": "B", "quantity": 4}]})),
        )
        .await;
    assert_eq!(res.json["all_purchasable"], true);
    let res = w
        .place(&token, "cart-2", json!({"note": "from the cart"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["lines"].as_array().unwrap().len(), 2);
    assert_eq!(w.stock("A").await, (5, 5));
    // The same transaction emptied the cart.
    let res = w.call("GET", "/v1/cart", &token, None).await;
    assert_eq!(res.json["lines"], json!([]));
    let res = w.place(&token, "cart-3", json!({})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines");
}

#[tokio::test]
async fn the_cart_only_holds_what_the_customer_may_buy() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    // Only listed SKUs for this customer.
    let mut customer: shared::customers::Customer = w
        .store()
        .get(&keys::customer_pk(&c), keys::CUSTOMER_PROFILE_SK)
        .await
        .unwrap()
        .unwrap();
    customer.catalog_access = CatalogAccess::Items {
        skus: vec!["A".into()],
    };
    w.store()
        .put(
            &shared::customers::profile::customer_keys(&customer),
            &customer,
        )
        .await
        .unwrap();
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 5).await;
    w.item("HIDDEN", "10.00", 5).await;

    let before = w.item_count().await;
    let res = w
        .call(
            "PUT",
            "/v1/cart",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}, {"sku": "HIDDEN", "quantity": 1}]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[1].sku");
    assert!(
        !res.json.to_string().contains("Item HIDDEN"),
        "nothing about the hidden item leaks"
    );
    let res = w
        .call(
            "PUT",
            "/v1/cart",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 0}]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[0].quantity");
    let res = w
        .call(
            "PUT",
            "/v1/cart",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}], "warehouse_id": "W9"})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "warehouse_id");
    let res = w
        .call("PUT", "/v1/cart", &token, Some(json!({"items": []})))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.item_count().await, before, "nothing written");
    // Ordering it is refused the same way.
    let res = w
        .place(
            &token,
            "h",
            json!({"lines": [{"sku": "HIDDEN", "quantity": 1}]}),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[0].sku");
}

#[tokio::test]
async fn a_huge_quoted_price_is_a_problem_naming_the_line_not_an_overflow() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 50).await;
    let res = w
        .call(
            "POST",
            "/v1/quotes",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 20}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let quote_id = res.json["id"].as_str().unwrap().to_string();
    let answer_path = format!("/v1/admin/quotes/{quote_id}/answer");
    let valid_until = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    // The largest decimal there is: times 20 units it overflows.
    for price in ["79228162514264337593543950335", "1000000000.01"] {
        let res = w
            .call(
                "POST",
                &answer_path,
                &w.admin_token,
                Some(json!({"lines": [{"sku": "A", "unit_price": price}], "valid_until": valid_until})),
            )
            .await;
        assert_problem(
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].unit_price",
        );
    }
    let res = w
        .call("GET", &format!("/v1/quotes/{quote_id}"), &token, None)
        .await;
    assert_eq!(res.json["status"], "requested", "nothing changed");
    // The bound itself is a price.
    let res = w
        .call(
            "POST",
            &answer_path,
            &w.admin_token,
            Some(json!({"lines": [{"sku": "A", "unit_price": "1000000000"}], "valid_until": valid_until})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["lines"][0]["subtotal"], "20000000000.00");
}

#[tokio::test]
async fn a_quote_is_requested_answered_and_accepted_into_an_order() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 50).await;
    w.item("B", "20.00", 50).await;

    let res = w
        .call("POST", "/v1/quotes", &token, Some(json!({"lines": [{"sku": "A", "quantity": 20}, {"sku": "B", "quantity": 10}], "note": "Volume price?"})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let quote_id = res.json["id"].as_str().unwrap().to_string();
    assert_eq!(res.json["status"], "requested");
    assert_eq!(res.json["lines"][0]["list_unit_price"], "10.00");
    // Not answered yet: cannot be accepted; no stock reserved by a request.
    let res = w
        .call(
            "POST",
            &format!("/v1/quotes/{quote_id}/accept"),
            &token,
            None,
        )
        .await;
    assert_code(&res, StatusCode::CONFLICT, "quote-not-acceptable");
    assert_eq!(w.stock("A").await, (50, 0));

    // Staff find it and answer; a line without a price is refused.
    let res = w
        .call(
            "GET",
            "/v1/admin/quotes?status=requested",
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["id"], quote_id.as_str());
    let answer_path = format!("/v1/admin/quotes/{quote_id}/answer");
    let valid_until = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    let res = w
        .call(
            "POST",
            &answer_path,
            &w.admin_token,
            Some(
                json!({"lines": [{"sku": "A", "unit_price": "8.50"}], "valid_until": valid_until}),
            ),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines");
    let res = w
        .call("POST", &answer_path, &w.admin_token, Some(json!({"lines": [{"sku": "A", "unit_price": "8.50"}, {"sku": "B", "unit_price": "-1"}], "valid_until": "2020-01-01"})))
        .await;
    assert_problem(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "lines[1].unit_price",
    );
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "valid_until");
    let res = w
        .call(
            "POST",
            &answer_path,
            &w.admin_token,
            Some(json!({"lines": [{"sku": "A", "unit_price": "8.50"}, {"sku": "B", "unit_price": "18"}], "valid_until": valid_until, "note": "Best we can do"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "answered");
    // 170 + 180 = 350, tax 56.
    assert_eq!(res.json["total"], "406.00");
    let res = w.call("POST", &answer_path, &w.admin_token, Some(json!({"lines": [{"sku": "A", "unit_price": "1"}, {"sku": "B", "unit_price": "1"}], "valid_until": valid_until}))).await;
    assert_code(&res, StatusCode::CONFLICT, "invalid-transition");

    // The customer is emailed the answer.
    let events = w.email_events(1).await;
    assert_eq!(events[0].kind, "QuoteAnswered");
    assert_eq!(events[0].data["to"]["email"], "ana@uno.mx");
    assert!(matches!(
        shared::email::deliver(&w.env.app, &events[0])
            .await
            .unwrap(),
        shared::email::Delivery::Sent { .. }
    ));

    // Accepting places an order at the quoted prices, reserving stock now.
    w.item("A", "99.00", 50).await;
    let res = w
        .call(
            "POST",
            &format!("/v1/quotes/{quote_id}/accept"),
            &token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["status"], "placed");
    assert_eq!(res.json["quote_id"], quote_id.as_str());
    assert_eq!(res.json["lines"][0]["unit_price"], "8.50");
    assert_eq!(res.json["total"], "406.00");
    let order_id = res.json["id"].clone();
    assert_eq!(w.stock("A").await, (50, 20));
    // Accepting again answers the same order.
    let again = w
        .call(
            "POST",
            &format!("/v1/quotes/{quote_id}/accept"),
            &token,
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json["id"], order_id);
    assert_eq!(w.stock("A").await, (50, 20));
    let res = w
        .call("GET", &format!("/v1/quotes/{quote_id}"), &token, None)
        .await;
    assert_eq!(res.json["status"], "accepted");
    assert_eq!(res.json["order_id"], order_id);
}

#[tokio::test]
async fn an_expired_quote_cannot_be_accepted_and_permissions_apply() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 50).await;
    let no_quotes = w
        .contact(
            &c,
            "viewer@uno.mx",
            Permissions {
                create_quotes: false,
                ..Permissions::all()
            },
        )
        .await;
    let res = w
        .call(
            "POST",
            "/v1/quotes",
            &no_quotes,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}]})),
        )
        .await;
    assert_code(&res, StatusCode::FORBIDDEN, "forbidden");

    let res = w
        .call(
            "POST",
            "/v1/quotes",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 1}]})),
        )
        .await;
    let id = res.json["id"].as_str().unwrap().to_string();
    let until = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/quotes/{id}/answer"),
            &w.admin_token,
            Some(json!({"lines": [{"sku": "A", "unit_price": "9"}], "valid_until": until})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let res = w
        .call("GET", &format!("/v1/quotes/{id}"), &token, None)
        .await;
    assert_eq!(res.json["status"], "expired");
    let res = w
        .call("POST", &format!("/v1/quotes/{id}/accept"), &token, None)
        .await;
    assert_code(&res, StatusCode::CONFLICT, "quote-not-acceptable");
    assert_eq!(w.stock("A").await, (50, 0));
    // The schedule marks it expired for the staff lists too.
    let summary = orders::expire_due_orders(w.env.app()).await.unwrap();
    assert!(summary.contains("\"quotes_expired\":1"), "{summary}");
    let res = w
        .call(
            "GET",
            "/v1/admin/quotes?status=expired",
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["id"], id.as_str());
}
