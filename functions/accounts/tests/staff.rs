//! F8 staff users through the HTTP API: admin-only CRUD, logins written with the user, the
//! invitation of a staff member created without a password, deactivation blocking the login,
//! and bad input refused with nothing written.

mod staff_common;

use axum::http::StatusCode;
use serde_json::json;
use shared::accounts::login::{self, LoginOwner, LoginStatus};
use shared::accounts::tokens::{OneTimeToken, TokenPurpose};
use shared::auth::tokens::hash_token;
use shared::store::keys;
use staff_common::{assert_problem, assert_rejects_bad_input, setup};

#[tokio::test]
async fn admins_create_list_read_and_rename_staff() {
    let ctx = setup().await;
    let (admin, admin_token) = ctx.admin().await;

    let res = ctx
        .call(
            "POST",
            "/v1/admin/staff",
            Some(&admin_token),
            Some(
                json!({"email": " Luis@Seller.com ", "name": "Luis Agent", "role": "agent",
                        "password": "a-long-password-1"}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let luis_id = res.json["id"].as_str().unwrap().to_string();
    assert_eq!(res.json["email"], "luis@seller.com");
    assert_eq!(res.json["role"], "agent");
    assert_eq!(res.json["active"], true);

    // The login was written with it: active, argon2id, owned by the staff user.
    let login = login::get(&ctx.env.app.store, "luis@seller.com")
        .await
        .unwrap()
        .expect("login written");
    assert_eq!(login.status, LoginStatus::Active);
    assert!(login.password_hash.unwrap().starts_with("$argon2id$"));
    assert_eq!(
        login.owner,
        LoginOwner::Staff {
            staff_id: luis_id.clone()
        }
    );

    let res = ctx
        .call("GET", "/v1/admin/staff", Some(&admin_token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let emails: Vec<&str> = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["boss@seller.com", "luis@seller.com"],
        "ordered by email"
    );

    // Paging through the index with a cursor.
    let res = ctx
        .call("GET", "/v1/admin/staff?limit=1", Some(&admin_token), None)
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
    let cursor = res.json["next_cursor"].as_str().unwrap().to_string();
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/staff?limit=1&cursor={cursor}"),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["email"], "luis@seller.com");
    let res = ctx
        .call(
            "GET",
            "/v1/admin/staff?cursor=garbage",
            Some(&admin_token),
            None,
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "cursor");
    let res = ctx
        .call(
            "GET",
            "/v1/admin/staff?limit=lots",
            Some(&admin_token),
            None,
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "limit");

    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/staff/{luis_id}"),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(res.json["name"], "Luis Agent");

    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{luis_id}"),
            Some(&admin_token),
            Some(json!({"name": "Luis Pérez", "role": "admin"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["name"], "Luis Pérez");
    assert_eq!(res.json["role"], "admin");

    let res = ctx
        .call("GET", "/v1/admin/staff/nope", Some(&admin_token), None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/staff/nope",
            Some(&admin_token),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // An admin cannot lock themself out.
    for patch in [json!({"active": false}), json!({"role": "agent"})] {
        let res = ctx
            .call(
                "PATCH",
                &format!("/v1/admin/staff/{}", admin.id),
                Some(&admin_token),
                Some(patch),
            )
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.json);
        assert_eq!(res.json["code"], "own-access");
    }
}

#[tokio::test]
async fn only_admins_manage_staff() {
    let ctx = setup().await;
    let (admin, _) = ctx.admin().await;
    let (_, agent_token) = ctx.agent("agent@seller.com", "Agent Smith").await;
    let customer = ctx.customer("Acme", &[], None).await;
    let contact = ctx.contact(&customer, "ana@acme.com", None).await;
    let contact_token = ctx.contact_token(&contact);
    let one = format!("/v1/admin/staff/{}", admin.id);
    let body = json!({"email": "x@seller.com", "name": "X", "role": "admin", "password": "a-long-password-1"});
    for token in [&agent_token, &contact_token] {
        for (method, path, body) in [
            ("GET", "/v1/admin/staff", None),
            ("POST", "/v1/admin/staff", Some(body.clone())),
            ("GET", one.as_str(), None),
            ("PATCH", one.as_str(), Some(json!({"active": false}))),
        ] {
            let res = ctx.call(method, path, Some(token), body).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(
                res.content_type.as_deref(),
                Some("application/problem+json")
            );
        }
    }
    // Even a malformed body from an agent is a 403: the role is checked first.
    let res = ctx
        .call_raw("POST", "/v1/admin/staff", Some(&agent_token), b"{")
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = ctx.call("GET", "/v1/admin/staff", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // Nothing was created by the refused calls.
    assert!(login::get(&ctx.env.app.store, "x@seller.com")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn staff_created_without_password_is_invited_by_email() {
    let ctx = setup().await;
    let (_, admin_token) = ctx.admin().await;
    let res = ctx
        .call(
            "POST",
            "/v1/admin/staff",
            Some(&admin_token),
            Some(json!({"email": "new@seller.com", "name": "Nora New", "role": "agent"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);

    let login = login::get(&ctx.env.app.store, "new@seller.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(login.status, LoginStatus::Invited);
    assert!(login.password_hash.is_none());
    let pending = login.pending_token_hash.expect("pending token");

    let messages = ctx.email_queue_messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["detail-type"], "AccessInvited");
    let data = &messages[0]["detail"]["data"];
    assert_eq!(data["email"], "new@seller.com");
    assert_eq!(data["name"], "Nora New");
    assert_eq!(data["language"], "es", "the store's default language");
    let url = data["invitation_url"].as_str().unwrap();
    let token = url
        .split_once("/set-password?token=")
        .expect("set-password link")
        .1;
    // The link's token is the one the login waits for, stored only as its hash.
    assert_eq!(hash_token(token), pending);
    let record: OneTimeToken = ctx
        .env
        .app
        .store
        .get(&keys::token_pk(&pending), keys::TOKEN_SK)
        .await
        .unwrap()
        .expect("token record");
    assert_eq!(record.purpose, TokenPurpose::Invitation);
    assert_eq!(record.email.as_str(), "new@seller.com");
}

#[tokio::test]
async fn an_email_has_one_login_across_staff_and_contacts() {
    let ctx = setup().await;
    let (_, admin_token) = ctx.admin().await;
    // A contact's login already holds this email.
    ctx.env
        .app
        .store
        .put(
            &login::login_keys("ana@acme.com"),
            &shared::accounts::login::Login::active(
                shared::types::Email::parse("ana@acme.com").unwrap(),
                LoginOwner::Contact {
                    customer_id: "c1".into(),
                },
                "hash".into(),
            ),
        )
        .await
        .unwrap();
    for email in ["ana@acme.com", "BOSS@seller.com"] {
        let res = ctx
            .call(
                "POST",
                "/v1/admin/staff",
                Some(&admin_token),
                Some(json!({"email": email, "name": "Dup", "role": "agent"})),
            )
            .await;
        assert_problem(&res, StatusCode::CONFLICT, "email");
        assert_eq!(res.json["code"], "email-in-use");
    }
    let res = ctx
        .call("GET", "/v1/admin/staff", Some(&admin_token), None)
        .await;
    assert_eq!(
        res.json["items"].as_array().unwrap().len(),
        1,
        "no staff item left behind"
    );
    assert!(
        ctx.email_queue_messages().await.is_empty(),
        "no invitation sent"
    );
}

#[tokio::test]
async fn deactivating_blocks_the_login_and_the_session() {
    let ctx = setup().await;
    let (_, admin_token) = ctx.admin().await;
    let res = ctx
        .call(
            "POST",
            "/v1/admin/staff",
            Some(&admin_token),
            Some(
                json!({"email": "gone@seller.com", "name": "Gone Soon", "role": "agent",
                        "password": "a-long-password-1"}),
            ),
        )
        .await;
    let id = res.json["id"].as_str().unwrap().to_string();
    let token =
        shared::auth::Principal::staff(&id, "Gone Soon", shared::auth::StaffRole::Agent, 60)
            .token(ctx.secret());
    assert_eq!(
        ctx.call("GET", "/v1/me", Some(&token), None).await.status,
        StatusCode::OK
    );

    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{id}"),
            Some(&admin_token),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["active"], false);
    let login = login::get(&ctx.env.app.store, "gone@seller.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(login.status, LoginStatus::Blocked);
    // Its unexpired session no longer works on the routes that check the staff user.
    assert_eq!(
        ctx.call("GET", "/v1/me", Some(&token), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ctx.call("GET", "/v1/admin/announcements", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/staff/{id}"),
            Some(&admin_token),
            Some(json!({"active": true})),
        )
        .await;
    assert_eq!(res.json["active"], true);
    let login = login::get(&ctx.env.app.store, "gone@seller.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(login.status, LoginStatus::Active, "it had a password");
}

#[tokio::test]
async fn bad_staff_input_is_refused_and_nothing_is_written() {
    let ctx = setup().await;
    let (admin, admin_token) = ctx.admin().await;
    assert_rejects_bad_input(
        &ctx,
        "POST",
        "/v1/admin/staff",
        &admin_token,
        &[
            (json!({"name": "A", "role": "agent"}), "email"),
            (json!({"email": "a@seller.com", "role": "agent"}), "name"),
            (json!({"email": "a@seller.com", "name": "A"}), "role"),
            (json!({"email": "not-an-email", "name": "A", "role": "agent"}), "email"),
            (json!({"email": 42, "name": "A", "role": "agent"}), "email"),
            (json!({"email": "a@seller.com", "name": "  ", "role": "agent"}), "name"),
            (json!({"email": "a@seller.com", "name": "A", "role": "boss"}), "role"),
            (json!({"email": "a@seller.com", "name": "A", "role": "agent", "password": "short"}), "password"),
            (json!({"email": "a@seller.com", "name": "A", "role": "agent", "password": 12345678901u64}), "password"),
        ],
    )
    .await;
    let one = format!("/v1/admin/staff/{}", admin.id);
    assert_rejects_bad_input(
        &ctx,
        "PATCH",
        &one,
        &admin_token,
        &[
            (json!({"name": ""}), "name"),
            (json!({"role": "owner"}), "role"),
            (json!({"active": "no"}), "active"),
            (json!({"nmae": "typo"}), "nmae"),
        ],
    )
    .await;
    let res = ctx
        .call("GET", "/v1/admin/staff", Some(&admin_token), None)
        .await;
    let items = res.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "nothing created");
    assert_eq!(items[0]["name"], "Bea Boss", "nothing changed");
    assert!(login::get(&ctx.env.app.store, "a@seller.com")
        .await
        .unwrap()
        .is_none());
}
