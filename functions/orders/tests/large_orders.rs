//! Orders larger than one transaction (up to 500 lines): the recoverable multi-step reservation,
//! its all-or-nothing refusal, crash recovery by the sweeper, and releasing them again.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use shared::auth::Permissions;
use shared::aws_ops::within;
use shared::orders::place::{self, PlaceOptions, PlaceOrderRequest, Placer};
use shared::orders::{intent, Actor, LineRequest};
use shared::store::keys;

fn request(skus: &[String], quantity: i64) -> PlaceOrderRequest {
    PlaceOrderRequest {
        lines: Some(
            skus.iter()
                .map(|s| LineRequest {
                    sku: sku(s),
                    quantity,
                })
                .collect(),
        ),
        ..Default::default()
    }
}

fn contact_placer(email: &str) -> Placer {
    Placer {
        actor: Actor {
            kind: shared::orders::ActorKind::Contact,
            id: email.into(),
            name: "Ana".into(),
            impersonated_by: None,
        },
        permissions: Some(Permissions::all()),
    }
}

async fn nothing_left_behind(w: &World, customer_id: &str, key: &str, skus: &[String]) {
    let reserved = w.reserved(skus).await;
    assert_eq!(reserved.len(), skus.len());
    assert!(reserved.values().all(|r| *r == 0), "every unit released");
    assert_eq!(w.credit(customer_id).await.open_orders, d("0"));
    let idem = w
        .store()
        .get_item(
            &keys::idempotency_pk(customer_id, key),
            keys::IDEMPOTENCY_SK,
        )
        .await
        .unwrap();
    assert!(idem.is_none(), "the key is free again");
    let intents = w
        .store()
        .query_items(&shared::store::QuerySpec::index(
            keys::GSI2,
            keys::INTENTS_INDEX_PK,
        ))
        .await
        .unwrap()
        .0;
    assert!(intents.is_empty(), "no intent left");
}

#[tokio::test]
async fn a_500_line_order_succeeds_and_a_cancel_releases_every_line() {
    let w = World::new().await;
    let c = w.customer("Big Buyer", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@big.mx", Permissions::all()).await;
    let skus = skus("BIG", 500);
    w.items(&skus, "1.00", 10).await;

    let res = w
        .place(&token, "big", json!({"lines": lines(&skus, 2)}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["lines"].as_array().unwrap().len(), 500);
    assert_eq!(res.json["total"], "1160.00");
    let reserved = w.reserved(&skus).await;
    assert!(reserved.values().all(|r| *r == 2), "every line reserved");
    assert_eq!(w.credit(&c).await.open_orders, d("1160.00"));
    // The same key answers the same order.
    let again = w
        .place(&token, "big", json!({"lines": lines(&skus, 2)}))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json["id"], res.json["id"]);

    // Cancelling releases all 500 lines (through a stock job) and the credit, once.
    let id = res.json["id"].as_str().unwrap();
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/cancel"),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "cancelled");
    let reserved = w.reserved(&skus).await;
    assert!(reserved.values().all(|r| *r == 0));
    assert_eq!(w.credit(&c).await.open_orders, d("0.00"));
    let again = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/cancel"),
            &w.admin_token,
            None,
        )
        .await;
    assert_code(&again, StatusCode::CONFLICT, "invalid-transition");
    let reserved = w.reserved(&skus).await;
    assert!(reserved.values().all(|r| *r == 0), "released once");
}

#[tokio::test]
async fn a_500_line_order_with_its_400th_line_short_reserves_nothing() {
    let w = World::new().await;
    let c = w.customer("Big Buyer", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@big.mx", Permissions::all()).await;
    let skus = skus("BIG", 500);
    w.items(&skus, "1.00", 10).await;
    w.set_stock(&skus[399], 1).await;
    let before = w.item_count().await;

    let res = w
        .place(&token, "big", json!({"lines": lines(&skus, 2)}))
        .await;
    assert_code(&res, StatusCode::CONFLICT, "stock-short");
    assert_eq!(
        res.json["short_lines"],
        json!([{"sku": skus[399], "requested": 2, "available": 1, "field": "lines[399].quantity"}])
    );
    assert_eq!(w.item_count().await, before, "nothing written");
    nothing_left_behind(&w, &c, "big", &skus).await;
}

#[tokio::test]
async fn two_large_orders_racing_for_the_same_stock_leave_one_order_and_no_stray_reservation() {
    let w = World::new().await;
    let c = w.customer("Big Buyer", CustomerSpec::default()).await;
    let skus = skus("BIG", 250);
    // Enough for one of the two orders only: whichever loses a chunk undoes what it reserved.
    w.items(&skus, "1.00", 2).await;
    let app = w.env.app();
    let (pa, pb, req, opts) = (
        contact_placer("a@big.mx"),
        contact_placer("b@big.mx"),
        request(&skus, 2),
        PlaceOptions::default(),
    );
    let (a, b) = tokio::join!(
        place::place_order(&app, &c, &pa, "a", &req, &opts),
        place::place_order(&app, &c, &pb, "b", &req, &opts),
    );
    let outcomes = [a, b];
    let placed = outcomes.iter().filter(|r| r.is_ok()).count();
    assert_eq!(placed, 1, "{outcomes:?}");
    for refused in outcomes.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(refused, shared::orders::OrderError::StockShort(_)),
            "{refused:?}"
        );
    }
    assert!(
        w.reserved(&skus).await.values().all(|r| *r == 2),
        "exactly one order's units"
    );
    assert_eq!(w.credit(&c).await.open_orders, d("580.00"));
    let intents = w
        .store()
        .query_items(&shared::store::QuerySpec::index(
            keys::GSI2,
            keys::INTENTS_INDEX_PK,
        ))
        .await
        .unwrap()
        .0;
    assert!(intents.is_empty());
}

#[tokio::test]
async fn a_crash_between_chunks_is_undone_by_the_sweeper() {
    let w = World::new().await;
    let c = w.customer("Big Buyer", CustomerSpec::default()).await;
    let skus = skus("BIG", 500);
    w.items(&skus, "1.00", 10).await;
    let placer = contact_placer("ana@big.mx");
    let crash = PlaceOptions {
        fail_after_chunk: Some(2),
    };
    let result =
        place::place_order(&w.env.app, &c, &placer, "crash", &request(&skus, 3), &crash).await;
    assert!(result.is_err(), "the injected crash");
    // Two chunks (198 lines) hold stock, the credit is taken, and no order exists.
    let reserved = w.reserved(&skus).await;
    assert_eq!(reserved.values().filter(|r| **r == 3).count(), 198);
    assert_eq!(w.credit(&c).await.open_orders, d("1740.00"));
    // A retry with the same key while the intent is pending is told so.
    let retry = place::place_order(
        &w.env.app,
        &c,
        &placer,
        "crash",
        &request(&skus, 3),
        &PlaceOptions::default(),
    )
    .await;
    match retry {
        Err(shared::orders::OrderError::App(shared::AppError::Conflict { code, .. })) => {
            assert_eq!(code, "idempotency-key-in-progress")
        }
        other => panic!("{other:?}"),
    }

    // A young intent is left alone (its placer may still be working)...
    // The sweeper runs in the expire-orders function (its IAM policy is checked against this).
    let report = within("expire-orders", intent::sweep_intents(&w.env.app, 600))
        .await
        .unwrap();
    assert_eq!(report, intent::IntentSweep::default());
    // ...an old one is undone; two sweepers at once release each unit once.
    let app = w.env.app();
    let (a, b) = tokio::join!(
        within("expire-orders", intent::sweep_intents(&app, 0)),
        within("expire-orders", intent::sweep_intents(&app, 0))
    );
    assert_eq!(a.unwrap().undone + b.unwrap().undone, 1);
    nothing_left_behind(&w, &c, "crash", &skus).await;
    let res = w
        .call(
            "GET",
            "/v1/orders",
            &w.contact(&c, "ana@big.mx", Permissions::all()).await,
            None,
        )
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 0, "no order");

    // The key works again.
    let placed = place::place_order(
        &w.env.app,
        &c,
        &placer,
        "crash",
        &request(&skus, 3),
        &PlaceOptions::default(),
    )
    .await
    .unwrap();
    assert!(!placed.replayed);
    assert!(w.reserved(&skus).await.values().all(|r| *r == 3));
}

#[tokio::test]
async fn a_crash_after_every_chunk_is_finished_by_the_sweeper() {
    let w = World::new().await;
    let c = w.customer("Big Buyer", CustomerSpec::default()).await;
    let skus = skus("BIG", 250);
    w.items(&skus, "1.00", 10).await;
    let placer = contact_placer("ana@big.mx");
    // 250 lines = 3 chunks, all reserved, then the crash before the order is written.
    let crash = PlaceOptions {
        fail_after_chunk: Some(3),
    };
    assert!(
        place::place_order(&w.env.app, &c, &placer, "late", &request(&skus, 1), &crash)
            .await
            .is_err()
    );
    let report = within("expire-orders", intent::sweep_intents(&w.env.app, 0))
        .await
        .unwrap();
    assert_eq!(report.finished, 1);
    // The order exists with its stock; the client's retry gets it.
    assert!(w.reserved(&skus).await.values().all(|r| *r == 1));
    let retry = place::place_order(
        &w.env.app,
        &c,
        &placer,
        "late",
        &request(&skus, 1),
        &PlaceOptions::default(),
    )
    .await
    .unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.body["status"], "placed");
    assert_eq!(retry.body["lines"].as_array().unwrap().len(), 250);
    assert!(
        w.reserved(&skus).await.values().all(|r| *r == 1),
        "reserved once"
    );
    assert_eq!(w.credit(&c).await.open_orders, d("290.00"));
}
