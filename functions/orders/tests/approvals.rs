//! F39 orders above a contact's spending limit: submitted for approval (nothing reserved, no
//! credit used, the managers told), approved by a manager (placed as that manager with every
//! usual check, re-priced, one order however many approve at once), rejected with a reason
//! (the requester told) or withdrawn; and the ways around it refused.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use shared::auth::Permissions;
use shared::customers::AccessState;

struct Company {
    w: World,
    c: String,
    buyer: String,
    boss: String,
}

/// A customer with a buyer limited to 500 MXN per order, a manager, and item A (100 + 16 %
/// tax, 10 in stock).
async fn company() -> Company {
    let w = World::new().await;
    let c = w.customer("Ferretería Uno", CustomerSpec::default()).await;
    let buyer = w.contact(&c, "ana@uno.mx", Permissions::all()).await;
    w.set_limit(&c, "ana@uno.mx", Some("500")).await;
    let boss = w.contact(&c, "jefe@uno.mx", MANAGER).await;
    w.item("A", "100.00", 10).await;
    Company { w, c, buyer, boss }
}

impl Company {
    /// Submits an order of `quantity` A as the buyer; answers the approval request's id.
    async fn request(&self, key: &str, quantity: i64) -> String {
        let res = self
            .w
            .place(
                &self.buyer,
                key,
                json!({"lines": [{"sku": "A", "quantity": quantity}], "note": "PO-77"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
        res.json["id"].as_str().unwrap().to_string()
    }

    async fn approve(&self, token: &str, id: &str) -> shared::testing::TestResponse {
        self.w
            .call("POST", &format!("/v1/approvals/{id}/approve"), token, None)
            .await
    }
}

#[tokio::test]
async fn an_order_above_the_limit_waits_for_a_manager_who_approves_it() {
    let co = company().await;
    let w = &co.w;
    // Within the limit: placed as usual.
    let res = w
        .place(
            &co.buyer,
            "small",
            json!({"lines": [{"sku": "A", "quantity": 4}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(w.stock("A").await, (10, 4));
    let open = w.credit(&co.c).await.open_orders;

    // Above it (5 x 116 = 580): not placed, nothing reserved, no credit used.
    let res = w
        .place(
            &co.buyer,
            "big",
            json!({"lines": [{"sku": "A", "quantity": 5}], "note": "PO-77"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_string();
    assert_eq!(res.json["status"], "pending");
    assert_eq!(res.json["total"], "580.00");
    assert_eq!(res.json["limit"]["amount"], "500");
    assert_eq!(res.json["note"], "PO-77");
    assert_eq!(res.json["warehouse_id"], WH);
    assert_eq!(w.stock("A").await, (10, 4));
    assert_eq!(w.credit(&co.c).await.open_orders, open);
    assert_eq!(w.order_ids(&co.c).await.len(), 1);
    // A retry with the same key answers the same request.
    let again = w
        .place(
            &co.buyer,
            "big",
            json!({"lines": [{"sku": "A", "quantity": 5}], "note": "PO-77"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(again.json["id"], id.as_str());

    // The managers (not the requester) are emailed.
    let events = w.email_events(3).await;
    let requested = events
        .iter()
        .find(|e| e.kind == "ApprovalRequested")
        .expect("ApprovalRequested on the email queue");
    let to: Vec<&str> = requested.data["to"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    assert_eq!(to, ["jefe@uno.mx"]);
    assert_eq!(requested.data["approval_id"], id.as_str());

    // The buyer sees its own request; the manager sees what waits, with today's total.
    let mine = w.call("GET", "/v1/approvals", &co.buyer, None).await;
    assert_eq!(mine.json["items"][0]["id"], id.as_str(), "{}", mine.json);
    let waiting = w
        .call("GET", "/v1/approvals?status=pending", &co.boss, None)
        .await;
    assert_eq!(waiting.json["items"].as_array().unwrap().len(), 1);
    let view = w
        .call("GET", &format!("/v1/approvals/{id}"), &co.boss, None)
        .await;
    assert_eq!(view.json["current"]["total"], "580.00", "{}", view.json);
    assert_eq!(view.json["current"]["changed"], false);
    // Staff see it on the customer's page.
    let staff = w
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/approvals", co.c),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(staff.json[0]["id"], id.as_str(), "{}", staff.json);

    // The requester cannot approve it.
    let res = co.approve(&co.buyer, &id).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);

    // The manager approves: an order placed by the manager, recording who asked.
    let res = co.approve(&co.boss, &id).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let order = &res.json;
    assert_eq!(order["status"], "placed");
    assert_eq!(order["total"], "580.00");
    assert_eq!(order["note"], "PO-77");
    assert_eq!(order["placed_by"]["id"], "jefe@uno.mx");
    assert_eq!(order["approval"]["approval_id"], id.as_str());
    assert_eq!(order["approval"]["requested_by"]["id"], "ana@uno.mx");
    assert_eq!(order["approval"]["approved_by"]["id"], "jefe@uno.mx");
    assert_eq!(order["notify"]["email"], "ana@uno.mx");
    assert_eq!(w.stock("A").await, (10, 9));
    let request = w
        .call("GET", &format!("/v1/approvals/{id}"), &co.buyer, None)
        .await;
    assert_eq!(request.json["status"], "approved");
    assert_eq!(request.json["order_id"], order["id"]);
    // Nothing waits any more.
    let waiting = w
        .call("GET", "/v1/approvals?status=pending", &co.boss, None)
        .await;
    assert!(waiting.json["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn parallel_approvals_place_one_order() {
    let co = company().await;
    let boss2 = co.w.contact(&co.c, "sub@uno.mx", MANAGER).await;
    let id = co.request("par", 6).await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..8 {
        let router = co.w.router.clone();
        let token = if i % 2 == 0 {
            co.boss.clone()
        } else {
            boss2.clone()
        };
        let path = format!("/v1/approvals/{id}/approve");
        set.spawn(async move {
            shared::testing::call(&router, "POST", &path, Some(&token), None).await
        });
    }
    let mut orders = std::collections::HashSet::new();
    while let Some(res) = set.join_next().await {
        let res = res.unwrap();
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
        orders.insert(res.json["id"].as_str().unwrap().to_string());
    }
    assert_eq!(orders.len(), 1, "every approver gets the one order");
    assert_eq!(co.w.order_ids(&co.c).await.len(), 1);
    assert_eq!(co.w.stock("A").await, (10, 6));
    assert_eq!(co.w.credit(&co.c).await.open_orders, d("696.00"));
}

#[tokio::test]
async fn rejected_requests_tell_the_requester_and_cannot_be_approved_after() {
    let co = company().await;
    let w = &co.w;
    let id = co.request("rej", 5).await;
    w.email_events(1).await;
    let path = format!("/v1/approvals/{id}/reject");
    // A reason is required.
    let res = w
        .call("POST", &path, &co.boss, Some(json!({"reason": "  "})))
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "reason");
    // The requester cannot reject (or approve) its own.
    let res = w
        .call("POST", &path, &co.buyer, Some(json!({"reason": "no"})))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    let res = w
        .call(
            "POST",
            &path,
            &co.boss,
            Some(json!({"reason": "Over budget this month"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "rejected");
    assert_eq!(res.json["reason"], "Over budget this month");
    let events = w.email_events(1).await;
    let rejected = events
        .iter()
        .find(|e| e.kind == "ApprovalRejected")
        .expect("ApprovalRejected on the email queue");
    assert_eq!(rejected.data["to"][0]["email"], "ana@uno.mx");
    assert_eq!(rejected.data["reason"], "Over budget this month");
    // Decided: neither approved nor rejected again, nothing reserved.
    let res = co.approve(&co.boss, &id).await;
    assert_code(&res, StatusCode::CONFLICT, "approval-not-pending");
    let res = w
        .call("POST", &path, &co.boss, Some(json!({"reason": "again"})))
        .await;
    assert_code(&res, StatusCode::CONFLICT, "approval-not-pending");
    assert_eq!(w.stock("A").await, (10, 0));
    assert!(w.order_ids(&co.c).await.is_empty());

    // Another one the requester withdraws; a manager cannot withdraw it for them.
    let id = co.request("wd", 6).await;
    let path = format!("/v1/approvals/{id}/withdraw");
    let res = w.call("POST", &path, &co.boss, None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
    let res = w.call("POST", &path, &co.buyer, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "withdrawn");
    let res = co.approve(&co.boss, &id).await;
    assert_code(&res, StatusCode::CONFLICT, "approval-not-pending");
}

#[tokio::test]
async fn approval_reprices_and_keeps_every_check_of_an_order() {
    let co = company().await;
    let w = &co.w;
    let id = co.request("rp", 5).await;
    // The price went up since: the manager sees the new total and approving places it.
    w.item("A", "120.00", 10).await;
    let view = w
        .call("GET", &format!("/v1/approvals/{id}"), &co.boss, None)
        .await;
    assert_eq!(view.json["total"], "580.00");
    assert_eq!(view.json["current"]["total"], "696.00", "{}", view.json);
    assert_eq!(view.json["current"]["changed"], true);
    // Stock short now: refused, the request still pending.
    w.set_stock("A", 2).await;
    let res = co.approve(&co.boss, &id).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.json);
    assert_eq!(res.json["code"], "stock-short", "{}", res.json);
    let view = w
        .call("GET", &format!("/v1/approvals/{id}"), &co.boss, None)
        .await;
    assert_eq!(view.json["status"], "pending");
    w.set_stock("A", 10).await;
    let res = co.approve(&co.boss, &id).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["total"], "696.00");
}

#[tokio::test]
async fn no_way_around_the_limit_or_the_approval() {
    let co = company().await;
    let w = &co.w;
    let other = w.customer("Otra", CustomerSpec::default()).await;
    let stranger = w.contact(&other, "boss@otra.mx", MANAGER).await;
    let plain = w.contact(&co.c, "luis@uno.mx", Permissions::all()).await;
    let id = co.request("x", 5).await;

    // Another customer's manager, a plain contact, staff acting as the customer: no.
    let res = co.approve(&stranger, &id).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
    let res = w
        .call("GET", &format!("/v1/approvals/{id}"), &stranger, None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
    let res = co.approve(&plain, &id).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    let res = w
        .call("GET", &format!("/v1/approvals/{id}"), &plain, None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
    let acting = w.impersonation_token(&co.c);
    let res = co.approve(&acting, &id).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);

    // A manager demoted or blocked by staff a moment ago (its session still says manager)
    // approves nothing.
    w.set_permissions(&co.c, "jefe@uno.mx", Permissions::all())
        .await;
    let res = co.approve(&co.boss, &id).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    w.set_permissions(&co.c, "jefe@uno.mx", MANAGER).await;
    w.set_access(&co.c, "jefe@uno.mx", AccessState::Blocked)
        .await;
    let res = co.approve(&co.boss, &id).await;
    assert!(
        matches!(res.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED),
        "{}",
        res.json
    );
    assert!(w.order_ids(&co.c).await.is_empty());
    assert_eq!(w.stock("A").await, (10, 0));

    // A quote above the limit is not accepted by the limited contact (a manager accepts it).
    let quote = w
        .call(
            "POST",
            "/v1/quotes",
            &co.buyer,
            Some(json!({"lines": [{"sku": "A", "quantity": 6}]})),
        )
        .await;
    assert_eq!(quote.status, StatusCode::CREATED, "{}", quote.json);
    let qid = quote.json["id"].as_str().unwrap();
    let answered = w
        .call(
            "POST",
            &format!("/v1/admin/quotes/{qid}/answer"),
            &w.admin_token,
            Some(json!({"lines": [{"sku": "A", "unit_price": "100.00"}],
                "valid_until": (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339()})),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.json);
    let res = w
        .call("POST", &format!("/v1/quotes/{qid}/accept"), &co.buyer, None)
        .await;
    assert_code(&res, StatusCode::CONFLICT, "above-spending-limit");
    assert_eq!(w.stock("A").await, (10, 0));

    // Without a limit the same order is placed at once.
    w.set_limit(&co.c, "ana@uno.mx", None).await;
    let res = w
        .place(
            &co.buyer,
            "nolimit",
            json!({"lines": [{"sku": "A", "quantity": 5}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
}
