//! F23 seller handling and F24 expiry: the state machine, exactly-once releases, the sparse
//! expiry index, overlapping expiry runs, claimed orders never expiring, and the emails.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use shared::auth::{Permissions, StaffRole};
use shared::store::keys;

async fn order(w: &World, token: &str, key: &str, sku: &str, quantity: i64) -> String {
    let res = w
        .place(
            token,
            key,
            json!({"lines": [{"sku": sku, "quantity": quantity}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    res.json["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn claim_then_fulfil_ships_the_goods_and_frees_the_credit() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 10).await;
    let id = order(&w, &token, "1", "A", 4).await;
    let admin = w.admin_token.clone();

    // Fulfilling a placed order is not allowed: claim first.
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/fulfil"),
            &admin,
            None,
        )
        .await;
    assert_code(&res, StatusCode::CONFLICT, "invalid-transition");

    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/claim"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "claimed");
    assert_eq!(res.json["claimed_by"]["name"], "Boss");
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/claim"),
            &admin,
            None,
        )
        .await;
    assert_code(&res, StatusCode::CONFLICT, "invalid-transition");
    // The customer may not cancel a claimed order.
    let res = w
        .call("POST", &format!("/v1/orders/{id}/cancel"), &token, None)
        .await;
    assert_code(&res, StatusCode::CONFLICT, "invalid-transition");

    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/fulfil"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "fulfilled");
    assert_eq!(
        w.stock("A").await,
        (6, 0),
        "on hand and reserved both went down"
    );
    assert_eq!(w.credit(&c).await.open_orders, d("0.00"));
    for action in ["claim", "fulfil", "cancel"] {
        let res = w
            .call(
                "POST",
                &format!("/v1/admin/orders/{id}/{action}"),
                &admin,
                None,
            )
            .await;
        assert_code(&res, StatusCode::CONFLICT, "invalid-transition");
    }
    assert_eq!(w.stock("A").await, (6, 0));

    // The customer heard of each step, in order.
    let kinds: Vec<String> = w
        .email_events(4)
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in [
        "OrderPlaced",
        "OrderConfirmationRequested",
        "OrderClaimed",
        "OrderFulfilled",
    ] {
        assert!(kinds.contains(&kind.to_string()), "{kinds:?}");
    }
}

#[tokio::test]
async fn a_count_below_the_reservations_never_ships_into_negative_stock() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 10).await;
    w.item("B", "5.00", 10).await;
    let res = w
        .place(
            &token,
            "1",
            json!({"lines": [{"sku": "A", "quantity": 4}, {"sku": "B", "quantity": 2}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_string();
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{id}/claim"),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // A stock count (staff correction or ERP) finds only 1 of the 4 reserved units of A.
    shared::catalog::stock::set_on_hand(w.store(), WH, &sku("A"), 1)
        .await
        .unwrap();
    let fulfil = format!("/v1/admin/orders/{id}/fulfil");
    let res = w.call("POST", &fulfil, &w.admin_token, None).await;
    assert_problem(&res, StatusCode::CONFLICT, "lines[0].quantity");
    assert_eq!(res.json["code"], "stock-short");
    assert_eq!(w.stock("A").await, (1, 4), "nothing shipped");
    assert_eq!(w.stock("B").await, (10, 2), "nothing shipped");
    let res = w
        .call(
            "GET",
            &format!("/v1/admin/orders/{id}"),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.json["status"], "claimed");

    // Once the goods are counted again, the fulfilment goes through.
    shared::catalog::stock::set_on_hand(w.store(), WH, &sku("A"), 4)
        .await
        .unwrap();
    let res = w.call("POST", &fulfil, &w.admin_token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(w.stock("A").await, (0, 0));
    assert_eq!(w.stock("B").await, (8, 0));
}

#[tokio::test]
async fn cancels_release_stock_and_credit_exactly_once() {
    let w = std::sync::Arc::new(World::new().await);
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 10).await;
    let mine = order(&w, &token, "1", "A", 3).await;
    let theirs = order(&w, &token, "2", "A", 2).await;
    assert_eq!(w.stock("A").await, (10, 5));

    // The customer cancels a placed order, with a reason.
    let res = w
        .call(
            "POST",
            &format!("/v1/orders/{mine}/cancel"),
            &token,
            Some(json!({"reason": "Ordered twice"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["cancel_reason"], "Ordered twice");
    assert_eq!(res.json["cancelled_by"]["id"], "ana@uno.mx");
    assert_eq!(w.stock("A").await, (10, 2));

    // Ten concurrent cancels (staff and customer) of the other: one wins, stock released once.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..10 {
        let (w, token, id) = (w.clone(), token.clone(), theirs.clone());
        set.spawn(async move {
            if i % 2 == 0 {
                w.call(
                    "POST",
                    &format!("/v1/admin/orders/{id}/cancel"),
                    &w.admin_token,
                    None,
                )
                .await
            } else {
                w.call("POST", &format!("/v1/orders/{id}/cancel"), &token, None)
                    .await
            }
        });
    }
    let mut ok = 0;
    while let Some(res) = set.join_next().await {
        let res = res.unwrap();
        match res.status {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => assert_eq!(res.json["code"], "invalid-transition"),
            other => panic!("{other}: {}", res.json),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(w.stock("A").await, (10, 0));
    assert_eq!(w.credit(&c).await.open_orders, d("0.00"));
}

#[tokio::test]
async fn only_contacts_who_may_place_orders_may_cancel_them() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let buyer = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
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
    w.item("A", "10.00", 10).await;
    let id = order(&w, &buyer, "1", "A", 3).await;

    // A colleague who may only look (or ask for quotes) cannot undo the order.
    let res = w
        .call("POST", &format!("/v1/orders/{id}/cancel"), &viewer, None)
        .await;
    assert_code(&res, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(w.stock("A").await, (10, 3), "nothing released");
    let res = w
        .call("GET", &format!("/v1/orders/{id}"), &viewer, None)
        .await;
    assert_eq!(res.json["status"], "placed");

    // The contact who may place orders can.
    let res = w
        .call("POST", &format!("/v1/orders/{id}/cancel"), &buyer, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(w.stock("A").await, (10, 0));
}

#[tokio::test]
async fn agents_handle_only_their_customers_orders() {
    let w = World::new().await;
    let agent = shared::accounts::fixtures::put_staff(
        &w.env.app,
        "luis@seller.com",
        "Luis",
        StaffRole::Agent,
        None,
    )
    .await;
    let agent_token =
        shared::accounts::fixtures::staff_token(&w.env.app, &agent.id, "Luis", StaffRole::Agent);
    let served = w
        .customer(
            "Served",
            CustomerSpec {
                agent_id: Some(agent.id.clone()),
                ..Default::default()
            },
        )
        .await;
    let other = w.customer("Other", CustomerSpec::default()).await;
    w.item("A", "10.00", 10).await;
    let t1 = w.contact(&served, "a@served.mx", Permissions::all()).await;
    let t2 = w.contact(&other, "a@other.mx", Permissions::all()).await;
    let mine = order(&w, &t1, "1", "A", 1).await;
    let not_mine = order(&w, &t2, "1", "A", 1).await;

    let res = w.call("GET", "/v1/admin/orders", &agent_token, None).await;
    let ids: Vec<&str> = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.as_str()]);
    let res = w
        .call(
            "GET",
            "/v1/admin/orders?status=placed",
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 2);
    let res = w
        .call(
            "GET",
            &format!("/v1/admin/orders?customer={other}"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = w
        .call(
            "GET",
            &format!("/v1/admin/orders/{not_mine}"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{not_mine}/claim"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{mine}/claim"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    // Contacts are not staff.
    let res = w.call("GET", "/v1/admin/orders", &t1, None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = w
        .call("GET", "/v1/admin/orders?status=lost", &w.admin_token, None)
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "status");
    let res = w
        .call(
            "GET",
            "/v1/admin/orders?status=claimed",
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["id"], mine.as_str());
}

/// The ids a staff list answers.
fn listed(res: &shared::testing::TestResponse) -> Vec<String> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_reassigned_customers_orders_and_quotes_follow_it_to_its_new_agent() {
    let w = World::new().await;
    let mut agents = Vec::new();
    for (email, name) in [("luis@seller.com", "Luis"), ("marta@seller.com", "Marta")] {
        let agent =
            shared::accounts::fixtures::put_staff(&w.env.app, email, name, StaffRole::Agent, None)
                .await;
        let token =
            shared::accounts::fixtures::staff_token(&w.env.app, &agent.id, name, StaffRole::Agent);
        agents.push((agent, token));
    }
    let (luis, luis_token) = &agents[0];
    let (marta, marta_token) = &agents[1];
    let c = w
        .customer(
            "Served",
            CustomerSpec {
                agent_id: Some(luis.id.clone()),
                ..Default::default()
            },
        )
        .await;
    w.item("A", "10.00", 10).await;
    let token = w.contact(&c, "ana@served.mx", Permissions::all()).await;
    let order_id = order(&w, &token, "1", "A", 1).await;
    let res = w
        .call(
            "POST",
            "/v1/quotes",
            &token,
            Some(json!({"lines": [{"sku": "A", "quantity": 5}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let quote_id = res.json["id"].as_str().unwrap().to_string();
    for path in ["/v1/admin/orders", "/v1/admin/orders?status=placed"] {
        assert_eq!(
            listed(&w.call("GET", path, luis_token, None).await),
            vec![order_id.clone()]
        );
        assert!(listed(&w.call("GET", path, marta_token, None).await).is_empty());
    }
    assert_eq!(
        listed(&w.call("GET", "/v1/admin/quotes", luis_token, None).await),
        vec![quote_id.clone()]
    );

    // An admin hands the customer over to Marta (what PATCH /v1/admin/customers/{id} runs).
    let admin = shared::auth::Principal::staff(&w.admin.id, "Boss", StaffRole::Admin, 10);
    let patch: shared::customers::profile::CustomerPatch =
        serde_json::from_value(json!({"agent_id": marta.id})).unwrap();
    shared::customers::profile::update(w.store(), &admin, &c, patch)
        .await
        .unwrap();

    // The lists follow the current assignment, not the agent copied into the order and quote.
    for path in [
        "/v1/admin/orders",
        "/v1/admin/orders?status=placed",
        "/v1/admin/quotes",
        "/v1/admin/quotes?status=requested",
    ] {
        assert!(
            listed(&w.call("GET", path, luis_token, None).await).is_empty(),
            "{path} still shows the customer to its former agent"
        );
        let expected = if path.contains("quotes") {
            &quote_id
        } else {
            &order_id
        };
        assert_eq!(
            listed(&w.call("GET", path, marta_token, None).await),
            vec![expected.clone()],
            "{path}"
        );
    }
    // And the admin still sees everything.
    assert_eq!(
        listed(
            &w.call("GET", "/v1/admin/orders", &w.admin_token, None)
                .await
        ),
        [order_id]
    );
}

#[tokio::test]
async fn expiry_runs_overlapping_release_stock_once_and_claimed_orders_never_expire() {
    let w = World::new().await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 10).await;
    let unclaimed = order(&w, &token, "1", "A", 3).await;
    let claimed = order(&w, &token, "2", "A", 2).await;
    let fresh = order(&w, &token, "3", "A", 1).await;
    let res = w
        .call(
            "POST",
            &format!("/v1/admin/orders/{claimed}/claim"),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    make_due(&w, &unclaimed).await;
    make_due(&w, &claimed).await;
    assert_eq!(w.stock("A").await, (10, 6));

    // Two runs at once.
    let app = w.env.app();
    let (a, b) = tokio::join!(
        orders::expire_due_orders(app.clone()),
        orders::expire_due_orders(app.clone())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let reports: Vec<serde_json::Value> = [a, b]
        .iter()
        .map(|s| {
            if s.is_empty() {
                json!({"expired": 0})
            } else {
                serde_json::from_str(s).unwrap()
            }
        })
        .collect();
    let expired: u64 = reports.iter().map(|r| r["expired"].as_u64().unwrap()).sum();
    assert_eq!(expired, 1, "{reports:?}");
    assert_eq!(
        w.stock("A").await,
        (10, 3),
        "the unclaimed order's 3 units came back once"
    );
    assert_eq!(w.credit(&c).await.open_orders, d("34.80"));

    let get = |id: String| {
        let w = &w;
        let token = token.clone();
        async move {
            w.call("GET", &format!("/v1/orders/{id}"), &token, None)
                .await
                .json
        }
    };
    let o = get(unclaimed.clone()).await;
    assert_eq!(o["status"], "expired");
    assert!(o["expired_at"].is_string());
    assert_eq!(
        get(claimed.clone()).await["status"],
        "claimed",
        "a claimed order never expires"
    );
    assert_eq!(get(fresh.clone()).await["status"], "placed", "not due yet");

    // Running again changes nothing.
    assert_eq!(orders::expire_due_orders(app.clone()).await.unwrap(), "");
    assert_eq!(w.stock("A").await, (10, 3));

    // The customer was told.
    let events = w.email_events(6).await;
    let expired: Vec<_> = events.iter().filter(|e| e.kind == "OrderExpired").collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].data["order_id"], unclaimed.as_str());
    assert_eq!(expired[0].data["to"]["email"], "ana@uno.mx");
    // Rendered in the contact's language (the customer's default, es).
    let delivered = shared::email::deliver(&w.env.app, expired[0])
        .await
        .unwrap();
    assert!(matches!(delivered, shared::email::Delivery::Sent { .. }));
}

#[tokio::test]
async fn one_order_that_cannot_expire_does_not_stop_the_others() {
    let w = World::new().await;
    let broken = w.customer("Roto", CustomerSpec::default()).await;
    let fine = w.customer("Bien", CustomerSpec::default()).await;
    let t1 = w.contact(&broken, "ana@roto.mx", Permissions::all()).await;
    let t2 = w.contact(&fine, "ana@bien.mx", Permissions::all()).await;
    w.item("A", "10.00", 10).await;
    let stuck = order(&w, &t1, "1", "A", 1).await;
    let due = order(&w, &t2, "1", "A", 2).await;
    make_due(&w, &stuck).await;
    make_due(&w, &due).await;
    // The first customer's credit record is damaged (a text where a number belongs), so
    // releasing its order's credit fails.
    let credit_key = || {
        Some(shared::store::key_of(
            &keys::customer_pk(&broken),
            keys::CREDIT_SK,
        ))
    };
    w.store()
        .client()
        .update_item()
        .table_name(w.store().table())
        .set_key(credit_key())
        .update_expression("SET open_orders = :text")
        .expression_attribute_values(":text", shared::store::s("ten"))
        .send()
        .await
        .unwrap();

    let summary = orders::expire_due_orders(w.env.app()).await.unwrap();
    let report: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(report["expired"], 1, "{summary}");
    assert_eq!(report["failed"], 1, "{summary}");
    let status = |id: String, token: String| {
        let w = &w;
        async move {
            w.call("GET", &format!("/v1/orders/{id}"), &token, None)
                .await
                .json["status"]
                .clone()
        }
    };
    assert_eq!(status(due.clone(), t2.clone()).await, "expired");
    assert_eq!(status(stuck.clone(), t1.clone()).await, "placed");

    // Repaired, the next run expires it.
    w.store()
        .client()
        .update_item()
        .table_name(w.store().table())
        .set_key(credit_key())
        .update_expression("SET open_orders = :n")
        .expression_attribute_values(":n", shared::store::n("10.00"))
        .send()
        .await
        .unwrap();
    let summary = orders::expire_due_orders(w.env.app()).await.unwrap();
    assert!(summary.contains("\"expired\":1"), "{summary}");
    assert_eq!(status(stuck, t1).await, "expired");
    assert_eq!(w.stock("A").await, (10, 0));
}

#[tokio::test]
async fn expiry_finds_due_orders_through_the_index_without_scanning() {
    let (env, counter) = shared::testing::TestEnv::with_request_counter().await;
    let w = World::from_env(env).await;
    let c = w.customer("Uno", CustomerSpec::default()).await;
    let token = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.item("A", "10.00", 10).await;
    let id = order(&w, &token, "1", "A", 1).await;
    make_due(&w, &id).await;
    counter.reset();
    let summary = orders::expire_due_orders(w.env.app()).await.unwrap();
    assert!(summary.contains("\"expired\":1"), "{summary}");
    assert_eq!(counter.count("Scan"), 0, "{:?}", counter.operations());
    assert!(counter.count("Query") >= 1);
}
