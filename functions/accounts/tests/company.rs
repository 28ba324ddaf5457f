//! F39 the buying company's own users, through the accounts router: a manager (granted by
//! staff) lists its colleagues, invites one through the staff invitation flow and email, sets
//! permissions and a spending limit, blocks and unblocks; and every way up or sideways is
//! refused (another customer, staff, itself, another manager, more permissions than it holds,
//! a limit in another currency, a manager demoted or blocked mid-way, parallel requests).

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::accounts::fixtures::{
    contact_session, put_price_list, put_warehouse, receive_event, staff_session, token_of,
};
use shared::accounts::login::{login_keys, Login, LoginOwner};
use shared::auth::{Permissions, StaffRole};
use shared::customers::Contact;
use shared::store::keys;
use shared::testing::{call, TestEnv, TestResponse};

struct Ctx {
    env: TestEnv,
    router: axum::Router,
    admin: String,
}

const MANAGER: Permissions = Permissions {
    place_orders: true,
    create_quotes: true,
    see_invoices: true,
    manage_company: true,
};

async fn setup() -> Ctx {
    let env = TestEnv::new().await;
    let router = accounts::router(env.app());
    let (ada, admin) =
        staff_session(&env.app, "ada@seller.com", "Ada Admin", StaffRole::Admin).await;
    // Staff log in with the same one-login-per-email records as contacts.
    let login = Login::invited(
        ada.email.clone(),
        LoginOwner::Staff { staff_id: ada.id },
        "not-a-real-hash",
    );
    env.app
        .store
        .put(&login_keys(ada.email.as_str()), &login)
        .await
        .unwrap();
    put_price_list(&env.app, "pl", "RON").await;
    put_warehouse(&env.app, "buc").await;
    Ctx { env, router, admin }
}

impl Ctx {
    async fn req(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        call(&self.router, method, path, Some(token), body).await
    }

    /// An active, ready customer (RON) created by staff.
    async fn customer(&self, name: &str) -> String {
        let body = json!({"name": name, "tax_id": "RO123", "email": format!("office@{}.ro", name.to_lowercase()),
            "language": "ro", "price_list_id": "pl", "warehouse_ids": ["buc"], "shipping_method": "curier",
            "credit": {"terms": "CREDIT", "credit_days": 15, "limit": "1000", "currency": "RON"}});
        let res = self
            .req(&self.admin, "POST", "/v1/admin/customers", Some(body))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
        res.json["id"].as_str().unwrap().to_string()
    }

    /// The same function on a container without the access cache (a block shows at once).
    fn uncached_router(&self) -> axum::Router {
        let mut config = self.env.app.config.clone();
        config.access_cache_ttl = std::time::Duration::ZERO;
        accounts::router(shared::App::new(config, &self.env.sdk))
    }

    async fn session(&self, customer: &str, email: &str, permissions: Permissions) -> String {
        contact_session(&self.env.app, customer, email, "Ion Popescu", permissions).await
    }

    async fn contact(&self, customer: &str, email: &str) -> Contact {
        self.env
            .app
            .store
            .get(&keys::customer_pk(customer), &keys::contact_sk(email))
            .await
            .unwrap()
            .expect("contact")
    }

    async fn invite(&self, token: &str, body: Value) -> TestResponse {
        self.req(token, "POST", "/v1/company/contacts", Some(body))
            .await
    }

    async fn patch(&self, token: &str, email: &str, body: Value) -> TestResponse {
        self.req(
            token,
            "PATCH",
            &format!("/v1/company/contacts/{email}"),
            Some(body),
        )
        .await
    }

    async fn access(&self, token: &str, email: &str, action: &str) -> TestResponse {
        self.req(
            token,
            "POST",
            &format!("/v1/company/contacts/{email}/access"),
            Some(json!({"action": action})),
        )
        .await
    }
}

fn fields(res: &TestResponse) -> Vec<String> {
    res.json["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_manager_invites_a_colleague_who_sets_a_password_and_is_then_limited_and_blocked() {
    let ctx = setup().await;
    let id = ctx.customer("Carpati").await;
    let boss = ctx.session(&id, "boss@carpati.ro", MANAGER).await;

    let res = ctx
        .invite(
            &boss,
            json!({"email": "Maria@Carpati.ro", "name": "Maria Ionescu", "phone": "+40 721 234 567",
                "permissions": {"place_orders": true, "create_quotes": false, "see_invoices": true},
                "spending_limit": {"amount": "500.00", "currency": "RON"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["access"], "invited");
    assert!(res.json["whatsapp_link"]
        .as_str()
        .unwrap()
        .starts_with("https://wa.me/40721234567?text="));

    // The same invitation event (and so the same email) as a staff invitation.
    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "AccessInvited",
        15,
    )
    .await
    .expect("AccessInvited on the email queue");
    assert_eq!(event["data"]["email"], "maria@carpati.ro");
    assert_eq!(event["data"]["customer_id"], id.as_str());
    let token = token_of(event["data"]["invitation_url"].as_str().unwrap());

    // Staff see her as any contact, with her limit.
    let res = ctx
        .req(
            &ctx.admin,
            "GET",
            &format!("/v1/admin/customers/{id}/contacts"),
            None,
        )
        .await;
    let maria = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["email"] == "maria@carpati.ro")
        .cloned()
        .expect("listed for staff");
    assert_eq!(maria["access"], "invited");
    assert_eq!(maria["spending_limit"]["amount"], "500.00");
    assert_eq!(maria["permissions"]["create_quotes"], false);
    assert_eq!(maria["permissions"]["manage_company"], false);

    // She sets a password and logs in.
    let res = call(
        &ctx.router,
        "POST",
        "/v1/auth/invitations/accept",
        None,
        Some(json!({"token": token, "password": "maria-password-1"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = call(
        &ctx.router,
        "POST",
        "/v1/auth/login",
        None,
        Some(json!({"email": "maria@carpati.ro", "password": "maria-password-1"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let maria_token = res.json["token"].as_str().unwrap().to_string();
    assert_eq!(
        ctx.req(&maria_token, "GET", "/v1/me", None).await.status,
        StatusCode::OK
    );
    // She is no manager: the company routes refuse her.
    let res = ctx
        .req(&maria_token, "GET", "/v1/company/contacts", None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);

    // The manager lists the company and changes her limit, then removes it.
    let res = ctx.req(&boss, "GET", "/v1/company/contacts", None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["items"].as_array().unwrap().len(), 2);
    let res = ctx
        .patch(
            &boss,
            "maria@carpati.ro",
            json!({"spending_limit": {"amount": "750.5", "currency": "RON"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["spending_limit"]["amount"], "750.5");
    let res = ctx
        .patch(&boss, "maria@carpati.ro", json!({"spending_limit": null}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(ctx
        .contact(&id, "maria@carpati.ro")
        .await
        .spending_limit
        .is_none());

    // Blocked by the manager: her session ends, as with a staff block (on a container whose
    // access cache has expired; README: at most 30 s).
    let res = ctx.access(&boss, "maria@carpati.ro", "block").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["access"], "blocked");
    let uncached = ctx.uncached_router();
    assert_eq!(
        call(&uncached, "GET", "/v1/me", Some(&maria_token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let res = ctx.access(&boss, "maria@carpati.ro", "unblock").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["access"], "active");
    // The old session stays ended; a new login works.
    assert_eq!(
        call(&uncached, "GET", "/v1/me", Some(&maria_token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let res = call(
        &ctx.router,
        "POST",
        "/v1/auth/login",
        None,
        Some(json!({"email": "maria@carpati.ro", "password": "maria-password-1"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

#[tokio::test]
async fn a_limit_in_another_currency_or_bad_amount_is_refused_naming_the_field() {
    let ctx = setup().await;
    let id = ctx.customer("Dacia").await;
    let boss = ctx.session(&id, "boss@dacia.ro", MANAGER).await;
    ctx.session(&id, "ana@dacia.ro", Permissions::all()).await;

    for (limit, field) in [
        (
            json!({"amount": "500", "currency": "EUR"}),
            "spending_limit.currency",
        ),
        (
            json!({"amount": "0", "currency": "RON"}),
            "spending_limit.amount",
        ),
        (
            json!({"amount": "-3", "currency": "RON"}),
            "spending_limit.amount",
        ),
        (
            json!({"amount": "1.001", "currency": "RON"}),
            "spending_limit.amount",
        ),
    ] {
        let res = ctx
            .patch(&boss, "ana@dacia.ro", json!({"spending_limit": limit}))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
        assert!(fields(&res).contains(&field.to_string()), "{}", res.json);
        // Staff are held to the same rule.
        let res = ctx
            .req(
                &ctx.admin,
                "PATCH",
                &format!("/v1/admin/customers/{id}/contacts/ana@dacia.ro"),
                Some(json!({"spending_limit": limit})),
            )
            .await;
        assert!(fields(&res).contains(&field.to_string()), "{}", res.json);
    }
    // An invitation with such a limit creates nothing.
    let res = ctx
        .invite(
            &boss,
            json!({"email": "nou@dacia.ro", "name": "Nou", "spending_limit": {"amount": "10", "currency": "MXN"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    assert!(fields(&res).contains(&"spending_limit.currency".to_string()));
    let res = ctx.req(&boss, "GET", "/v1/company/contacts", None).await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 2);
    assert!(ctx
        .contact(&id, "ana@dacia.ro")
        .await
        .spending_limit
        .is_none());
}

#[tokio::test]
async fn managers_cannot_climb_or_reach_sideways() {
    let ctx = setup().await;
    let id = ctx.customer("Olt").await;
    let other = ctx.customer("Mures").await;
    // A manager without "see invoices".
    let boss = ctx
        .session(
            &id,
            "boss@olt.ro",
            Permissions {
                see_invoices: false,
                ..MANAGER
            },
        )
        .await;
    ctx.session(&id, "ana@olt.ro", Permissions::all()).await;
    ctx.session(&id, "sef@olt.ro", MANAGER).await;
    ctx.session(&other, "ion@mures.ro", Permissions::all())
        .await;
    let plain = ctx.session(&id, "dan@olt.ro", Permissions::all()).await;

    // "manage company" is granted by staff only; and nothing the manager lacks.
    let res = ctx
        .patch(
            &boss,
            "ana@olt.ro",
            json!({"permissions": {"place_orders": true, "create_quotes": true, "see_invoices": false, "manage_company": true}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    assert_eq!(fields(&res), ["permissions.manage_company"]);
    let res = ctx
        .patch(
            &boss,
            "ana@olt.ro",
            json!({"permissions": {"place_orders": true, "create_quotes": true, "see_invoices": true}}),
        )
        .await;
    assert_eq!(fields(&res), ["permissions.see_invoices"]);
    let res = ctx
        .invite(
            &boss,
            json!({"email": "x@olt.ro", "name": "X", "permissions": {"manage_company": true, "see_invoices": false}}),
        )
        .await;
    assert_eq!(fields(&res), ["permissions.manage_company"]);
    // Itself and other managers: staff's business.
    let res = ctx
        .patch(
            &boss,
            "boss@olt.ro",
            json!({"permissions": {"place_orders": true, "create_quotes": true, "see_invoices": true}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    let res = ctx.access(&boss, "boss@olt.ro", "block").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    let res = ctx.access(&boss, "sef@olt.ro", "block").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    // Another customer's contact and a staff member's email are not found here.
    for email in ["ion@mures.ro", "ada@seller.com"] {
        let res = ctx.access(&boss, email, "block").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
        let res = ctx
            .patch(&boss, email, json!({"spending_limit": null}))
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.json);
    }
    // Inviting a staff member's email: it already has a login; nothing is created.
    let res = ctx
        .invite(&boss, json!({"email": "ada@seller.com", "name": "Ada", "permissions": {"see_invoices": false}}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.json);
    assert!(ctx
        .env
        .app
        .store
        .get_item(&keys::customer_pk(&id), &keys::contact_sk("ada@seller.com"))
        .await
        .unwrap()
        .is_none());
    // A plain contact and staff are no managers here.
    for token in [&plain, &ctx.admin] {
        let res = ctx.req(token, "GET", "/v1/company/contacts", None).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    }
    // Nothing changed.
    let ana = ctx.contact(&id, "ana@olt.ro").await;
    assert_eq!(ana.permissions, Permissions::all());
    let ion = ctx.contact(&other, "ion@mures.ro").await;
    assert_eq!(ion.access, shared::customers::AccessState::Active);
}

#[tokio::test]
async fn a_manager_demoted_or_blocked_mid_way_loses_the_rights_at_once() {
    let ctx = setup().await;
    let id = ctx.customer("Arges").await;
    let boss = ctx.session(&id, "boss@arges.ro", MANAGER).await;
    ctx.session(&id, "ana@arges.ro", Permissions::all()).await;
    // A first request works (and warms the session cache with "manage company").
    let res = ctx
        .patch(&boss, "ana@arges.ro", json!({"name": "Ana Maria"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // Staff take "manage company" away: the very next request is refused.
    let res = ctx
        .req(
            &ctx.admin,
            "PATCH",
            &format!("/v1/admin/customers/{id}/contacts/boss@arges.ro"),
            Some(json!({"permissions": {"place_orders": true, "create_quotes": true, "see_invoices": true, "manage_company": false}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = ctx
        .patch(&boss, "ana@arges.ro", json!({"name": "Ana"}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert_eq!(
        ctx.contact(&id, "ana@arges.ro").await.name.as_str(),
        "Ana Maria"
    );

    // Given back, then blocked (as a staff block leaves the contact): refused at once too,
    // whatever the session cache still holds.
    let res = ctx
        .req(
            &ctx.admin,
            "PATCH",
            &format!("/v1/admin/customers/{id}/contacts/boss@arges.ro"),
            Some(json!({"permissions": {"place_orders": true, "create_quotes": true, "see_invoices": true, "manage_company": true}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = ctx
        .patch(&boss, "ana@arges.ro", json!({"name": "Ana B"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let mut blocked = ctx.contact(&id, "boss@arges.ro").await;
    blocked.access = shared::customers::AccessState::Blocked;
    ctx.env
        .app
        .store
        .put(
            &shared::store::Keys::new(keys::customer_pk(&id), keys::contact_sk("boss@arges.ro")),
            &blocked,
        )
        .await
        .unwrap();
    let res = ctx
        .patch(&boss, "ana@arges.ro", json!({"name": "Ana C"}))
        .await;
    // 403 while the session cache still admits the blocked session, 401 once it does not.
    let refused = [StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED];
    assert!(refused.contains(&res.status), "{}", res.json);
    let res = ctx.access(&boss, "ana@arges.ro", "block").await;
    assert!(refused.contains(&res.status), "{}", res.json);
    assert_eq!(
        ctx.contact(&id, "ana@arges.ro").await.name.as_str(),
        "Ana B"
    );
}

#[tokio::test]
async fn parallel_invitations_of_one_email_create_one_contact() {
    let ctx = setup().await;
    let id = ctx.customer("Buzau").await;
    let boss = ctx.session(&id, "boss@buzau.ro", MANAGER).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let router = ctx.router.clone();
        let boss = boss.clone();
        set.spawn(async move {
            call(
                &router,
                "POST",
                "/v1/company/contacts",
                Some(&boss),
                Some(json!({"email": "nou@buzau.ro", "name": "Nou"})),
            )
            .await
            .status
        });
    }
    let mut created = 0;
    while let Some(status) = set.join_next().await {
        match status.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1);
    let res = ctx.req(&boss, "GET", "/v1/company/contacts", None).await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 2);
    assert_eq!(res.json["emails_with_access"], 2);
}
