//! A revocation holds before the session token expires: staff changes (demotion, deactivation,
//! deletion) at once, a contact's blocked access or a blocked customer within the per-container
//! access cache's TTL (at most 30 s; 1 s here, through `Config::access_cache_ttl`).

mod staff_common;

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use shared::accounts::fixtures::{
    put_price_list, put_staff, put_warehouse, receive_event, token_of,
};
use shared::accounts::login::{login_keys, Login, LoginOwner};
use shared::auth::StaffRole;
use shared::customers::{Contact, Customer};
use shared::store::keys;
use shared::testing::{call, TestEnv, TestResponse};
use staff_common::{setup, Ctx};

/// The cache TTL of the "fast" app in these tests.
const TEST_TTL: Duration = Duration::from_secs(1);

/// The accounts router of an app on the same table whose access cache lasts [`TEST_TTL`].
fn fast_router(ctx: &Ctx) -> axum::Router {
    let mut config = ctx.env.app.config.clone();
    config.access_cache_ttl = TEST_TTL;
    accounts::router(shared::App::new(config, &ctx.env.sdk))
}

/// Waits out the fast app's cache.
async fn past_ttl() {
    tokio::time::sleep(TEST_TTL + Duration::from_millis(200)).await;
}

#[track_caller]
fn assert_unauthenticated(res: &TestResponse) {
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(res.json["code"], "unauthenticated");
}

/// An active contact of `customer` with its login (the access actions need both), and its token.
async fn contact_with_login(ctx: &Ctx, customer: &Customer, email: &str) -> (Contact, String) {
    let contact = ctx.contact(customer, email, None).await;
    let login = Login::active(
        contact.email.clone(),
        LoginOwner::Contact {
            customer_id: customer.id.clone(),
        },
        "not-used-by-these-tests".into(),
    );
    ctx.env
        .app
        .store
        .put(&login_keys(email), &login)
        .await
        .unwrap();
    let token = ctx.contact_token(&contact);
    (contact, token)
}

#[tokio::test]
async fn a_demoted_admin_loses_admin_routes_at_once() {
    let ctx = setup().await;
    let (demoted, demoted_token) = ctx.admin().await;
    let (_, other_admin) = ctx
        .staff(
            "second@seller.com",
            "Second Admin",
            shared::auth::StaffRole::Admin,
        )
        .await;
    let res = ctx
        .call("GET", "/v1/admin/staff", Some(&demoted_token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{}", demoted.id),
            Some(&other_admin),
            Some(json!({"role": "agent"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // The same token, still unexpired and still saying "admin": the stored role applies.
    let res = ctx
        .call("GET", "/v1/admin/staff", Some(&demoted_token), None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json")
    );
    let res = ctx
        .call(
            "POST",
            "/v1/admin/staff",
            Some(&demoted_token),
            Some(json!({"email": "x@seller.com", "name": "X", "role": "admin"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    let me = ctx.call("GET", "/v1/me", Some(&demoted_token), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(me.json["principal"]["role"], "agent");

    // Promoted back: the admin routes open again with the same token.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{}", demoted.id),
            Some(&other_admin),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = ctx
        .call("GET", "/v1/admin/staff", Some(&demoted_token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

#[tokio::test]
async fn a_deactivated_or_deleted_staff_member_has_no_session() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let (agent, agent_token) = ctx.agent("luis@seller.com", "Luis Agent").await;
    let mine = ctx.customer("Mine", &[], Some(&agent.id)).await;
    let customer_path = format!("/v1/admin/customers/{}", mine.id);
    let res = ctx
        .call("GET", &customer_path, Some(&agent_token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{}", agent.id),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    for path in ["/v1/me", customer_path.as_str(), "/v1/admin/customers"] {
        let res = ctx.call("GET", path, Some(&agent_token), None).await;
        assert_unauthenticated(&res);
    }

    // Reactivated: the old session stays ended (a deactivation ends every session for good,
    // issue 11); a session issued after it works.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{}", agent.id),
            Some(&admin),
            Some(json!({"active": true})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_unauthenticated(
        &ctx.call("GET", &customer_path, Some(&agent_token), None)
            .await,
    );
    let fresh = shared::auth::Principal::staff(&agent.id, "Luis Agent", StaffRole::Agent, 60)
        .issued_after(res.json["sessions_valid_after"].as_i64())
        .token(ctx.secret());
    let res = ctx.call("GET", &customer_path, Some(&fresh), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // A staff item removed from the table leaves its tokens with nothing behind them.
    ctx.env
        .app
        .store
        .delete(&keys::staff_pk(&agent.id), keys::STAFF_SK)
        .await
        .unwrap();
    assert_unauthenticated(&ctx.call("GET", "/v1/me", Some(&fresh), None).await);
}

#[tokio::test]
async fn a_blocked_access_ends_the_contact_session_within_the_cache_ttl() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let (contact, token) = contact_with_login(&ctx, &acme, "ana@acme.com").await;
    let fast = fast_router(&ctx);
    // Both apps learn that the access is active.
    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = call(&fast, "GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    let res = ctx
        .call(
            "POST",
            &format!(
                "/v1/admin/customers/{}/contacts/{}/access",
                acme.id, contact.email
            ),
            Some(&admin),
            Some(json!({"action": "block"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["access"], "blocked");

    // A container that checked moments ago trusts its check for at most its TTL (30 s)...
    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "cached within the bound: {}",
        res.json
    );
    // ... and once the TTL has passed, the blocked access is refused.
    past_ttl().await;
    assert_unauthenticated(&call(&fast, "GET", "/v1/me", Some(&token), None).await);

    // Unblocked (a ready customer: its price list and warehouses exist), the old session stays
    // ended: a block ends every session issued before it (issue 11).
    put_price_list(&ctx.env.app, "pl-1", "MXN").await;
    put_warehouse(&ctx.env.app, "wh-1").await;
    put_warehouse(&ctx.env.app, "wh-2").await;
    let res = ctx
        .call(
            "POST",
            &format!(
                "/v1/admin/customers/{}/contacts/{}/access",
                acme.id, contact.email
            ),
            Some(&admin),
            Some(json!({"action": "unblock"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_unauthenticated(&call(&fast, "GET", "/v1/me", Some(&token), None).await);
    // A session issued after the unblock is live.
    let fresh = ctx.contact_token(&contact);
    let res = call(&fast, "GET", "/v1/me", Some(&fresh), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

#[tokio::test]
async fn a_blocked_customer_and_narrowed_permissions_reach_the_contact_session() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let (contact, token) = contact_with_login(&ctx, &acme, "ana@acme.com").await;
    let fast = fast_router(&ctx);
    let res = call(&fast, "GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["principal"]["permissions"]["place_orders"], true);

    // The stored permissions replace the token's.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/customers/{}/contacts/{}", acme.id, contact.email),
            Some(&admin),
            Some(json!({"permissions": {"place_orders": false}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    past_ttl().await;
    let res = call(&fast, "GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["principal"]["permissions"]["place_orders"], false);

    let res = ctx
        .call(
            "POST",
            &format!("/v1/admin/customers/{}/status", acme.id),
            Some(&admin),
            Some(json!({"status": "blocked"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    past_ttl().await;
    assert_unauthenticated(&call(&fast, "GET", "/v1/me", Some(&token), None).await);
    // Active again, the customer's old sessions stay ended (issue 11); new ones work.
    let res = ctx
        .call(
            "POST",
            &format!("/v1/admin/customers/{}/status", acme.id),
            Some(&admin),
            Some(json!({"status": "active"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_unauthenticated(&call(&fast, "GET", "/v1/me", Some(&token), None).await);
    let fresh = ctx.contact_token(&contact);
    let res = call(&fast, "GET", "/v1/me", Some(&fresh), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // A contact removed from the table has no session either (another customer's contact).
    let other = ctx.customer("Other", &[], None).await;
    let (gone, gone_token) = contact_with_login(&ctx, &other, "bo@other.com").await;
    ctx.env
        .app
        .store
        .delete(
            &keys::customer_pk(&other.id),
            &keys::contact_sk(gone.email.as_str()),
        )
        .await
        .unwrap();
    assert_unauthenticated(&call(&fast, "GET", "/v1/me", Some(&gone_token), None).await);
}

#[tokio::test]
async fn an_impersonated_session_ends_when_the_staff_member_may_no_longer_act() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let (agent, agent_token) = ctx.agent("luis@seller.com", "Luis Agent").await;
    let (other_agent, _) = ctx.agent("otto@seller.com", "Otto Other").await;
    let mine = ctx.customer("Mine", &[], Some(&agent.id)).await;
    let impersonate = || async {
        let res = ctx
            .call(
                "POST",
                &format!("/v1/admin/customers/{}/impersonate", mine.id),
                Some(&agent_token),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["token"].as_str().unwrap().to_string()
    };

    // Acting as the customer works, and is audited on its activity.
    let acting = impersonate().await;
    let me = ctx.call("GET", "/v1/me", Some(&acting), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(
        me.json["principal"]["impersonated_by"]["name"],
        "Luis Agent"
    );
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/activity", mine.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        res.json["items"][0]["kind"], "impersonation_started",
        "{}",
        res.json
    );
    assert_eq!(res.json["items"][0]["impersonated_by"], "Luis Agent");

    // The customer handed to another agent: the impersonated session ends at once.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/customers/{}", mine.id),
            Some(&admin),
            Some(json!({"agent_id": other_agent.id})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_unauthenticated(&ctx.call("GET", "/v1/me", Some(&acting), None).await);

    // Back to the agent, a new session; deactivating the agent ends it at once.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/customers/{}", mine.id),
            Some(&admin),
            Some(json!({"agent_id": agent.id})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let acting = impersonate().await;
    let res = ctx.call("GET", "/v1/me", Some(&acting), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{}", agent.id),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_unauthenticated(&ctx.call("GET", "/v1/me", Some(&acting), None).await);
}

#[tokio::test]
async fn a_warm_container_checks_a_contact_without_a_request() {
    let (env, counter) = TestEnv::with_request_counter().await;
    let router = accounts::router(env.app());
    let ctx = Ctx { env, router };
    let acme = ctx.customer("Acme", &[], None).await;
    let (_, token) = contact_with_login(&ctx, &acme, "ana@acme.com").await;

    counter.reset();
    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let cold = counter.operations();
    counter.reset();
    let res = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let warm = counter.operations();
    // The first request of the process reads the contact and its customer in one BatchGetItem;
    // the next one, within the TTL, sends exactly what the route itself needs.
    assert_eq!(
        cold.first().map(String::as_str),
        Some("BatchGetItem"),
        "{cold:?}"
    );
    assert_eq!(&cold[1..], warm.as_slice(), "cold {cold:?} warm {warm:?}");
}

/// Logs in through the API; returns the session token.
async fn log_in(ctx: &Ctx, email: &str, password: &str) -> String {
    let res = ctx
        .call(
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["token"].as_str().unwrap().to_string()
}

/// Issue 11 item 7: `POST /v1/auth/logout` ends the session presented (and only it); a new
/// password, a deactivation or a block ends every older session, for good.
#[tokio::test]
async fn logout_ends_its_session_and_a_new_password_or_a_block_ends_them_all() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let sam = put_staff(
        &ctx.env.app,
        "sam@seller.com",
        "Sam Staff",
        StaffRole::Agent,
        Some("staff-password-1"),
    )
    .await;
    let ctx_ref = &ctx;
    let me =
        move |token: String| async move { ctx_ref.call("GET", "/v1/me", Some(&token), None).await };
    let laptop = log_in(&ctx, "sam@seller.com", "staff-password-1").await;
    let phone = log_in(&ctx, "sam@seller.com", "staff-password-1").await;
    assert_eq!(me(laptop.clone()).await.status, StatusCode::OK);

    // Logout ends the laptop's session at once; the phone's stays.
    let res = ctx
        .call("POST", "/v1/auth/logout", Some(&laptop), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    assert_unauthenticated(&me(laptop.clone()).await);
    assert_unauthenticated(
        &ctx.call("POST", "/v1/auth/logout", Some(&laptop), None)
            .await,
    );
    assert_unauthenticated(&ctx.call("POST", "/v1/auth/logout", None, None).await);
    assert_eq!(me(phone.clone()).await.status, StatusCode::OK);

    // A password reset ends every older session; a login right after it works.
    let res = ctx
        .call(
            "POST",
            "/v1/auth/password-reset",
            None,
            Some(json!({"email": "sam@seller.com"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "PasswordResetRequested",
        15,
    )
    .await
    .expect("reset email");
    let reset = token_of(event["data"]["reset_url"].as_str().unwrap());
    let res = ctx
        .call(
            "POST",
            "/v1/auth/password-reset/confirm",
            None,
            Some(json!({"token": reset, "password": "staff-password-2"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_unauthenticated(&me(phone).await);
    let after_reset = log_in(&ctx, "sam@seller.com", "staff-password-2").await;
    assert_eq!(me(after_reset.clone()).await.status, StatusCode::OK);

    // A deactivation ends it for good: reactivated, the old session stays ended.
    for active in [false, true] {
        let res = ctx
            .call(
                "PATCH",
                &format!("/v1/admin/staff/{}", sam.id),
                Some(&admin),
                Some(json!({ "active": active })),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    }
    assert_unauthenticated(&me(after_reset).await);
    let again = log_in(&ctx, "sam@seller.com", "staff-password-2").await;
    assert_eq!(me(again).await.status, StatusCode::OK);

    // A contact's logout holds at once too.
    let acme = ctx.customer("Acme", &[], None).await;
    let (contact, token) = contact_with_login(&ctx, &acme, "ana@acme.com").await;
    let other = ctx.contact_token(&contact);
    assert_eq!(me(token.clone()).await.status, StatusCode::OK);
    let res = ctx
        .call("POST", "/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    assert_unauthenticated(&me(token).await);
    assert_eq!(me(other).await.status, StatusCode::OK);
}
