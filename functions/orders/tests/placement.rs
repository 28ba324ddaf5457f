//! F22 placing orders: server-side prices, reservation, idempotency, the refusals (stock,
//! credit, cap, permission, customer state) with nothing written, and the request budget.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use shared::auth::Permissions;
use shared::customers::{CustomerStatus, PaymentTerms};
use shared::store::keys;

#[tokio::test]
async fn an_order_is_priced_on_the_server_and_reserves_its_stock() {
    let w = World::new().await;
    let c = w.customer("Ferretería Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("HAMMER", "100.00", 10).await;
    w.item("NAIL", "0.125", 1000).await;

    // The client's prices are ignored; duplicate SKUs are merged.
    let res = w
        .place(
            &token,
            "k-1",
            json!({"lines": [
                {"sku": "hammer", "quantity": 2, "unit_price": "0.01"},
                {"sku": "NAIL", "quantity": 30},
                {"sku": "HAMMER", "quantity": 1}
            ], "note": " Deliver in the morning "}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let order = &res.json;
    assert_eq!(order["status"], "placed");
    assert_eq!(order["warehouse_id"], WH);
    assert_eq!(order["currency"], "MXN");
    assert_eq!(order["note"], "Deliver in the morning");
    assert_eq!(order["lines"].as_array().unwrap().len(), 2);
    assert_eq!(order["lines"][0]["sku"], "HAMMER");
    assert_eq!(order["lines"][0]["quantity"], 3);
    assert_eq!(order["lines"][0]["unit_price"], "100.00");
    assert_eq!(order["lines"][0]["total"], "348.00");
    // 0.125 x 30 = 3.75; tax 0.60.
    assert_eq!(order["lines"][1]["subtotal"], "3.75");
    assert_eq!(order["subtotal"], "303.75");
    assert_eq!(order["tax"], "48.60");
    assert_eq!(order["total"], "352.35");
    assert_eq!(order["placed_by"]["kind"], "contact");
    assert_eq!(order["placed_by"]["id"], "ana@uno.mx");
    // Claim deadline: the settings' 48 hours.
    let expires =
        chrono::DateTime::parse_from_rfc3339(order["expires_at"].as_str().unwrap()).unwrap();
    let hours =
        (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((47.9..=48.0).contains(&hours), "{hours}");

    assert_eq!(w.stock("HAMMER").await, (10, 3));
    assert_eq!(w.stock("NAIL").await, (1000, 30));
    assert_eq!(w.credit(&c).await.open_orders, d("352.35"));

    let id = order["id"].as_str().unwrap();
    let res = w
        .call("GET", &format!("/v1/orders/{id}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["total"], "352.35");
    let res = w.call("GET", "/v1/orders", &token, None).await;
    assert_eq!(res.json["items"][0]["id"], id);
    assert_eq!(res.json["items"][0]["line_count"], 2);
    let res = w
        .call("GET", "/v1/orders?status=claimed", &token, None)
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 0);

    // F10: the order is on the customer's activity.
    let activity = shared::activity::list(w.store(), &c, 10, None)
        .await
        .unwrap();
    assert!(activity
        .items
        .iter()
        .any(|a| a.kind == "order_placed" && a.actor == "ana@uno.mx"));
}

#[tokio::test]
async fn the_seller_and_the_customer_are_emailed_in_their_languages() {
    let w = World::new().await;
    let c = w.customer("Ferretería Dos", CustomerSpec::default()).await;
    let email = format!("buyer-{}@dos.mx", &c[24..]);
    let token = w.contact(&c, &email, Permissions::all()).await;
    w.item("SAW", "10.00", 5).await;
    let res = w
        .place(
            &token,
            "k",
            json!({"lines": [{"sku": "SAW", "quantity": 1}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let order_id = res.json["id"].as_str().unwrap().to_string();

    // The events went to the email queue: deliver them as the notifications function does.
    let events = w.email_events(2).await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"OrderPlaced") && kinds.contains(&"OrderConfirmationRequested"),
        "{kinds:?}"
    );
    for event in &events {
        assert_eq!(event.data["order_id"], order_id.as_str());
        let delivered = shared::email::deliver(&w.env.app, event).await.unwrap();
        assert!(
            matches!(delivered, shared::email::Delivery::Sent { .. }),
            "{delivered:?}"
        );
    }
    let sent = shared::testing::sent_emails().await;
    let to = |addr: &str| {
        sent.iter()
            .filter(|m| m["destinations"]["ToAddresses"].to_string().contains(addr))
            .cloned()
            .collect::<Vec<_>>()
    };
    let mine = to(&email);
    assert_eq!(mine.len(), 1, "one confirmation");
    assert!(
        mine[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Recibimos tu pedido"),
        "{}",
        mine[0]
    );
    let reference = order_id[order_id.len() - 8..].to_uppercase();
    let seller: Vec<_> = to("sales@seller.com")
        .into_iter()
        .filter(|m| m["subject"].as_str().unwrap_or("").contains(&reference))
        .collect();
    assert_eq!(seller.len(), 1, "one seller notice");
    assert!(seller[0]["body"]
        .as_str()
        .unwrap()
        .contains("https://wa.me/525587654321"));
}

#[tokio::test]
async fn a_ten_line_order_costs_one_batch_read_and_one_transaction() {
    let (env, counter) = shared::testing::TestEnv::with_request_counter().await;
    let w = World::from_env(env).await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    let skus = skus("TEN", 10);
    w.items(&skus, "5.00", 100).await;
    // The first order of a customer in a process learns its price list (one more read) and
    // checks the contact's access (one more read, then cached per container for up to 30 s).
    let res = w
        .place(&token, "warm", json!({"lines": lines(&skus[..1], 1)}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);

    counter.reset();
    let res = w
        .place(&token, "ten", json!({"lines": lines(&skus, 2)}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let ops = counter.operations();
    // The business action; then the relay's cleanup of the outbox (one BatchWriteItem).
    assert_eq!(
        ops,
        ["BatchGetItem", "TransactWriteItems", "BatchWriteItem"],
        "{ops:?}"
    );
    assert_eq!(counter.count("Scan"), 0);
}

#[tokio::test]
async fn the_same_idempotency_key_replays_and_a_different_body_is_refused() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 100).await;
    let body = json!({"lines": [{"sku": "A", "quantity": 2}]});
    let first = w.place(&token, "same", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = w.place(&token, "same", body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json, first.json, "the first answer, replayed");
    assert_eq!(w.stock("A").await, (100, 2));

    let other = w
        .place(
            &token,
            "same",
            json!({"lines": [{"sku": "A", "quantity": 3}]}),
        )
        .await;
    assert_problem(&other, StatusCode::UNPROCESSABLE_ENTITY, "Idempotency-Key");
    assert_eq!(w.stock("A").await, (100, 2));

    let missing = shared::testing::call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&token),
        Some(json!({"lines": [{"sku": "A", "quantity": 1}]})),
    )
    .await;
    assert_problem(
        &missing,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Idempotency-Key",
    );
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_key_make_one_order() {
    let w = std::sync::Arc::new(World::new().await);
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 100).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (w, token) = (w.clone(), token.clone());
        set.spawn(async move {
            w.place(
                &token,
                "retry-storm",
                json!({"lines": [{"sku": "A", "quantity": 1}]}),
            )
            .await
        });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(res) = set.join_next().await {
        let res = res.unwrap();
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
        ids.insert(res.json["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "one order");
    assert_eq!(w.stock("A").await, (100, 1));
    assert_eq!(w.credit(&c).await.open_orders, d("11.60"));
    let res = w.call("GET", "/v1/orders", &token, None).await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn fifty_concurrent_orders_for_ten_units_reserve_exactly_ten() {
    let w = std::sync::Arc::new(World::new().await);
    w.item("HOT", "1.00", 10).await;
    let mut tokens = Vec::new();
    for i in 0..10 {
        let c = w
            .customer(&format!("Customer {i}"), CustomerSpec::default())
            .await;
        for j in 0..5 {
            tokens.push(
                w.contact(&c, &format!("buyer{j}@c{i}.mx"), Permissions::all())
                    .await,
            );
        }
    }
    let mut set = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let w = w.clone();
        set.spawn(async move {
            w.place(
                &token,
                &format!("k{i}"),
                json!({"lines": [{"sku": "HOT", "quantity": 1}]}),
            )
            .await
        });
    }
    let (mut placed, mut refused) = (0, 0);
    while let Some(res) = set.join_next().await {
        let res = res.unwrap();
        match res.status {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT => {
                assert_eq!(res.json["code"], "stock-short", "{}", res.json);
                assert_eq!(res.json["short_lines"][0]["sku"], "HOT");
                assert_eq!(res.json["short_lines"][0]["requested"], 1);
                assert_eq!(res.json["short_lines"][0]["available"], 0);
                refused += 1;
            }
            other => panic!("unexpected {other}: {}", res.json),
        }
    }
    assert_eq!((placed, refused), (10, 40));
    assert_eq!(
        w.stock("HOT").await,
        (10, 10),
        "exactly ten reserved, never more"
    );
}

#[tokio::test]
async fn concurrent_orders_never_exceed_the_available_credit() {
    let w = std::sync::Arc::new(World::new().await);
    let spec = CustomerSpec {
        terms: PaymentTerms::Credit,
        limit: "1000",
        ..Default::default()
    };
    let c = w.customer("Credit Co", spec).await;
    // 50 unpaid already: 950 available.
    w.store()
        .client()
        .update_item()
        .table_name(w.store().table())
        .set_key(Some(shared::store::key_of(
            &keys::customer_pk(&c),
            keys::CREDIT_SK,
        )))
        .update_expression("SET unpaid_MXN = :u")
        .expression_attribute_values(":u", shared::store::n(50))
        .send()
        .await
        .unwrap();
    w.item("A", "100.00", 1000).await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let token = w
            .contact(&c, &format!("b{i}@credit.mx"), Permissions::all())
            .await;
        let w = w.clone();
        set.spawn(async move {
            // 116.00 each with tax.
            w.place(
                &token,
                &format!("c{i}"),
                json!({"lines": [{"sku": "A", "quantity": 1}]}),
            )
            .await
        });
    }
    let mut placed = 0;
    while let Some(res) = set.join_next().await {
        let res = res.unwrap();
        match res.status {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT => assert_eq!(res.json["code"], "credit-exceeded", "{}", res.json),
            other => panic!("unexpected {other}: {}", res.json),
        }
    }
    // floor(950 / 116) = 8.
    assert_eq!(placed, 8);
    let credit = w.credit(&c).await;
    assert_eq!(credit.open_orders, d("928.00"));
    assert!(credit.open_orders + credit.unpaid_in("MXN") <= d("1000"));
    assert_eq!(w.stock("A").await, (1000, 8));
}

#[tokio::test]
async fn refusals_name_the_reason_and_write_nothing() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 3).await;
    w.item("B", "10.00", 1).await;
    let before = w.item_count().await;

    // Each short line named, with what is available.
    let res = w
        .place(&token, "short", json!({"lines": [{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 5}, {"sku": "A", "quantity": 2}]}))
        .await;
    assert_code(&res, StatusCode::CONFLICT, "stock-short");
    let short = res.json["short_lines"].as_array().unwrap();
    assert_eq!(short.len(), 2);
    assert_eq!(
        short[0],
        json!({"sku": "A", "requested": 4, "available": 3, "field": "lines[0].quantity"})
    );
    assert_eq!(
        short[1],
        json!({"sku": "B", "requested": 5, "available": 1, "field": "lines[1].quantity"})
    );

    // Unknown items, bad quantities, a warehouse that is not the customer's.
    let res = w
        .place(
            &token,
            "x1",
            json!({"lines": [{"sku": "A", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]}),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[1].sku");
    let res = w
        .place(
            &token,
            "x2",
            json!({"lines": [{"sku": "A", "quantity": 0}]}),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[0].quantity");
    let res = w
        .place(
            &token,
            "x3",
            json!({"lines": [{"sku": "bad sku!", "quantity": 1}]}),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[0].sku");
    let res = w
        .place(
            &token,
            "x4",
            json!({"warehouse_id": "W9", "lines": [{"sku": "A", "quantity": 1}]}),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "warehouse_id");
    let res = w
        .place(
            &token,
            "x5",
            json!({"lines": [{"sku": "A", "quantity": 1}], "extra": 1}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    let res = w.place(&token, "x6", json!({"lines": []})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines");
    let res = w.place(&token, "x7", json!({})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines");

    // A contact without the permission.
    let viewer = w
        .contact(
            &c,
            "viewer@uno.mx",
            Permissions {
                place_orders: false,
                ..Permissions::all()
            },
        )
        .await;
    let res = w
        .place(
            &viewer,
            "v",
            json!({"lines": [{"sku": "A", "quantity": 1}]}),
        )
        .await;
    assert_code(&res, StatusCode::FORBIDDEN, "forbidden");

    // Customers that are not active, or not ready.
    for (spec, code) in [
        (
            CustomerSpec {
                status: CustomerStatus::Inactive,
                ..Default::default()
            },
            "customer-not-active",
        ),
        (
            CustomerSpec {
                status: CustomerStatus::Blocked,
                ..Default::default()
            },
            "customer-not-active",
        ),
        (
            CustomerSpec {
                shipping_method: None,
                ..Default::default()
            },
            "customer-not-ready",
        ),
    ] {
        let active = spec.status == CustomerStatus::Active;
        let other = w.customer("Other", spec).await;
        let t = w.contact(&other, "x@other.mx", Permissions::all()).await;
        let res = w
            .place(&t, "s", json!({"lines": [{"sku": "A", "quantity": 1}]}))
            .await;
        if active {
            assert_code(&res, StatusCode::CONFLICT, code);
        } else {
            // The contact of a customer that is not active has no session any more; staff
            // acting as the customer meet the placement's own check.
            assert_code(&res, StatusCode::UNAUTHORIZED, "unauthenticated");
            let res = w
                .place(
                    &w.impersonation_token(&other),
                    "s",
                    json!({"lines": [{"sku": "A", "quantity": 1}]}),
                )
                .await;
            assert_code(&res, StatusCode::CONFLICT, code);
        }
    }
    let written = w.item_count().await - before;
    // Only the fixtures of this test (2 contacts of Uno's... and 3 customers with a contact each).
    assert_eq!(
        written,
        1 + 3 * 2,
        "no order, credit, idempotency, event or stock change"
    );
    assert_eq!(w.stock("A").await, (3, 0));
    assert_eq!(w.stock("B").await, (1, 0));
}

#[tokio::test]
async fn credit_and_cap_refusals() {
    let w = World::new().await;
    w.item("A", "100.00", 100).await;
    let credit = w
        .customer(
            "Credit",
            CustomerSpec {
                terms: PaymentTerms::Credit,
                limit: "300",
                ..Default::default()
            },
        )
        .await;
    let t = w.contact(&credit, "a@credit.mx", Permissions::all()).await;
    // 2 x 116 = 232 fits; 2 more do not (68 left).
    assert_eq!(
        w.place(&t, "1", json!({"lines": [{"sku": "A", "quantity": 2}]}))
            .await
            .status,
        StatusCode::CREATED
    );
    let res = w
        .place(&t, "2", json!({"lines": [{"sku": "A", "quantity": 2}]}))
        .await;
    assert_code(&res, StatusCode::CONFLICT, "credit-exceeded");
    assert!(
        res.json["detail"].as_str().unwrap().contains("68.00"),
        "{}",
        res.json
    );

    // A CASH customer with its own cap on open orders.
    let capped = w
        .customer(
            "Capped",
            CustomerSpec {
                cap: Some("250"),
                ..Default::default()
            },
        )
        .await;
    let t = w.contact(&capped, "a@capped.mx", Permissions::all()).await;
    assert_eq!(
        w.place(&t, "1", json!({"lines": [{"sku": "A", "quantity": 2}]}))
            .await
            .status,
        StatusCode::CREATED
    );
    let res = w
        .place(&t, "2", json!({"lines": [{"sku": "A", "quantity": 1}]}))
        .await;
    assert_code(&res, StatusCode::CONFLICT, "open-orders-cap-exceeded");

    // The store's default cap applies to customers without their own.
    let mut settings = shared::settings::load(w.store()).await.unwrap();
    settings.default_open_orders_cap = Some(d("100"));
    shared::settings::save(w.store(), &settings).await.unwrap();
    let plain = w.customer("Plain", CustomerSpec::default()).await;
    let t = w.contact(&plain, "a@plain.mx", Permissions::all()).await;
    let res = w
        .place(&t, "1", json!({"lines": [{"sku": "A", "quantity": 1}]}))
        .await;
    assert_code(&res, StatusCode::CONFLICT, "open-orders-cap-exceeded");
    assert_eq!(w.stock("A").await, (100, 4));
}

#[tokio::test]
async fn staff_place_orders_for_customers_and_it_is_recorded() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    w.item("A", "10.00", 10).await;
    // Acting as the customer (F9).
    let token = w.impersonation_token(&c);
    let res = w
        .place(
            &token,
            "imp",
            json!({"lines": [{"sku": "A", "quantity": 1}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["placed_by"]["impersonated_by"]["name"], "Boss");
    assert_eq!(
        res.json["notify"]["email"],
        format!("main@{c}.mx"),
        "the customer's main email hears of it"
    );

    // Through the admin route.
    let res = shared::testing::call_raw(
        &w.router,
        "POST",
        &format!("/v1/admin/customers/{c}/orders"),
        Some(&w.admin_token),
        Some(
            json!({"lines": [{"sku": "A", "quantity": 2}]})
                .to_string()
                .into_bytes(),
        ),
        &[("idempotency-key", "adm-1")],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["placed_by"]["kind"], "staff");
    assert_eq!(res.json["placed_by"]["id"], w.admin.id.as_str());
    assert_eq!(w.stock("A").await, (10, 3));

    // An agent who does not serve the customer: 404.
    let agent = shared::accounts::fixtures::put_staff(
        &w.env.app,
        "agent@seller.com",
        "Agent",
        shared::auth::StaffRole::Agent,
        None,
    )
    .await;
    let agent_token = shared::accounts::fixtures::staff_token(
        &w.env.app,
        &agent.id,
        "Agent",
        shared::auth::StaffRole::Agent,
    );
    let res = shared::testing::call_raw(
        &w.router,
        "POST",
        &format!("/v1/admin/customers/{c}/orders"),
        Some(&agent_token),
        Some(
            json!({"lines": [{"sku": "A", "quantity": 1}]})
                .to_string()
                .into_bytes(),
        ),
        &[("idempotency-key", "adm-2")],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
    // Contacts cannot use the staff route.
    let contact = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    let res = shared::testing::call_raw(
        &w.router,
        "POST",
        &format!("/v1/admin/customers/{c}/orders"),
        Some(&contact),
        Some(
            json!({"lines": [{"sku": "A", "quantity": 1}]})
                .to_string()
                .into_bytes(),
        ),
        &[("idempotency-key", "adm-3")],
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(w.stock("A").await, (10, 3));
}
