//! F11 internal notes and F12 staff emails: notes with attachment links on the timeline, an
//! email request that puts a `CustomerEmailRequested` event on the email queue, and bad input
//! refused with nothing written.

mod staff_common;

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::types::Language;
use staff_common::{assert_rejects_bad_input, setup};

#[tokio::test]
async fn staff_keep_notes_on_the_timeline() {
    let ctx = setup().await;
    let (agent, agent_token) = ctx.agent("luis@seller.com", "Luis Agent").await;
    let acme = ctx.customer("Acme", &[], Some(&agent.id)).await;
    let path = format!("/v1/admin/customers/{}/timeline", acme.id);

    let res = ctx
        .call(
            "POST",
            &path,
            Some(&agent_token),
            Some(json!({"body": "Called about the new price list",
                        "attachments": [{"name": "Contract", "url": "https://files.example.com/c.pdf"}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["kind"], "note");
    assert_eq!(res.json["author"], "Luis Agent");
    assert_eq!(
        res.json["attachments"][0]["url"],
        "https://files.example.com/c.pdf"
    );
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    ctx.call(
        "POST",
        &path,
        Some(&agent_token),
        Some(json!({"body": "Second"})),
    )
    .await;

    let res = ctx.call("GET", &path, Some(&agent_token), None).await;
    let bodies: Vec<&str> = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["Second", "Called about the new price list"],
        "newest first"
    );
    let res = ctx
        .call("GET", &format!("{path}?limit=1"), Some(&agent_token), None)
        .await;
    let cursor = res.json["next_cursor"].as_str().unwrap().to_string();
    let res = ctx
        .call(
            "GET",
            &format!("{path}?limit=1&cursor={cursor}"),
            Some(&agent_token),
            None,
        )
        .await;
    assert_eq!(
        res.json["items"][0]["body"],
        "Called about the new price list"
    );

    // A customer never sees its timeline: the route is staff-only.
    let contact = ctx.contact(&acme, "ana@acme.com", None).await;
    let res = ctx
        .call("GET", &path, Some(&ctx.contact_token(&contact)), None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_notes_are_refused_and_nothing_is_written() {
    let ctx = setup().await;
    let (_, admin) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let path = format!("/v1/admin/customers/{}/timeline", acme.id);
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"name": format!("f{i}"), "url": "https://x.com/f"}))
        .collect();
    assert_rejects_bad_input(
        &ctx,
        "POST",
        &path,
        &admin,
        &[
            (json!({}), "body"),
            (json!({"body": "  "}), "body"),
            (json!({"body": 5}), "body"),
            (json!({"body": "x".repeat(10_001)}), "body"),
            (
                json!({"body": "ok", "attachments": "file.pdf"}),
                "attachments",
            ),
            (
                json!({"body": "ok", "attachments": [{"name": "a"}]}),
                "attachments[0].url",
            ),
            (
                json!({"body": "ok", "attachments": [{"name": "a", "url": "ftp://x.com/a"}]}),
                "attachments[0].url",
            ),
            (
                json!({"body": "ok", "attachments": [{"name": "", "url": "https://x.com/a"}]}),
                "attachments[0].name",
            ),
            (json!({"body": "ok", "attachments": eleven}), "attachments"),
        ],
    )
    .await;
    let res = ctx.call("GET", &path, Some(&admin), None).await;
    assert!(
        res.json["items"].as_array().unwrap().is_empty(),
        "nothing written"
    );
    let res = ctx
        .call(
            "POST",
            "/v1/admin/customers/nope/timeline",
            Some(&admin),
            Some(json!({"body": "x"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_email_request_reaches_the_email_queue() {
    let ctx = setup().await;
    let (admin, token) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    ctx.contact(&acme, "ana@acme.com", Some(Language::En)).await;
    let path = format!("/v1/admin/customers/{}/emails", acme.id);

    // Bad requests first: none of them may put anything on the queue.
    assert_rejects_bad_input(
        &ctx,
        "POST",
        &path,
        &token,
        &[
            (json!({"subject": "S", "message": "M"}), "to"),
            (json!({"to": "main", "message": "M"}), "subject"),
            (json!({"to": "main", "subject": "S"}), "message"),
            (
                json!({"to": "not-an-email", "subject": "S", "message": "M"}),
                "to",
            ),
            (
                json!({"to": ["main"], "subject": "S", "message": "M"}),
                "to",
            ),
            (
                json!({"to": "main", "subject": "", "message": "M"}),
                "subject",
            ),
            (
                json!({"to": "main", "subject": "S", "message": " "}),
                "message",
            ),
            // An address that is not this customer's.
            (
                json!({"to": "stranger@else.com", "subject": "S", "message": "M"}),
                "to",
            ),
        ],
    )
    .await;
    assert!(
        ctx.email_queue_messages().await.is_empty(),
        "nothing queued"
    );

    let res = ctx
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({"to": "main", "subject": "Your new prices", "message": "Hello,\n\nsee attached."})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
    assert_eq!(res.json["to"], "main@acme.com");
    let first_event = res.json["event_id"].as_str().unwrap().to_string();
    let res = ctx
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({"to": "ANA@acme.com", "subject": "Hi Ana", "message": "Hello"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
    assert_eq!(res.json["language"], "en");

    let mut messages = ctx.email_queue_messages().await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    messages.sort_by_key(|m| (m["detail"]["id"] != first_event.as_str()) as u8);
    let main = &messages[0];
    assert_eq!(main["detail-type"], "CustomerEmailRequested");
    assert_eq!(main["detail"]["customer_id"], acme.id.as_str());
    let data = &main["detail"]["data"];
    assert_eq!(data["customer_id"], acme.id.as_str());
    assert_eq!(data["to"], "main@acme.com");
    assert_eq!(data["subject"], "Your new prices");
    assert_eq!(data["message"], "Hello,\n\nsee attached.");
    assert_eq!(data["language"], "ro", "the customer's language");
    assert_eq!(data["author"], "Bea Boss");
    assert_eq!(data["author_id"], admin.id.as_str());
    let contact = &messages[1]["detail"]["data"];
    assert_eq!(contact["to"], "ana@acme.com");
    assert_eq!(contact["language"], "en", "the contact's own language");

    let res = ctx
        .call(
            "POST",
            "/v1/admin/customers/nope/emails",
            Some(&token),
            Some(json!({"to": "main", "subject": "S", "message": "M"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn names_with_line_breaks_never_reach_an_email_subject() {
    let ctx = setup().await;
    let (_, token) = ctx.admin().await;
    let acme = ctx.customer("Acme", &[], None).await;
    let before = shared::accounts::fixtures::item_count(&ctx.env.app).await;
    let forged = "Your invoice\r\nBcc: everyone@victim.example";

    // A staff email's subject, the store name (sender name, subjects) and a visitor's company
    // name (the seller's "new account request" subject) are one-line names.
    let res = ctx
        .call(
            "POST",
            &format!("/v1/admin/customers/{}/emails", acme.id),
            Some(&token),
            Some(json!({"to": "main", "subject": forged, "message": "M"})),
        )
        .await;
    staff_common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "subject");
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/settings",
            Some(&token),
            Some(json!({"b2b_mode": false, "stock_display": "yes_no", "order_claim_hours": 24,
                "seller_notification_emails": ["boss@seller.com"], "sender_email": "shop@seller.com",
                "store_name": "Shop\nX-Header: 1", "default_language": "es", "default_currency": "MXN"})),
        )
        .await;
    staff_common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "store_name");
    for (company, contact_name) in [
        (forged, "Lucía"),
        ("Acme\u{2028}Bcc", "Lucía"),
        ("Acme", "Lucía\tLópez\u{1b}[31m"),
    ] {
        let res = ctx
            .call(
                "POST",
                "/v1/account-requests",
                None,
                Some(json!({"company": company, "tax_id": "LOPF800101AB1",
                    "contact_name": contact_name, "email": "lucia@sur.example",
                    "phone": "+52 55 1234 5678", "address": "Av. Juárez 10", "language": "es"})),
            )
            .await;
        let field = if company == "Acme" {
            "contact_name"
        } else {
            "company"
        };
        staff_common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    assert_eq!(
        shared::accounts::fixtures::item_count(&ctx.env.app).await,
        before,
        "nothing written"
    );
}
