//! F1/F2 registration requests through the accounts router, on DynamoDB Local and moto.

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::accounts::fixtures::{item_count, put_staff, receive_event, staff_session};
use shared::auth::StaffRole;
use shared::testing::{call, call_raw, TestEnv};

struct Ctx {
    env: TestEnv,
    router: axum::Router,
    admin: String,
    admin_id: String,
    agent: String,
}

async fn setup() -> Ctx {
    let env = TestEnv::new().await;
    let router = accounts::router(env.app());
    let (admin_user, admin) =
        staff_session(&env.app, "ada@seller.com", "Ada Admin", StaffRole::Admin).await;
    let (_, agent) = staff_session(&env.app, "al@seller.com", "Al Agent", StaffRole::Agent).await;
    Ctx {
        env,
        router,
        admin,
        admin_id: admin_user.id,
        agent,
    }
}

fn form(email: &str) -> Value {
    json!({
        "company": "Ferretería López",
        "tax_id": "LOPF800101AB1",
        "contact_name": "Lucía López",
        "email": email,
        "phone": "+52 55 1234 5678",
        "address": "Av. Juárez 10, Centro, CDMX 06000",
        "message": "We would like to buy tools.",
        "language": "es"
    })
}

async fn submit(ctx: &Ctx, body: Value) -> Value {
    let res = call(
        &ctx.router,
        "POST",
        "/v1/account-requests",
        None,
        Some(body),
    )
    .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
    res.json
}

async fn list(ctx: &Ctx, query: &str) -> Vec<Value> {
    let res = call(
        &ctx.router,
        "GET",
        &format!("/v1/admin/account-requests{query}"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_request_is_pending_then_approval_creates_customer_and_contact() {
    let ctx = setup().await;
    let receipt = submit(&ctx, form("Lucia@Lopez.mx")).await;
    assert_eq!(receipt["status"], "pending");
    assert!(receipt["message"]
        .as_str()
        .unwrap()
        .contains("pending approval"));

    // The seller's notification goes out through the outbox, the bus and the email queue.
    let event = receive_event(
        &ctx.env.sdk,
        &ctx.env.queues.email_queue_url,
        "AccountRequested",
        15,
    )
    .await
    .expect("AccountRequested reaches the email queue");
    assert_eq!(event["data"]["email"], "lucia@lopez.mx");
    assert_eq!(event["data"]["company"], "Ferretería López");

    let pending = list(&ctx, "?status=pending").await;
    assert_eq!(pending.len(), 1);
    let id = pending[0]["id"].as_str().unwrap().to_string();
    assert_eq!(pending[0]["email"], "lucia@lopez.mx");

    // Agents may look but only admins decide.
    let res = call(
        &ctx.router,
        "POST",
        &format!("/v1/admin/account-requests/{id}/approve"),
        Some(&ctx.agent),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = call(&ctx.router, "GET", "/v1/admin/account-requests", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let res = call(
        &ctx.router,
        "POST",
        &format!("/v1/admin/account-requests/{id}/approve"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let customer = &res.json["customer"];
    assert_eq!(customer["status"], "active");
    assert_eq!(customer["name"], "Ferretería López");
    assert_eq!(customer["tax_id"], "LOPF800101AB1");
    assert_eq!(customer["phone"], "525512345678");
    assert_eq!(
        customer["registration_address"],
        "Av. Juárez 10, Centro, CDMX 06000"
    );
    assert_eq!(res.json["request"]["status"], "approved");
    assert_eq!(res.json["request"]["customer_id"], customer["id"]);
    let customer_id = customer["id"].as_str().unwrap();

    // The first contact exists, without access yet.
    let res = call(
        &ctx.router,
        "GET",
        &format!("/v1/admin/customers/{customer_id}/contacts"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["items"][0]["email"], "lucia@lopez.mx");
    assert_eq!(res.json["items"][0]["name"], "Lucía López");
    assert_eq!(res.json["items"][0]["access"], "not_created");
    assert_eq!(res.json["emails_with_access"], 0);

    // Deciding twice is refused; the list by status follows the decision.
    let res = call(
        &ctx.router,
        "POST",
        &format!("/v1/admin/account-requests/{id}/reject"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "request-not-pending");
    assert!(list(&ctx, "?status=pending").await.is_empty());
    assert_eq!(list(&ctx, "?status=approved").await.len(), 1);

    // The email is now taken: a new request is answered the same and creates nothing.
    let before = item_count(&ctx.env.app).await;
    assert_eq!(submit(&ctx, form("lucia@lopez.mx")).await, receipt);
    assert_eq!(item_count(&ctx.env.app).await, before);
}

#[tokio::test]
async fn duplicates_are_answered_the_same_and_write_nothing() {
    let ctx = setup().await;
    let first = submit(&ctx, form("ana@shop.mx")).await;
    let before = item_count(&ctx.env.app).await;
    let again = submit(&ctx, form("ANA@shop.mx")).await;
    assert_eq!(first, again, "no difference reveals the email is known");
    assert_eq!(item_count(&ctx.env.app).await, before, "nothing written");

    // An email that already has a login (here: a staff member) is treated the same way.
    put_staff(
        &ctx.env.app,
        "staff@seller.com",
        "Sam Staff",
        StaffRole::Agent,
        Some("staff-password-1"),
    )
    .await;
    let before = item_count(&ctx.env.app).await;
    assert_eq!(submit(&ctx, form("staff@seller.com")).await, first);
    assert_eq!(item_count(&ctx.env.app).await, before, "nothing written");
    assert_eq!(list(&ctx, "").await.len(), 1);
}

/// Issue 11 item 8: a request for a new email and one for a known email (an open request, a
/// login) do the same work: the same DynamoDB requests and the same relay to the bus, counted
/// by an SDK interceptor (not timed).
#[tokio::test]
async fn known_and_new_emails_do_the_same_work() {
    let ctx = setup().await;
    put_staff(
        &ctx.env.app,
        "staff@seller.com",
        "Sam Staff",
        StaffRole::Agent,
        Some("staff-password-1"),
    )
    .await;
    let (app, counter) = shared::testing::app_counting_dynamodb_and_events(&ctx.env);
    let router = accounts::router(app);
    let mut work = Vec::new();
    for email in [
        "new@shop.mx",
        "new@shop.mx",
        "staff@seller.com",
        "other@shop.mx",
    ] {
        counter.reset();
        let res = call(
            &router,
            "POST",
            "/v1/account-requests",
            None,
            Some(form(email)),
        )
        .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
        work.push((email, counter.operations()));
    }
    let (_, first) = &work[0];
    assert!(first.iter().any(|op| op == "PutEvents"), "{first:?}");
    for (email, ops) in &work {
        assert_eq!(ops, first, "{email} did other work");
    }
    assert_eq!(
        list(&ctx, "").await.len(),
        2,
        "only the new emails are recorded"
    );
}

#[tokio::test]
async fn reject_frees_the_email_block_keeps_it_delete_removes() {
    let ctx = setup().await;
    submit(&ctx, form("rita@reject.mx")).await;
    submit(&ctx, form("bob@block.mx")).await;
    let all = list(&ctx, "?status=pending").await;
    let id_of = |email: &str| {
        all.iter().find(|r| r["email"] == email).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (rita, bob) = (id_of("rita@reject.mx"), id_of("bob@block.mx"));

    let res = call(
        &ctx.router,
        "POST",
        &format!("/v1/admin/account-requests/{rita}/reject"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.json["status"], "rejected");
    assert_eq!(res.json["decided_by"], ctx.admin_id.as_str());
    let res = call(
        &ctx.router,
        "POST",
        &format!("/v1/admin/account-requests/{bob}/block"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.json["status"], "blocked");

    // Rejected: may ask again. Blocked: silently ignored.
    submit(&ctx, form("rita@reject.mx")).await;
    submit(&ctx, form("bob@block.mx")).await;
    let pending = list(&ctx, "?status=pending").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["email"], "rita@reject.mx");
    assert_eq!(list(&ctx, "?status=blocked").await.len(), 1);
    assert_eq!(list(&ctx, "?status=rejected").await.len(), 1);

    // Deleting a pending request frees the email again.
    let new_rita = pending[0]["id"].as_str().unwrap();
    let res = call(
        &ctx.router,
        "DELETE",
        &format!("/v1/admin/account-requests/{new_rita}"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert!(list(&ctx, "?status=pending").await.is_empty());
    let res = call(
        &ctx.router,
        "DELETE",
        &format!("/v1/admin/account-requests/{new_rita}"),
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    submit(&ctx, form("rita@reject.mx")).await;
    assert_eq!(list(&ctx, "?status=pending").await.len(), 1);

    // Unknown ids and bad filters.
    let res = call(
        &ctx.router,
        "POST",
        "/v1/admin/account-requests/nope/approve",
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = call(
        &ctx.router,
        "GET",
        "/v1/admin/account-requests?status=maybe",
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["errors"][0]["field"], "status");
    let res = call(
        &ctx.router,
        "GET",
        "/v1/admin/account-requests?limit=0",
        Some(&ctx.admin),
        None,
    )
    .await;
    assert_eq!(res.json["errors"][0]["field"], "limit");
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let ctx = setup().await;
    let before = item_count(&ctx.env.app).await;
    let path = "/v1/account-requests";
    let mut cases: Vec<(Vec<u8>, StatusCode, &str)> = vec![
        (b"{\"company\": ".to_vec(), StatusCode::BAD_REQUEST, "body"),
        (b"[1,2]".to_vec(), StatusCode::BAD_REQUEST, "body"),
    ];
    let mut missing = form("x@y.mx");
    missing.as_object_mut().unwrap().remove("tax_id");
    cases.push((
        missing.to_string().into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "tax_id",
    ));
    let mut wrong_type = form("x@y.mx");
    wrong_type["phone"] = json!(5512345678u64);
    cases.push((
        wrong_type.to_string().into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "phone",
    ));
    cases.push((
        form("not-an-email").to_string().into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "email",
    ));
    let mut blank = form("x@y.mx");
    blank["company"] = json!("   ");
    cases.push((
        blank.to_string().into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "company",
    ));
    let mut no_address = form("x@y.mx");
    no_address["address"] = json!("");
    cases.push((
        no_address.to_string().into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "address",
    ));
    let mut bad_language = form("x@y.mx");
    bad_language["language"] = json!("fr");
    cases.push((
        bad_language.to_string().into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "language",
    ));
    let mut huge = form("x@y.mx");
    huge["message"] = json!("x".repeat(200_000));
    cases.push((
        huge.to_string().into_bytes(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "body",
    ));
    for (body, status, field) in cases {
        let res = call_raw(&ctx.router, "POST", path, None, Some(body), &[]).await;
        assert_eq!(res.status, status, "{field}: {}", res.json);
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
        assert_eq!(res.json["errors"][0]["field"], field, "{}", res.json);
    }
    let res = call_raw(
        &ctx.router,
        "POST",
        path,
        None,
        Some(form("x@y.mx").to_string().into_bytes()),
        &[("content-type", "text/plain")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        item_count(&ctx.env.app).await,
        before,
        "nothing was written"
    );
}
