//! F1-F7 end to end through the accounts router: request, approval, readiness, access with an
//! invitation email on the queue, set password, login; token reuse and expiry; blocked access;
//! login throttling; password reset; staff login; bad input on every auth route.

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::accounts::fixtures::{
    item_count, put_price_list, put_staff, put_warehouse, receive_event, staff_session, token_of,
};
use shared::accounts::login::{self, Login};
use shared::auth::tokens::hash_token;
use shared::auth::StaffRole;
use shared::store::keys;
use shared::testing::{call, call_raw, TestEnv};

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
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> shared::testing::TestResponse {
        call(&self.router, "POST", path, token, Some(body)).await
    }

    async fn login(&self, email: &str, password: &str) -> shared::testing::TestResponse {
        self.post(
            "/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    async fn stored_login(&self, email: &str) -> Login {
        login::get(&self.env.app.store, email)
            .await
            .unwrap()
            .unwrap()
    }

    /// Ends a login's pending throttle delay, as if its time had passed.
    async fn expire_delay(&self, mut login: Login) {
        login.retry_at = Some("2020-01-01T00:00:00Z".into());
        self.env
            .app
            .store
            .put(&login::login_keys(login.email.as_str()), &login)
            .await
            .unwrap();
    }

    /// Request -> approval -> a ready profile: returns the customer id.
    async fn approved_ready_customer(&self, email: &str, phone: &str) -> String {
        let res = self
            .post(
                "/v1/account-requests",
                None,
                json!({
                    "company": "Mercado Sol", "tax_id": "MSO900101XY2", "contact_name": "Sol Díaz",
                    "email": email, "phone": phone, "address": "Rua A 1, São Paulo",
                    "language": "pt-BR"
                }),
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED);
        let list = call(
            &self.router,
            "GET",
            "/v1/admin/account-requests?status=pending",
            Some(&self.admin),
            None,
        )
        .await;
        let id = list.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["email"] == email)
            .expect("the request is listed")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let res = self
            .post(
                &format!("/v1/admin/account-requests/{id}/approve"),
                Some(&self.admin),
                json!({}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        let customer_id = res.json["customer"]["id"].as_str().unwrap().to_string();

        put_price_list(&self.env.app, "pl-brl", "BRL").await;
        put_warehouse(&self.env.app, "sp-1").await;
        let res = call(
            &self.router,
            "PATCH",
            &format!("/v1/admin/customers/{customer_id}"),
            Some(&self.admin),
            Some(json!({
                "price_list_id": "pl-brl",
                "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "10000.00", "currency": "BRL"},
                "warehouse_ids": ["sp-1"],
                "shipping_method": "Transportadora"
            })),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        customer_id
    }

    async fn access(
        &self,
        customer_id: &str,
        email: &str,
        action: &str,
    ) -> shared::testing::TestResponse {
        self.post(
            &format!("/v1/admin/customers/{customer_id}/contacts/{email}/access"),
            Some(&self.admin),
            json!({"action": action}),
        )
        .await
    }

    /// Waits for the `AccessInvited` event on the email queue and returns its token.
    async fn invitation_token(&self, email: &str) -> String {
        let event = receive_event(
            &self.env.sdk,
            &self.env.queues.email_queue_url,
            "AccessInvited",
            15,
        )
        .await
        .expect("the invitation reaches the email queue");
        assert_eq!(event["data"]["email"], email);
        token_of(event["data"]["invitation_url"].as_str().unwrap())
    }
}

#[tokio::test]
async fn the_whole_access_journey() {
    let ctx = setup().await;
    let email = "sol@mercadosol.com.br";
    let customer_id = ctx
        .approved_ready_customer(email, "+55 11 98765 4321")
        .await;

    let res = call(
        &ctx.router,
        "GET",
        &format!("/v1/admin/customers/{customer_id}/readiness"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.json["ready"], true, "{}", res.json);

    // Create the access: invited, with a WhatsApp link carrying the same message and link.
    let res = ctx.access(&customer_id, email, "create").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["access"], "invited");
    assert_eq!(res.json["emails_with_access"], 1);
    let whatsapp = res.json["whatsapp_link"].as_str().unwrap();
    assert!(
        whatsapp.starts_with("https://wa.me/5511987654321?text="),
        "{whatsapp}"
    );

    // The invitation event reached the email queue with the set-password link.
    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "AccessInvited",
        15,
    )
    .await
    .expect("AccessInvited on the email queue");
    let data = &event["data"];
    assert_eq!(data["email"], email);
    assert_eq!(data["name"], "Sol Díaz");
    assert_eq!(data["language"], "pt-BR");
    assert_eq!(data["customer_id"], customer_id.as_str());
    assert_eq!(data["whatsapp_link"], whatsapp);
    let url = data["invitation_url"].as_str().unwrap();
    assert!(
        url.starts_with("http://localhost:3000/set-password?token="),
        "{url}"
    );
    let token = token_of(url);
    assert!(
        whatsapp.contains(&token),
        "URL-safe tokens appear as they are"
    );
    // Only the hash is stored.
    let stored = ctx.stored_login(email).await;
    assert_eq!(
        stored.pending_token_hash.as_deref(),
        Some(hash_token(&token).as_str())
    );

    // No password yet: no login.
    assert_eq!(
        ctx.login(email, "anything-at-all").await.status,
        StatusCode::UNAUTHORIZED
    );

    // A too short password is refused and does not use up the token.
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "password");

    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": token, "password": "sol-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["status"], "active");

    // Reusing the token fails.
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": token, "password": "another-password-2"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "token");

    // Login.
    let res = ctx.login(email, "sol-password-1").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["principal"]["kind"], "contact");
    assert_eq!(res.json["principal"]["customer_id"], customer_id.as_str());
    assert_eq!(res.json["principal"]["name"], "Sol Díaz");
    assert!(res.json["token"].as_str().unwrap().split('.').count() == 3);
    assert!(res.json["expires_at"].as_str().is_some());
    // The old password from the reuse attempt never took.
    assert_eq!(
        ctx.login(email, "another-password-2").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Last access and the activity report record the login.
    let contacts = call(
        &ctx.router,
        "GET",
        &format!("/v1/admin/customers/{customer_id}/contacts"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(contacts.json["items"][0]["access"], "active");
    assert!(contacts.json["items"][0]["last_access_at"].is_string());
    let activity = shared::activity::list(&ctx.env.app.store, &customer_id, 10, None)
        .await
        .unwrap();
    assert_eq!(activity.items[0].kind, "login");
    assert_eq!(activity.items[0].actor, email);

    // A blocked access cannot log in; unblocking restores it.
    let res = ctx.access(&customer_id, email, "block").await;
    assert_eq!(res.json["access"], "blocked", "{}", res.json);
    assert_eq!(res.json["emails_with_access"], 0);
    let blocked = ctx.login(email, "sol-password-1").await;
    assert_eq!(blocked.status, StatusCode::UNAUTHORIZED);
    let wrong = ctx.login(email, "wrong-password-9").await;
    assert_eq!(
        blocked.json, wrong.json,
        "a blocked access looks like a wrong password"
    );
    let res = ctx.access(&customer_id, email, "unblock").await;
    assert_eq!(res.json["access"], "active", "{}", res.json);
    assert!(res.json.get("whatsapp_link").is_none());
    assert_eq!(
        ctx.login(email, "sol-password-1").await.status,
        StatusCode::OK
    );

    // A blocked customer cannot log in either (same answer), an active one again can.
    let res = ctx
        .post(
            &format!("/v1/admin/customers/{customer_id}/status"),
            Some(&ctx.admin),
            json!({"status": "blocked"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = ctx.login(email, "sol-password-1").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json, wrong.json);
    ctx.post(
        &format!("/v1/admin/customers/{customer_id}/status"),
        Some(&ctx.admin),
        json!({"status": "active"}),
    )
    .await;
    assert_eq!(
        ctx.login(email, "sol-password-1").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn expired_and_replaced_invitations_fail() {
    let ctx = setup().await;
    let email = "exp@mercado.com";
    let customer_id = ctx
        .approved_ready_customer(email, "+55 11 91111 2222")
        .await;
    ctx.access(&customer_id, email, "create").await;
    let first = ctx.invitation_token(email).await;

    // A re-send replaces the link: the first token no longer works.
    let res = ctx.access(&customer_id, email, "resend").await;
    assert_eq!(res.json["access"], "invited", "{}", res.json);
    let second = ctx.invitation_token(email).await;
    assert_ne!(first, second);
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": first, "password": "exp-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Expire the second one.
    let hash = hash_token(&second);
    let mut record: Value = ctx
        .env
        .app
        .store
        .get(&keys::token_pk(&hash), keys::TOKEN_SK)
        .await
        .unwrap()
        .expect("token stored");
    record["expires_at"] = json!("2020-01-01T00:00:00Z");
    ctx.env
        .app
        .store
        .put(
            &shared::store::Keys::new(keys::token_pk(&hash), keys::TOKEN_SK),
            &record,
        )
        .await
        .unwrap();
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": second, "password": "exp-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "token");
    assert_eq!(
        ctx.stored_login(email).await.status,
        login::LoginStatus::Invited
    );

    // A garbage token is the same answer.
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": "not-a-token", "password": "exp-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Blocking an invited access kills its link; unblocking sends a new one.
    let res = ctx.access(&customer_id, email, "resend").await;
    assert_eq!(res.status, StatusCode::OK);
    let third = ctx.invitation_token(email).await;
    ctx.access(&customer_id, email, "block").await;
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": third, "password": "exp-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = ctx.access(&customer_id, email, "unblock").await;
    assert_eq!(res.json["access"], "invited", "{}", res.json);
    assert!(res.json["whatsapp_link"].is_string());
    let fourth = ctx.invitation_token(email).await;
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": fourth, "password": "exp-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        ctx.login(email, "exp-password-1").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn repeated_failures_slow_the_login_down_with_growing_delays() {
    use shared::accounts::auth::{delay_after, FREE_ATTEMPTS};
    let ctx = setup().await;
    put_staff(
        &ctx.env.app,
        "lock@seller.com",
        "Lou Lock",
        StaffRole::Admin,
        Some("right-password-1"),
    )
    .await;
    let unknown = ctx.login("nobody@nowhere.com", "whatever-pass").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);

    for i in 1..FREE_ATTEMPTS {
        let res = ctx.login("lock@seller.com", "wrong-password").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            res.json, unknown.json,
            "a wrong password looks like an unknown email"
        );
        assert_eq!(ctx.stored_login("lock@seller.com").await.failed_attempts, i);
    }
    // A success resets the count.
    assert_eq!(
        ctx.login("lock@seller.com", "right-password-1")
            .await
            .status,
        StatusCode::OK
    );
    let after_success = ctx.stored_login("lock@seller.com").await;
    assert_eq!(after_success.failed_attempts, 0);
    assert!(after_success.retry_at.is_none());

    // The free attempts, then a delay; while it runs even the right password is the same 401
    // and is not counted.
    for _ in 0..FREE_ATTEMPTS {
        ctx.login("lock@seller.com", "wrong-password").await;
    }
    let held = ctx.stored_login("lock@seller.com").await;
    assert_eq!(held.failed_attempts, FREE_ATTEMPTS);
    let res = ctx.login("lock@seller.com", "right-password-1").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json, unknown.json);
    assert_eq!(
        ctx.stored_login("lock@seller.com").await.failed_attempts,
        FREE_ATTEMPTS,
        "an attempt during the delay is not evaluated"
    );

    // Once the delay is over one more attempt is evaluated; failing, it doubles the delay.
    ctx.expire_delay(held).await;
    let before = chrono::Utc::now();
    ctx.login("lock@seller.com", "wrong-password").await;
    let held = ctx.stored_login("lock@seller.com").await;
    assert_eq!(held.failed_attempts, FREE_ATTEMPTS + 1);
    let at = chrono::DateTime::parse_from_rfc3339(held.retry_at.as_deref().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!(at >= before + delay_after(FREE_ATTEMPTS + 1));
    assert_eq!(
        delay_after(FREE_ATTEMPTS + 1),
        chrono::Duration::seconds(60)
    );

    // No hard lock: after the delay the right password works.
    ctx.expire_delay(held).await;
    let res = ctx.login("lock@seller.com", "right-password-1").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["principal"]["kind"], "staff");
    assert_eq!(res.json["principal"]["role"], "admin");
    assert_eq!(res.json["principal"]["name"], "Lou Lock");
    let login = ctx.stored_login("lock@seller.com").await;
    assert_eq!(login.failed_attempts, 0);
    assert!(login.retry_at.is_none());
}

/// Issue 11 item 6: 20 parallel wrong passwords for one email (an admin's) evaluate at most the
/// free attempts: each attempt is reserved before its password is checked. Counted by the
/// verifier itself (checks of this login's stored hash), so no timing is assumed.
#[tokio::test]
async fn parallel_guesses_are_reserved_before_the_password_is_checked() {
    use shared::accounts::auth::FREE_ATTEMPTS;
    let ctx = setup().await;
    put_staff(
        &ctx.env.app,
        "target@seller.com",
        "Tess Target",
        StaffRole::Admin,
        Some("right-password-1"),
    )
    .await;
    let hash = ctx
        .stored_login("target@seller.com")
        .await
        .password_hash
        .unwrap();
    let unknown = ctx.login("nobody@nowhere.com", "whatever-pass").await;

    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let router = ctx.router.clone();
            tokio::spawn(async move {
                call(
                    &router,
                    "POST",
                    "/v1/auth/login",
                    None,
                    Some(json!({"email": "target@seller.com", "password": format!("guess-{i}")})),
                )
                .await
            })
        })
        .collect();
    for guess in guesses {
        let res = guess.await.unwrap();
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.json, unknown.json);
    }
    let checked = shared::auth::password::checks::of(&hash);
    assert!(
        checked >= 1 && checked <= u64::from(FREE_ATTEMPTS),
        "{checked} of 20 parallel guesses were evaluated; at most {FREE_ATTEMPTS} may be"
    );
    let login = ctx.stored_login("target@seller.com").await;
    assert_eq!(
        u64::from(login.failed_attempts),
        checked,
        "one reservation per check"
    );
}

#[tokio::test]
async fn password_reset_sends_a_link_only_to_active_logins() {
    let ctx = setup().await;
    let email = "reset@mercado.com";
    let customer_id = ctx
        .approved_ready_customer(email, "+55 11 93333 4444")
        .await;
    ctx.access(&customer_id, email, "create").await;
    let invitation = ctx.invitation_token(email).await;
    ctx.post(
        "/v1/auth/invitations/accept",
        None,
        json!({"token": invitation, "password": "first-password-1"}),
    )
    .await;

    let known = ctx
        .post("/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    let unknown = ctx
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"email": "ghost@nowhere.com"}),
        )
        .await;
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.json, unknown.json, "the same answer either way");

    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "PasswordResetRequested",
        15,
    )
    .await
    .expect("the reset email is queued");
    assert_eq!(event["data"]["email"], email);
    assert_eq!(event["data"]["language"], "pt-BR");
    let url = event["data"]["reset_url"].as_str().unwrap();
    assert!(url.starts_with("http://localhost:3000/reset-password?token="));
    let token = token_of(url);

    // An invitation token is not a reset token, and vice versa.
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": token, "password": "new-password-22"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    let res = ctx
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "new-password-22"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        ctx.login(email, "first-password-1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ctx.login(email, "new-password-22").await.status,
        StatusCode::OK
    );
    let res = ctx
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "third-password-3"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "single use");

    // A blocked access gets no reset email (and the same answer).
    ctx.access(&customer_id, email, "block").await;
    let res = ctx
        .post("/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    assert_eq!(res.json, unknown.json);
    assert!(receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "PasswordResetRequested",
        3,
    )
    .await
    .is_none());
}

/// A refused login does the same work whether the email is unknown, the password wrong or the
/// login throttled (one read, one conditional write; counted, not timed).
#[tokio::test]
async fn refused_logins_do_the_same_work() {
    use shared::accounts::auth::FREE_ATTEMPTS;
    let ctx = setup().await;
    put_staff(
        &ctx.env.app,
        "known@seller.com",
        "Kim Known",
        StaffRole::Admin,
        Some("right-password-1"),
    )
    .await;
    let (app, counter) = shared::testing::app_counting_dynamodb_and_events(&ctx.env);
    let router = accounts::router(app);
    let mut seen = Vec::new();
    let emails = std::iter::once("ghost@nowhere.com").chain(std::iter::repeat_n(
        "known@seller.com",
        FREE_ATTEMPTS as usize + 1,
    ));
    for email in emails {
        counter.reset();
        let res = call(
            &router,
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": email, "password": "wrong-password"})),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        seen.push((res.json, counter.operations()));
    }
    assert_eq!(seen[0].1, ["GetItem", "UpdateItem"]);
    for (answer, work) in &seen {
        assert_eq!((answer, work), (&seen[0].0, &seen[0].1));
    }
    assert_eq!(
        ctx.stored_login("known@seller.com").await.failed_attempts,
        FREE_ATTEMPTS,
        "the last attempt was throttled, not counted"
    );
}

/// Issue 11 item 8: a reset request for a known email and for an unknown one do the same work
/// (the same DynamoDB requests and the same relay to the bus, counted by an SDK interceptor,
/// not timed), and an email gets at most one reset link per cool-down: a second request is
/// answered the same, sends nothing and keeps the first link valid.
#[tokio::test]
async fn reset_requests_do_the_same_work_for_any_email_and_cool_down() {
    let ctx = setup().await;
    put_staff(
        &ctx.env.app,
        "known@seller.com",
        "Kim Known",
        StaffRole::Agent,
        Some("first-password-1"),
    )
    .await;
    let (app, counter) = shared::testing::app_counting_dynamodb_and_events(&ctx.env);
    let router = accounts::router(app);
    let reset = |email: &'static str| {
        let router = router.clone();
        let counter = counter.clone();
        async move {
            counter.reset();
            let res = call(
                &router,
                "POST",
                "/v1/auth/password-reset",
                None,
                Some(json!({ "email": email })),
            )
            .await;
            assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
            (res.json, counter.operations())
        }
    };

    let (known, known_work) = reset("known@seller.com").await;
    let (unknown, unknown_work) = reset("ghost@nowhere.com").await;
    assert_eq!(known, unknown, "the same answer");
    assert_eq!(
        known_work, unknown_work,
        "the same requests, relay included, whether or not the email exists"
    );
    assert!(
        known_work.iter().any(|op| op == "PutEvents"),
        "{known_work:?}"
    );
    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "PasswordResetRequested",
        15,
    )
    .await
    .expect("the reset email is queued");
    let token = token_of(event["data"]["reset_url"].as_str().unwrap());
    let pending = ctx
        .stored_login("known@seller.com")
        .await
        .pending_token_hash;

    // Within the cool-down: the same answer, again the same work for both, and nothing sent
    // or replaced.
    let (again, known_again) = reset("known@seller.com").await;
    let (_, unknown_again) = reset("ghost@nowhere.com").await;
    assert_eq!(again, known);
    assert_eq!(known_again, unknown_again);
    assert!(
        !known_again.iter().any(|op| op == "PutEvents"),
        "nothing relayed: {known_again:?}"
    );
    assert_eq!(
        ctx.stored_login("known@seller.com")
            .await
            .pending_token_hash,
        pending,
        "the pending link is not replaced"
    );
    assert!(receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "PasswordResetRequested",
        3,
    )
    .await
    .is_none());
    let res = ctx
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "second-password-2"}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "the first link still works: {}",
        res.json
    );
}

#[tokio::test]
async fn bad_input_on_auth_routes_names_the_field_and_writes_nothing() {
    let ctx = setup().await;
    let before = item_count(&ctx.env.app).await;
    let routes = [
        (
            "/v1/auth/login",
            json!({"email": "a@b.co", "password": "x"}),
            "password",
        ),
        (
            "/v1/auth/invitations/accept",
            json!({"token": "t", "password": "long-enough-1"}),
            "token",
        ),
        (
            "/v1/auth/password-reset",
            json!({"email": "a@b.co"}),
            "email",
        ),
        (
            "/v1/auth/password-reset/confirm",
            json!({"token": "t", "password": "long-enough-1"}),
            "token",
        ),
    ];
    for (path, valid, required) in routes {
        let res = call_raw(&ctx.router, "POST", path, None, Some(b"{ ".to_vec()), &[]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(res.json["errors"][0]["field"], "body");

        let mut missing = valid.clone();
        missing.as_object_mut().unwrap().remove(required);
        let res = call(&ctx.router, "POST", path, None, Some(missing)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(res.json["errors"][0]["field"], required, "{path}");
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );

        let mut wrong = valid.clone();
        wrong[required] = json!(42);
        let res = call(&ctx.router, "POST", path, None, Some(wrong)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(res.json["errors"][0]["field"], required, "{path}");

        if valid.get("email").is_some() {
            let mut bad = valid.clone();
            bad["email"] = json!("not an email");
            let res = call(&ctx.router, "POST", path, None, Some(bad)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            assert_eq!(res.json["errors"][0]["field"], "email", "{path}");
        }

        let mut huge = valid.clone();
        huge["padding"] = json!("x".repeat(100_000));
        let res = call(&ctx.router, "POST", path, None, Some(huge)).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    assert_eq!(
        item_count(&ctx.env.app).await,
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn a_lost_invitation_is_replaced_by_a_reset_link() {
    let ctx = setup().await;
    let email = "lost@mercado.com";
    let customer_id = ctx
        .approved_ready_customer(email, "+55 11 95555 6666")
        .await;
    ctx.access(&customer_id, email, "create").await;
    let invitation = ctx.invitation_token(email).await;

    let res = ctx
        .post("/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "PasswordResetRequested",
        15,
    )
    .await
    .expect("the reset email is queued");
    let token = token_of(event["data"]["reset_url"].as_str().unwrap());

    // The newest link wins: the invitation no longer works, the reset link does.
    let res = ctx
        .post(
            "/v1/auth/invitations/accept",
            None,
            json!({"token": invitation, "password": "lost-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = ctx
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "lost-password-1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let contacts = call(
        &ctx.router,
        "GET",
        &format!("/v1/admin/customers/{customer_id}/contacts"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(contacts.json["items"][0]["access"], "active");
    assert_eq!(
        ctx.login(email, "lost-password-1").await.status,
        StatusCode::OK
    );
}
