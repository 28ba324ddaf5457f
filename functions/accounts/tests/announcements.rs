//! F13 announcements: admin CRUD, date window and tag audience as `/v1/me` shows them, and bad
//! input refused with nothing written.

mod staff_common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use staff_common::{assert_problem, assert_rejects_bad_input, setup, Ctx};

fn ts(offset: Duration) -> String {
    (Utc::now() + offset).to_rfc3339()
}

async fn create(
    ctx: &Ctx,
    token: &str,
    title: &str,
    audience: Value,
    from: Duration,
    to: Duration,
) -> String {
    let res = ctx
        .call(
            "POST",
            "/v1/admin/announcements",
            Some(token),
            Some(
                json!({"title": title, "body": format!("{title} body"), "audience": audience,
                        "starts_at": ts(from), "ends_at": ts(to)}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    res.json["id"].as_str().unwrap().to_string()
}

async fn titles_seen(ctx: &Ctx, token: &str) -> Vec<String> {
    let res = ctx.call("GET", "/v1/me", Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let mut titles: Vec<String> = res.json["announcements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn me_shows_the_announcements_active_now_for_that_customer() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let hour = Duration::hours(1);
    create(&ctx, &admin, "everyone-now", json!("all"), -hour, hour).await;
    create(
        &ctx,
        &admin,
        "vip-now",
        json!({"tags": ["vip", "gold"]}),
        -hour,
        hour,
    )
    .await;
    create(
        &ctx,
        &admin,
        "north-now",
        json!({"tags": ["north"]}),
        -hour,
        hour,
    )
    .await;
    let later = create(&ctx, &admin, "everyone-later", json!("all"), hour, hour * 2).await;
    create(
        &ctx,
        &admin,
        "everyone-past",
        json!("all"),
        -hour * 2,
        -hour,
    )
    .await;

    let vip = ctx.customer("Vip Shop", &["vip", "south"], None).await;
    let plain = ctx.customer("Plain Shop", &[], None).await;
    let vip_token = ctx.contact_token(&ctx.contact(&vip, "a@vip.com", None).await);
    let plain_token = ctx.contact_token(&ctx.contact(&plain, "a@plain.com", None).await);

    assert_eq!(
        titles_seen(&ctx, &vip_token).await,
        ["everyone-now", "vip-now"]
    );
    assert_eq!(titles_seen(&ctx, &plain_token).await, ["everyone-now"]);

    // Moving the window of a scheduled one makes it show now.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/announcements/{later}"),
            Some(&admin),
            Some(json!({"starts_at": ts(-hour)})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        titles_seen(&ctx, &plain_token).await,
        ["everyone-later", "everyone-now"]
    );
    // Retargeting it to a tag hides it from the others.
    ctx.call(
        "PATCH",
        &format!("/v1/admin/announcements/{later}"),
        Some(&admin),
        Some(json!({"audience": {"tags": ["south"]}})),
    )
    .await;
    assert_eq!(titles_seen(&ctx, &plain_token).await, ["everyone-now"]);
    assert_eq!(
        titles_seen(&ctx, &vip_token).await,
        ["everyone-later", "everyone-now", "vip-now"]
    );
}

#[tokio::test]
async fn admins_write_announcements_staff_read_them() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let (_, agent) = ctx.agent("agent@seller.com", "Agent").await;
    let hour = Duration::hours(1);
    let id = create(&ctx, &admin, "Holidays", json!("all"), -hour, hour).await;

    let res = ctx
        .call("GET", "/v1/admin/announcements", Some(&agent), None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["items"][0]["id"], id.as_str());
    assert_eq!(res.json["items"][0]["audience"], "all");
    assert_eq!(res.json["items"][0]["created_by"], "Bea Boss");

    let one = format!("/v1/admin/announcements/{id}");
    let body = json!({"title": "T", "body": "B", "audience": "all", "starts_at": ts(-hour), "ends_at": ts(hour)});
    for (method, path, body) in [
        ("POST", "/v1/admin/announcements", Some(body)),
        ("PATCH", one.as_str(), Some(json!({"title": "Agent's"}))),
        ("DELETE", one.as_str(), None),
    ] {
        assert_eq!(
            ctx.call(method, path, Some(&agent), body).await.status,
            StatusCode::FORBIDDEN,
            "{method}"
        );
    }

    let res = ctx
        .call(
            "PATCH",
            &one,
            Some(&admin),
            Some(json!({"title": "Holidays 2030", "body": "Closed"})),
        )
        .await;
    assert_eq!(res.json["title"], "Holidays 2030");
    assert_eq!(res.json["body"], "Closed");
    assert_eq!(res.json["version"], 2);

    assert_eq!(
        ctx.call("DELETE", &one, Some(&admin), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        ctx.call("DELETE", &one, Some(&admin), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ctx.call("PATCH", &one, Some(&admin), Some(json!({"title": "x"})))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let res = ctx
        .call("GET", "/v1/admin/announcements", Some(&admin), None)
        .await;
    assert!(res.json["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_announcements_are_refused_and_nothing_is_written() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let hour = Duration::hours(1);
    let ok = json!({"title": "T", "body": "B", "audience": "all", "starts_at": ts(-hour), "ends_at": ts(hour)});
    let with = |key: &str, value: Value| {
        let mut body = ok.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = ok.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    assert_rejects_bad_input(
        &ctx,
        "POST",
        "/v1/admin/announcements",
        &admin,
        &[
            (without("title"), "title"),
            (without("audience"), "audience"),
            (without("ends_at"), "ends_at"),
            (with("title", json!(7)), "title"),
            (with("body", json!("   ")), "body"),
            (with("audience", json!("some")), "audience"),
            (with("audience", json!(["vip"])), "audience"),
            (with("audience", json!(3)), "audience"),
            (with("audience", json!({"tags": []})), "audience.tags"),
            (
                with("audience", json!({"tags": ["not a tag"]})),
                "audience.tags[0]",
            ),
            (with("starts_at", json!("next tuesday")), "starts_at"),
            (with("ends_at", json!(ts(-hour * 2))), "ends_at"),
            (with("ends_at", ok["starts_at"].clone()), "ends_at"),
        ],
    )
    .await;
    let res = ctx
        .call("GET", "/v1/admin/announcements", Some(&admin), None)
        .await;
    assert!(
        res.json["items"].as_array().unwrap().is_empty(),
        "nothing written"
    );

    let id = create(&ctx, &admin, "Kept", json!("all"), -hour, hour).await;
    let one = format!("/v1/admin/announcements/{id}");
    assert_rejects_bad_input(
        &ctx,
        "PATCH",
        &one,
        &admin,
        &[
            // Checked against the stored start.
            (json!({"ends_at": ts(-hour * 2)}), "ends_at"),
            (json!({"starts_at": ts(hour * 2)}), "ends_at"),
            (json!({"title": ""}), "title"),
            (json!({"audience": 1}), "audience"),
            (json!({"titel": "typo"}), "titel"),
        ],
    )
    .await;
    let res = ctx
        .call("GET", "/v1/admin/announcements", Some(&admin), None)
        .await;
    assert_eq!(res.json["items"][0]["title"], "Kept", "unchanged");
    assert_eq!(res.json["items"][0]["version"], 1);
    let res = ctx
        .call(
            "GET",
            "/v1/admin/announcements?cursor=xyz",
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "cursor");
}
