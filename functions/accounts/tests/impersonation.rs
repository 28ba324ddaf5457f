//! F9 act as customer and F10 activity: an audited, impersonation-marked, short-lived token that
//! works as the customer; agents only for their assigned customers (others 404).

mod staff_common;

use axum::http::StatusCode;
use serde_json::json;
use shared::auth::{Permissions, Principal};
use staff_common::{assert_problem, setup};

#[tokio::test]
async fn an_impersonation_token_acts_as_the_customer_and_is_audited() {
    let ctx = setup().await;
    let (admin, admin_token) = ctx.admin().await;
    let customer = ctx.customer("Acme", &[], None).await;

    let before = chrono::Utc::now();
    let res = ctx
        .call(
            "POST",
            &format!("/v1/admin/customers/{}/impersonate", customer.id),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let token = res.json["token"].as_str().unwrap().to_string();
    let principal = &res.json["principal"];
    assert_eq!(principal["kind"], "contact");
    assert_eq!(principal["customer_id"], customer.id.as_str());
    assert_eq!(principal["impersonated_by"]["staff_id"], admin.id.as_str());
    assert_eq!(principal["impersonated_by"]["name"], "Bea Boss");
    // Short-lived: 30 minutes.
    let expires: chrono::DateTime<chrono::Utc> =
        res.json["expires_at"].as_str().unwrap().parse().unwrap();
    let minutes = (expires - before).num_minutes();
    assert!((29..=30).contains(&minutes), "{minutes}");

    let me = ctx.call("GET", "/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(me.json["principal"]["impersonated_by"]["name"], "Bea Boss");
    assert_eq!(me.json["customer"]["id"], customer.id.as_str());
    assert_eq!(me.json["customer"]["name"], "Acme");

    // The token is a customer's: no staff routes with it.
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/activity", customer.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The customer's activity names the staff member.
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/activity", customer.id),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let items = res.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "impersonation_started");
    assert_eq!(items[0]["impersonated_by"], "Bea Boss");
    assert_eq!(items[0]["actor_name"], "Bea Boss");
    assert_eq!(items[0]["detail"]["staff_id"], admin.id.as_str());
    assert_eq!(items[0]["detail"]["staff_email"], "boss@seller.com");
}

#[tokio::test]
async fn agents_serve_only_their_assigned_customers() {
    let ctx = setup().await;
    let (agent, agent_token) = ctx.agent("luis@seller.com", "Luis Agent").await;
    let (_, other_token) = ctx.agent("otto@seller.com", "Otto Other").await;
    let mine = ctx.customer("Mine", &[], Some(&agent.id)).await;
    let contact = ctx.contact(&mine, "ana@mine.com", None).await;

    // The assigned agent can act as the customer, and is named in the activity.
    let res = ctx
        .call(
            "POST",
            &format!("/v1/admin/customers/{}/impersonate", mine.id),
            Some(&agent_token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json["principal"]["impersonated_by"]["name"],
        "Luis Agent"
    );
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/activity", mine.id),
            Some(&agent_token),
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["impersonated_by"], "Luis Agent");

    // Another agent sees nothing of it: 404 everywhere, and nothing is written.
    for (method, suffix, body) in [
        ("POST", "impersonate", None),
        ("GET", "activity", None),
        ("GET", "timeline", None),
        ("POST", "timeline", Some(json!({"body": "sneaky note"}))),
        (
            "POST",
            "emails",
            Some(json!({"to": "main", "subject": "Hi", "message": "Hello"})),
        ),
    ] {
        let res = ctx
            .call(
                method,
                &format!("/v1/admin/customers/{}/{suffix}", mine.id),
                Some(&other_token),
                body,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::NOT_FOUND,
            "{method} {suffix}: {}",
            res.json
        );
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
    }
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/activity", mine.id),
            Some(&agent_token),
            None,
        )
        .await;
    assert_eq!(
        res.json["items"].as_array().unwrap().len(),
        1,
        "only the assigned agent's session"
    );
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/timeline", mine.id),
            Some(&agent_token),
            None,
        )
        .await;
    assert!(res.json["items"].as_array().unwrap().is_empty());
    assert!(ctx.email_queue_messages().await.is_empty());

    // A missing customer is a 404 too; a contact may not impersonate anyone.
    let res = ctx
        .call(
            "POST",
            "/v1/admin/customers/nope/impersonate",
            Some(&agent_token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = ctx
        .call(
            "POST",
            &format!("/v1/admin/customers/{}/impersonate", mine.id),
            Some(&ctx.contact_token(&contact)),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn activity_pages_newest_first_with_checked_cursors() {
    let ctx = setup().await;
    let (_, admin_token) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let other = ctx.customer("Other", &[], None).await;
    let contact = Principal::contact("ana@acme.com", "Ana", &acme.id, Permissions::all(), 60);
    for kind in ["login", "search", "order_placed"] {
        shared::activity::record(&ctx.env.app.store, &contact, kind, json!({})).await;
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let other_contact = Principal::contact("bo@other.com", "Bo", &other.id, Permissions::all(), 60);
    shared::activity::record(&ctx.env.app.store, &other_contact, "login", json!({})).await;

    let path = format!("/v1/admin/customers/{}/activity", acme.id);
    let res = ctx
        .call("GET", &format!("{path}?limit=2"), Some(&admin_token), None)
        .await;
    let kinds: Vec<&str> = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["order_placed", "search"]);
    assert_eq!(res.json["items"][0]["actor"], "ana@acme.com");
    let cursor = res.json["next_cursor"].as_str().unwrap().to_string();
    let res = ctx
        .call(
            "GET",
            &format!("{path}?limit=2&cursor={cursor}"),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["kind"], "login");
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);

    // A cursor of one customer's list does not open another's.
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/customers/{}/activity?cursor={cursor}", other.id),
            Some(&admin_token),
            None,
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "cursor");
    for bad in ["limit=0", "limit=1000", "limit=abc"] {
        let res = ctx
            .call("GET", &format!("{path}?{bad}"), Some(&admin_token), None)
            .await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "limit");
    }
}
