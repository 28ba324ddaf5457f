//! The end-to-end journey through the real HTTP API, served on a local port by the dev server's
//! runtime (`dev_server`: the merged router, the queue pollers, the schedules), emails read back
//! from moto's SES store. A visitor asks for an account; an admin approves it, makes the customer ready and
//! invites its contact; the contact sets a password from the emailed link, logs in, sees its
//! customer and an announcement, browses the catalog at its own prices and orders; an order over
//! its credit is refused; the admin claims the order and the customer is told by email.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::types::{Email, Name};

const ADMIN_EMAIL: &str = "admin@journey.example";
const ADMIN_PASSWORD: &str = "admin-password-1";
const CONTACT_PASSWORD: &str = "contact-password-1";

struct Api {
    http: reqwest::Client,
    base: String,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    json: Value,
}

impl Answer {
    fn is_problem(&self) -> bool {
        self.content_type.starts_with("application/problem+json")
    }
}

impl Api {
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = res.bytes().await.expect("body");
        Answer {
            status,
            content_type,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        self.send(method, path, token, body, &[]).await
    }

    /// A call that must answer `status`; returns the JSON.
    async fn expect(
        &self,
        status: u16,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let res = self.call(method, path, token, body).await;
        assert_eq!(res.status.as_u16(), status, "{method} {path}: {}", res.json);
        res.json
    }

    async fn login(&self, email: &str, password: &str) -> Answer {
        self.call(
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
    }
}

/// Emails moto's SES accepted for `to`, waiting up to 30 s until `count` are there.
async fn emails_to(to: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found: Vec<Value> = shared::testing::sent_emails()
            .await
            .into_iter()
            .filter(|m| {
                m["destinations"]["ToAddresses"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == to))
            })
            .collect();
        if found.len() >= count || Instant::now() > deadline {
            assert!(
                found.len() >= count,
                "{count} email(s) to {to} expected, found {found:#?}"
            );
            return found;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The `token=` parameter of the link in an email body (HTML or text).
fn link_token(email: &Value) -> String {
    let body = email["body"].as_str().expect("email body");
    let start = body.find("token=").expect("a link with token=") + "token=".len();
    let raw: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '%'))
        .collect();
    assert!(raw.len() >= 16, "token {raw:?} in {body}");
    urlencoding::decode(&raw).expect("decodable").into_owned()
}

/// Makes a one-time token expire, as time would: its stored record's expiry is put in the past.
async fn expire_token(store: &shared::store::Store, token: &str) {
    use shared::accounts::tokens::OneTimeToken;
    use shared::store::{keys, Keys};
    let pk = keys::token_pk(&shared::auth::tokens::hash_token(token));
    let mut record: OneTimeToken = store
        .get(&pk, keys::TOKEN_SK)
        .await
        .expect("get")
        .expect("the token is stored under its hash");
    record.expires_at = "2020-01-01T00:00:00Z".into();
    store
        .put(&Keys::new(pk, keys::TOKEN_SK), &record)
        .await
        .expect("put");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_visitor_becomes_a_customer_that_orders_and_is_told_by_email() {
    let stack = e2e::stack::start().await;
    let api = Api {
        http: reqwest::Client::new(),
        base: stack.base_url.clone(),
    };
    let store = &stack.env.app.store;
    let run = &shared::types::new_id()[24..];
    let contact_email = format!("ana.{run}@ferreteria.example");
    let second_email = format!("luis.{run}@ferreteria.example");

    // The API is up and documented.
    api.expect(200, "GET", "/v1/health", None, None).await;
    let doc = api.expect(200, "GET", "/v1/openapi.json", None, None).await;
    assert!(doc["paths"]["/v1/orders"].is_object());

    // 1. A visitor asks for an account.
    let receipt = api
        .expect(
            202,
            "POST",
            "/v1/account-requests",
            None,
            Some(json!({
                "company": "Ferretería del Norte", "tax_id": "FNO010101AB1",
                "contact_name": "Ana Norte", "email": contact_email, "phone": "+52 81 1234 5678",
                "address": "Av. Juárez 100, Monterrey", "language": "es",
            })),
        )
        .await;
    assert_eq!(receipt["status"], "pending");

    // 2. The admin logs in and approves it.
    shared::staff::create_staff_user(
        store,
        Email::parse(ADMIN_EMAIL).unwrap(),
        Name::parse("Ada Admin").unwrap(),
        shared::auth::StaffRole::Admin,
        Some(ADMIN_PASSWORD),
    )
    .await
    .expect("admin created");
    let session = api.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(session.status, 200, "{}", session.json);
    let admin = session.json["token"].as_str().unwrap().to_string();
    let admin = Some(admin.as_str());
    let pending = api
        .expect(
            200,
            "GET",
            "/v1/admin/account-requests?status=pending",
            admin,
            None,
        )
        .await;
    let request = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == contact_email.as_str())
        .expect("the request is listed")
        .clone();
    let approval = api
        .expect(
            200,
            "POST",
            &format!(
                "/v1/admin/account-requests/{}/approve",
                request["id"].as_str().unwrap()
            ),
            admin,
            None,
        )
        .await;
    let customer = approval["customer"]["id"].as_str().unwrap().to_string();
    assert_eq!(approval["contact"]["email"], contact_email.as_str());
    let customer_path = format!("/v1/admin/customers/{customer}");

    // 3. Not ready yet: no invitation possible.
    let readiness = api
        .expect(
            200,
            "GET",
            &format!("{customer_path}/readiness"),
            admin,
            None,
        )
        .await;
    assert_eq!(readiness["ready"], false, "{readiness}");
    let access_path = |email: &str| {
        format!(
            "{customer_path}/contacts/{}/access",
            urlencoding::encode(email)
        )
    };
    let res = api
        .call(
            "POST",
            &access_path(&contact_email),
            admin,
            Some(json!({"action": "create"})),
        )
        .await;
    assert_eq!(res.status, 409, "{}", res.json);
    assert!(res.is_problem());

    // The admin sets up a price list, a warehouse, items with prices and stock...
    api.expect(
        201,
        "POST",
        "/v1/admin/price-lists",
        admin,
        Some(json!({"id": "MAYOREO", "name": "Mayoreo", "currency": "MXN"})),
    )
    .await;
    api.expect(
        201,
        "POST",
        "/v1/admin/warehouses",
        admin,
        Some(json!({"id": "MTY", "name": "Monterrey"})),
    )
    .await;
    for (sku, name, price, stock) in [
        ("DRL-500", "Taladro percutor 500 W", "1000.00", 20),
        ("SAW-200", "Sierra circular", "450.00", 5),
    ] {
        api.expect(201, "POST", "/v1/admin/items", admin, Some(json!({"sku": sku, "name": name, "item_type": "Herramientas", "brand": "Bosch", "unit": "piece", "tax_rate": "0.16"})))
            .await;
        api.expect(
            200,
            "PUT",
            &format!("/v1/admin/stock/MTY/{sku}"),
            admin,
            Some(json!({"on_hand": stock})),
        )
        .await;
        let res = api
            .call(
                "PUT",
                "/v1/admin/price-lists/MAYOREO/prices",
                admin,
                Some(json!({"prices": [{"sku": sku, "unit_price": price}]})),
            )
            .await;
        assert!(res.status.is_success(), "{}", res.json);
    }
    // ... and makes the customer ready: price list, credit, warehouse, shipping method.
    api.expect(
        200,
        "PATCH",
        &customer_path,
        admin,
        Some(json!({
            "price_list_id": "MAYOREO", "warehouse_ids": ["MTY"], "default_warehouse_id": "MTY",
            "shipping_method": "Paquetería",
            "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "3000.00", "currency": "MXN"},
        })),
    )
    .await;
    let readiness = api
        .expect(
            200,
            "GET",
            &format!("{customer_path}/readiness"),
            admin,
            None,
        )
        .await;
    assert_eq!(readiness["ready"], true, "{readiness}");
    let announcement = api
        .expect(
            201,
            "POST",
            "/v1/admin/announcements",
            admin,
            Some(json!({"title": "Envío gratis en marzo", "body": "En pedidos mayores a 5,000 MXN.",
                "audience": "all", "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"})),
        )
        .await;
    let expired_announcement = api
        .expect(
            201,
            "POST",
            "/v1/admin/announcements",
            admin,
            Some(
                json!({"title": "Old news", "body": "Gone.", "audience": "all",
                "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-02-01T00:00:00Z"}),
            ),
        )
        .await;

    // 4. The admin gives the contact access: an invitation by email, with a WhatsApp link.
    let access = api
        .expect(
            200,
            "POST",
            &access_path(&contact_email),
            admin,
            Some(json!({"action": "create"})),
        )
        .await;
    assert_eq!(access["access"], "invited", "{access}");
    assert!(
        access["whatsapp_link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://wa.me/")),
        "{access}"
    );
    let invitation = emails_to(&contact_email, 1).await;
    let token = link_token(invitation.last().unwrap());

    // Before accepting, no login.
    let res = api.login(&contact_email, CONTACT_PASSWORD).await;
    assert_eq!(res.status, 401, "{}", res.json);

    // 5. The contact sets a password with the token and logs in.
    api.expect(
        200,
        "POST",
        "/v1/auth/invitations/accept",
        None,
        Some(json!({"token": token, "password": CONTACT_PASSWORD})),
    )
    .await;
    let session = api.login(&contact_email, CONTACT_PASSWORD).await;
    assert_eq!(session.status, 200, "{}", session.json);
    let contact = session.json["token"].as_str().unwrap().to_string();
    let contact = Some(contact.as_str());
    let me = api.expect(200, "GET", "/v1/me", contact, None).await;
    assert_eq!(me["customer"]["id"], customer.as_str(), "{me}");
    assert_eq!(me["customer"]["name"], "Ferretería del Norte", "{me}");
    let titles: Vec<&Value> = me["announcements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["title"])
        .collect();
    assert!(titles.contains(&&announcement["title"]), "{me}");
    assert!(!titles.contains(&&expired_announcement["title"]), "{me}");

    // The token is single-use.
    let res = api
        .call(
            "POST",
            "/v1/auth/invitations/accept",
            None,
            Some(json!({"token": token, "password": "another-password-9"})),
        )
        .await;
    assert!(
        res.status.is_client_error() && res.is_problem(),
        "{} {}",
        res.status,
        res.json
    );
    assert_eq!(
        api.login(&contact_email, "another-password-9").await.status,
        401
    );

    // 6. An expired invitation cannot be used; a new one (resend) can.
    api.expect(
        201,
        "POST",
        &format!("{customer_path}/contacts"),
        admin,
        Some(json!({"email": second_email, "name": "Luis Norte"})),
    )
    .await;
    api.expect(
        200,
        "POST",
        &access_path(&second_email),
        admin,
        Some(json!({"action": "create"})),
    )
    .await;
    let stale = link_token(emails_to(&second_email, 1).await.last().unwrap());
    expire_token(store, &stale).await;
    let res = api
        .call(
            "POST",
            "/v1/auth/invitations/accept",
            None,
            Some(json!({"token": stale, "password": CONTACT_PASSWORD})),
        )
        .await;
    assert!(
        res.status.is_client_error() && res.is_problem(),
        "{} {}",
        res.status,
        res.json
    );
    assert_eq!(api.login(&second_email, CONTACT_PASSWORD).await.status, 401);
    api.expect(
        200,
        "POST",
        &access_path(&second_email),
        admin,
        Some(json!({"action": "resend"})),
    )
    .await;
    let fresh = link_token(emails_to(&second_email, 2).await.last().unwrap());
    assert_ne!(fresh, stale);
    api.expect(
        200,
        "POST",
        "/v1/auth/invitations/accept",
        None,
        Some(json!({"token": fresh, "password": CONTACT_PASSWORD})),
    )
    .await;
    assert_eq!(api.login(&second_email, CONTACT_PASSWORD).await.status, 200);

    // 7. A blocked access cannot log in.
    let blocked = api
        .expect(
            200,
            "POST",
            &access_path(&second_email),
            admin,
            Some(json!({"action": "block"})),
        )
        .await;
    assert_eq!(blocked["access"], "blocked");
    let res = api.login(&second_email, CONTACT_PASSWORD).await;
    assert_eq!(res.status, 401, "{}", res.json);
    assert!(res.is_problem());

    // 8. The contact browses the catalog at its own price, with availability.
    let page = api
        .expect(200, "GET", "/v1/catalog/items?q=taladro", contact, None)
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["sku"], "DRL-500");
    assert_eq!(items[0]["price"]["unit_price"], "1000.00", "{page}");
    assert_eq!(items[0]["price"]["currency"], "MXN");
    assert_eq!(items[0]["availability"]["in_stock"], true);
    // A visitor sees no price.
    let public = api.call("GET", "/v1/catalog/items", None, None).await;
    if public.status == 200 {
        assert!(
            public.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["price"].is_null()),
            "{}",
            public.json
        );
    }

    // 9. An order with an Idempotency-Key: placed once, replayed on retry.
    let order_body =
        json!({"lines": [{"sku": "DRL-500", "quantity": 2}], "note": "Entregar por la mañana"});
    let key = format!("order-{run}");
    let placed = api
        .send(
            "POST",
            "/v1/orders",
            contact,
            Some(order_body.clone()),
            &[("idempotency-key", &key)],
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.json);
    let order = placed.json;
    assert_eq!(order["status"], "placed");
    assert_eq!(order["total"], "2320.00", "2 x 1000.00 + 16 % tax: {order}");
    let order_id = order["id"].as_str().unwrap().to_string();
    let again = api
        .send(
            "POST",
            "/v1/orders",
            contact,
            Some(order_body),
            &[("idempotency-key", &key)],
        )
        .await;
    assert!(again.status.is_success(), "{}", again.json);
    assert_eq!(again.json["id"], order_id.as_str());
    let orders = api.expect(200, "GET", "/v1/orders", contact, None).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1, "{orders}");

    // 10. Over the credit (3000 - 2320 open = 680 left): refused, nothing reserved.
    let over = api
        .send(
            "POST",
            "/v1/orders",
            contact,
            Some(json!({"lines": [{"sku": "SAW-200", "quantity": 2}]})),
            &[("idempotency-key", &format!("over-{run}"))],
        )
        .await;
    assert_eq!(over.status, 409, "{}", over.json);
    assert!(over.is_problem());
    assert!(
        over.json["code"]
            .as_str()
            .unwrap_or_default()
            .contains("credit"),
        "{}",
        over.json
    );
    let stock = api
        .expect(200, "GET", "/v1/admin/items/SAW-200/stock", admin, None)
        .await;
    assert_eq!(stock[0]["reserved"], 0, "{stock}");
    let stock = api
        .expect(200, "GET", "/v1/admin/items/DRL-500/stock", admin, None)
        .await;
    assert_eq!(stock[0]["reserved"], 2, "{stock}");

    // 11. The admin claims the order.
    let claimed = api
        .expect(
            200,
            "POST",
            &format!("/v1/admin/orders/{order_id}/claim"),
            admin,
            None,
        )
        .await;
    assert_eq!(claimed["status"], "claimed");
    assert_eq!(claimed["claimed_by"]["name"], "Ada Admin");
    let seen = api
        .expect(200, "GET", &format!("/v1/orders/{order_id}"), contact, None)
        .await;
    assert_eq!(seen["status"], "claimed");

    // 12. The customer's emails: the confirmation, then the claim. In Spanish, as it asked.
    let emails = emails_to(&contact_email, 3).await;
    let subjects: Vec<&str> = emails
        .iter()
        .filter_map(|m| m["subject"].as_str())
        .collect();
    println!("emails to the contact: {subjects:?}");
    // Emails name the order by a short reference taken from its id.
    let about_order: Vec<&Value> = emails
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .any(|word| {
                    word.len() >= 6 && order_id.to_lowercase().contains(&word.to_lowercase())
                })
        })
        .collect();
    assert_eq!(
        about_order.len(),
        2,
        "confirmation and claim of {order_id}: {subjects:?}"
    );
    let confirmation = about_order[0];
    assert!(
        confirmation["subject"].as_str().unwrap().contains("pedido"),
        "in Spanish: {subjects:?}"
    );
    let body = confirmation["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("2320.00") || body.contains("2,320.00"),
        "the total is in the confirmation: {body}"
    );
    assert!(
        body.contains("DRL-500"),
        "the lines are in the confirmation: {body}"
    );
}
