//! Isolation across functions, over every documented route (so new routes are covered without
//! touching this file):
//! - a contact of customer A asking for anything of customer B (orders, quotes, documents, ...)
//!   gets 404, and no list or summary it can read shows anything of B;
//! - an agent sees nothing of a customer not assigned to it on any /v1/admin/customers/{id}/*
//!   route of any function, nor its orders and quotes, while the same requests reach its own;
//! - what staff do while acting as a customer is in the customer's activity with their name,
//!   whichever function recorded it.
//!
//! The accounts function's own tests cover its routes one by one; these sweep all functions.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use e2e::{operations, problem, snapshot_diff, Operation, World};
use serde_json::{json, Value};
use shared::auth::StaffRole;

/// Path parameters that name a customer's own data, by the resource segment before them.
const OWNED: [&str; 8] = [
    "customers",
    "contacts",
    "orders",
    "quotes",
    "documents",
    "batches",
    "approvals",
    "lists",
];
/// Path parameters of shared data (the catalog): visibility rules, not ownership, apply.
const SHARED: [&str; 1] = ["items"];

/// One customer's data, by the resource its ids belong to.
struct Owned {
    customer: String,
    token: String,
    ids: BTreeMap<&'static str, String>,
    /// Strings that identify this customer's data in any answer.
    secrets: Vec<String>,
}

fn fill(template: &str, ids: &BTreeMap<&'static str, String>) -> Result<String, String> {
    let mut resource = "";
    let mut out = Vec::new();
    for segment in template.split('/') {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => match ids.get(resource) {
                Some(id) => out.push(urlencoding::encode(id).into_owned()),
                None => return Err(format!("no id for {{{param}}} after `{resource}`")),
            },
            None => {
                resource = segment;
                out.push(segment.to_string());
            }
        }
    }
    Ok(out.join("/"))
}

/// The resources of a path's parameters (`/v1/orders/{id}/cancel` -> `["orders"]`).
fn param_resources(template: &str) -> Vec<&str> {
    let mut resource = "";
    let mut found = Vec::new();
    for segment in template.split('/') {
        if segment.starts_with('{') {
            found.push(resource);
        } else {
            resource = segment;
        }
    }
    found
}

fn is_customer_route(op: &Operation) -> bool {
    !op.path.starts_with("/v1/admin/")
        && !op.path.starts_with("/v1/erp/")
        && op.op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s.get("bearer").is_some())
}

fn leaks<'a>(body: &[u8], secrets: &'a [String]) -> Vec<&'a String> {
    let text = String::from_utf8_lossy(body);
    secrets
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect()
}

async fn send(
    w: &World,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> shared::testing::TestResponse {
    let key = shared::types::new_id();
    let body = match (method, body) {
        (_, Some(b)) => Some(b.to_string().into_bytes()),
        ("POST" | "PUT" | "PATCH", None) => Some(b"{}".to_vec()),
        _ => None,
    };
    w.call_raw(
        method,
        path,
        Some(token),
        body,
        &[("idempotency-key", &key)],
    )
    .await
}

/// A valid body for customer routes by id that require one (so the answer is about the id).
fn customer_body(method: &str, path: &str) -> Option<Value> {
    match (method, path) {
        ("PATCH", "/v1/company/contacts/{email}") => Some(json!({"spending_limit": null})),
        ("POST", "/v1/company/contacts/{email}/access") => Some(json!({"action": "block"})),
        ("POST", "/v1/approvals/{id}/reject") => Some(json!({"reason": "isolation test"})),
        _ => None,
    }
}

/// A ready customer with a contact, an order, a quote (answered), a cart and an invoice from
/// the ERP, all through the API.
async fn customer_with_data(w: &World, name: &str, slug: &str, agent: Option<&str>) -> Owned {
    // Each customer's cart holds its own quantity, to tell carts apart.
    let cart_quantity = 2 + slug.len();
    let customer = w.customer(name, agent).await;
    let email = format!("buyer@{slug}.example");
    let token = w.contact(&customer, &email, &format!("Buyer {name}")).await;
    let order = w
        .place_order(
            &token,
            &format!("{slug}-order"),
            json!([{"sku": "BOLT-1", "quantity": 2}]),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.json);
    // F39: a per-order limit, and an order above it waiting for approval.
    let res = w
        .admin(
            "PATCH",
            &format!("/v1/admin/customers/{customer}/contacts/{email}"),
            json!({"spending_limit": {"amount": "30.00", "currency": "MXN"}}),
        )
        .await;
    assert_eq!(res["spending_limit"]["amount"], "30.00", "{res}");
    let approval = w
        .place_order(
            &token,
            &format!("{slug}-big"),
            json!([{"sku": "BOLT-1", "quantity": 5}]),
        )
        .await;
    assert_eq!(approval.status, StatusCode::ACCEPTED, "{}", approval.json);
    let approval = approval.json["id"].as_str().unwrap().to_string();
    let quote = w
        .call(
            "POST",
            "/v1/quotes",
            Some(&token),
            Some(json!({"lines": [{"sku": "BOLT-1", "quantity": 9}]})),
        )
        .await;
    assert!(quote.status.is_success(), "{}", quote.json);
    let quote_id = quote.json["id"].as_str().unwrap().to_string();
    let until = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();
    w.admin(
        "POST",
        &format!("/v1/admin/quotes/{quote_id}/answer"),
        json!({"lines": [{"sku": "BOLT-1", "unit_price": "8.50"}], "valid_until": until}),
    )
    .await;
    let cart = w
        .call(
            "PUT",
            "/v1/cart",
            Some(&token),
            Some(json!({"lines": [{"sku": "BOLT-1", "quantity": cart_quantity}]})),
        )
        .await;
    assert!(cart.status.is_success(), "{}", cart.json);
    let erp_key = format!("INV-{slug}-1");
    let res = w
        .erp(
            "POST",
            "/v1/erp/documents",
            json!({"records": [{
                "erp_key": erp_key, "kind": "invoice", "number": format!("{slug}-0001"),
                "customer_id": customer, "issued_on": "2025-01-15", "due_on": "2099-02-14",
                "currency": "MXN", "subtotal": "100.00", "tax": "16.00", "total": "116.00",
                "paid": "0", "version": 1
            }]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json);
    let batch = res.json["batch_id"].as_str().unwrap().to_string();
    w.run_erp_worker(20).await;
    let status = w
        .erp("GET", &format!("/v1/erp/batches/{batch}"), Value::Null)
        .await;
    assert_eq!(status.json["status"], "applied", "{}", status.json);
    let document = shared::documents::document_id(&erp_key);

    let list = w
        .call(
            "POST",
            "/v1/lists",
            Some(&token),
            Some(json!({"name": format!("{slug} weekly list"), "lines": [{"sku": "BOLT-1", "quantity": 1}]})),
        )
        .await;
    assert_eq!(list.status, StatusCode::CREATED, "{}", list.json);
    let list_id = list.json["id"].as_str().unwrap().to_string();

    let order_id = order.json["id"].as_str().unwrap().to_string();
    let mut secrets = vec![
        list_id.clone(),
        format!("{slug} weekly list"),
        customer.clone(),
        email.clone(),
        order_id.clone(),
        quote_id.clone(),
    ];
    secrets.push(document.clone());
    secrets.push(approval.clone());
    secrets.push(format!("{slug}-0001"));
    secrets.push(name.to_string());
    if let Some(number) = order.json["number"].as_str() {
        secrets.push(number.to_string());
    }
    Owned {
        ids: BTreeMap::from([
            ("customers", customer.clone()),
            ("contacts", email),
            ("orders", order_id),
            ("quotes", quote_id),
            ("documents", document),
            ("batches", batch),
            ("approvals", approval),
            ("lists", list_id),
        ]),
        customer,
        token,
        secrets,
    }
}

#[tokio::test]
async fn a_contact_of_one_customer_reaches_nothing_of_another_through_any_function() {
    let w = World::new().await;
    w.item("BOLT-1", "10.00", 100).await;
    let a = customer_with_data(&w, "Alpha Tools", "alpha", None).await;
    let b = customer_with_data(&w, "Beta Hardware", "beta", None).await;
    let a_acting = w
        .admin(
            "POST",
            &format!("/v1/admin/customers/{}/impersonate", a.customer),
            Value::Null,
        )
        .await["token"]
        .as_str()
        .expect("impersonation token")
        .to_string();
    let (ops, _) = operations();
    let before = w.snapshot().await;

    let mut failures = Vec::new();
    let mut by_id = Vec::new();
    let mut lists = Vec::new();
    for op in ops.iter().filter(|op| is_customer_route(op)) {
        let resources = param_resources(&op.path);
        if resources.iter().all(|r| SHARED.contains(r)) && !resources.is_empty() {
            continue;
        }
        if let Some(r) = resources.iter().find(|r| !OWNED.contains(r)) {
            failures.push(format!(
                "{} {}: `{r}` is neither a customer's own resource nor shared catalog data; add it to OWNED or SHARED",
                op.method, op.path
            ));
            continue;
        }
        if resources.is_empty() {
            // A list or summary: readable, and nothing of B in it.
            if op.method != "GET" {
                continue;
            }
            for (who, token) in [("contact of A", &a.token), ("staff acting as A", &a_acting)] {
                let res = send(&w, "GET", &op.path, token, None).await;
                if res.status != StatusCode::OK {
                    // Routes a contact may not use (e.g. staff-only) answer 403: nothing leaks.
                    if !res.status.is_client_error() {
                        failures.push(format!("{who}: GET {} -> {}", op.path, res.status));
                    }
                    continue;
                }
                let leaked = leaks(&res.bytes, &b.secrets);
                if !leaked.is_empty() {
                    failures.push(format!("{who}: GET {} shows B's {leaked:?}", op.path));
                }
            }
            lists.push(op.path.clone());
            continue;
        }
        // Something of B's, by its id: 404, as for an id that does not exist.
        let path = fill(&op.path, &b.ids).expect("B has every owned id");
        let body = customer_body(&op.method, &op.path);
        for (who, token) in [("contact of A", &a.token), ("staff acting as A", &a_acting)] {
            let res = send(&w, &op.method, &path, token, body.as_ref()).await;
            if let Err(e) = problem(
                &res,
                StatusCode::NOT_FOUND,
                &format!("{who}: {} {path}", op.method),
            ) {
                failures.push(e);
            }
        }
        by_id.push(format!("{} {}", op.method, op.path));
    }
    // B's cart is B's: A sees its own.
    let cart = send(&w, "GET", "/v1/cart", &a.token, None).await;
    let quantities: Vec<&Value> = cart.json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["quantity"])
        .collect();
    assert_eq!(quantities, [&json!(2 + "alpha".len())], "{}", cart.json);

    println!("customer routes by another customer's id (404): {by_id:#?}");
    println!("customer lists without anything of another customer: {lists:#?}");
    assert!(
        failures.is_empty(),
        "{} isolation failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        by_id.len() >= 6,
        "orders, quotes and documents by id: {by_id:?}"
    );
    for path in [
        "/v1/orders",
        "/v1/quotes",
        "/v1/documents",
        "/v1/me",
        "/v1/cart",
    ] {
        assert!(lists.contains(&path.to_string()), "{path} was checked");
    }

    // The leak check can fail: B's own lists do show B's data.
    for path in ["/v1/orders", "/v1/quotes", "/v1/documents", "/v1/me"] {
        let res = send(&w, "GET", path, &b.token, None).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
        assert!(
            !leaks(&res.bytes, &b.secrets).is_empty(),
            "B sees its own data at {path}"
        );
    }
    // Nothing of B changed (A's attempts may be recorded in A's own activity only).
    let after = w.snapshot().await;
    let changed: Vec<String> = snapshot_diff(&before, &after)
        .into_iter()
        .filter(|d| !d.contains(&format!("ACT#{}", a.customer)))
        .collect();
    assert!(changed.is_empty(), "refused requests wrote: {changed:#?}");
}

/// Valid bodies of the customer-scoped admin routes that take one, so that the answer is about
/// who may see the customer and not about the body. `email` is the customer's contact.
fn admin_body(method: &str, template: &str) -> Option<Value> {
    let until = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();
    Some(match (method, template) {
        ("PATCH", "/v1/admin/customers/{id}") => json!({"shipping_method": "courier"}),
        ("POST", "/v1/admin/customers/{id}/contacts") => {
            json!({"email": format!("new-{}@contacts.example", shared::types::new_id()), "name": "New Contact"})
        }
        ("PATCH", "/v1/admin/customers/{id}/contacts/{email}") => {
            json!({"department": "Purchasing"})
        }
        ("POST", "/v1/admin/customers/{id}/contacts/{email}/access") => json!({"action": "block"}),
        ("POST", "/v1/admin/customers/{id}/emails") => {
            json!({"to": "main", "subject": "Hello", "message": "A message from your agent."})
        }
        ("POST", "/v1/admin/customers/{id}/status") => json!({"status": "active"}),
        ("POST", "/v1/admin/customers/{id}/timeline") => json!({"body": "Called them today."}),
        ("PUT", "/v1/admin/customers/{id}/prices") => {
            json!({"prices": [{"sku": "BOLT-1", "special_price": "9.00"}]})
        }
        ("POST", "/v1/admin/customers/{id}/orders") => {
            json!({"lines": [{"sku": "BOLT-1", "quantity": 1}]})
        }
        ("POST", "/v1/admin/orders/{id}/cancel") => json!({"reason": "agent test"}),
        ("POST", "/v1/admin/quotes/{id}/answer") => {
            json!({"lines": [{"sku": "BOLT-1", "unit_price": "8.00"}], "valid_until": until})
        }
        _ => return None,
    })
}

#[tokio::test]
async fn an_agent_reaches_nothing_of_a_customer_not_assigned_to_it_on_any_admin_route() {
    let w = World::new().await;
    w.item("BOLT-1", "10.00", 100).await;
    let (luis, luis_token) = w
        .staff("luis@seller.example", "Luis Agent", StaffRole::Agent)
        .await;
    let (otto, _) = w
        .staff("otto@seller.example", "Otto Agent", StaffRole::Agent)
        .await;
    let mine = customer_with_data(&w, "Alpha Tools", "alpha", Some(&luis.id)).await;
    let theirs = customer_with_data(&w, "Beta Hardware", "beta", Some(&otto.id)).await;
    let unassigned = customer_with_data(&w, "Gamma Supply", "gamma", None).await;
    let (ops, _) = operations();

    // Every admin route that names a customer's data by id.
    let scoped: Vec<&Operation> = ops
        .iter()
        .filter(|op| op.path.starts_with("/v1/admin/"))
        .filter(|op| {
            let r = param_resources(&op.path);
            !r.is_empty() && r.iter().all(|r| OWNED.contains(r))
        })
        .collect();
    let customer_routes = scoped
        .iter()
        .filter(|op| op.path.starts_with("/v1/admin/customers/{id}"))
        .count();

    let before = w.snapshot().await;
    let mut failures = Vec::new();
    // (route, the answer on another's customer) for each of the two others.
    let mut foreign: Vec<(&Operation, StatusCode, String)> = Vec::new();
    for other in [&theirs, &unassigned] {
        for op in &scoped {
            let needs_body = op.op.get("requestBody").is_some();
            let body = admin_body(&op.method, &op.path);
            if needs_body && body.is_none() {
                failures.push(format!(
                    "{} {}: add a valid body to admin_body()",
                    op.method, op.path
                ));
                continue;
            }
            let path = fill(&op.path, &other.ids).expect("every owned id");
            let res = send(&w, &op.method, &path, &luis_token, body.as_ref()).await;
            let what = format!("agent: {} {path}", op.method);
            // 404 as for a missing customer; a 403 is judged below (admins-only routes).
            let outcome = problem(&res, res.status, &what).map(|_| ());
            if let Err(e) = outcome {
                failures.push(e);
            }
            foreign.push((op, res.status, what));
        }
    }
    // Lists: nothing of the others, even when filtered by their id.
    let mut lists = Vec::new();
    for op in ops
        .iter()
        .filter(|op| op.path.starts_with("/v1/admin/") && op.method == "GET")
    {
        if !param_resources(&op.path).is_empty() {
            continue;
        }
        for other in [&theirs, &unassigned] {
            for query in ["", "?customer=", "?customer_id="] {
                let path = if query.is_empty() {
                    op.path.clone()
                } else {
                    format!("{}{query}{}", op.path, other.customer)
                };
                let res = send(&w, "GET", &path, &luis_token, None).await;
                if !res.status.is_success() {
                    continue;
                }
                let leaked = leaks(&res.bytes, &other.secrets);
                if !leaked.is_empty() {
                    failures.push(format!("agent: GET {path} shows {leaked:?}"));
                }
            }
        }
        lists.push(op.path.clone());
    }
    let diff = snapshot_diff(&before, &w.snapshot().await);
    assert!(diff.is_empty(), "refused agent requests wrote: {diff:#?}");

    // The same requests reach the agent's own customer (the 404s above are about ownership),
    // except on routes only admins may use, which refuse every agent alike (403).
    let mut admins_only = Vec::new();
    for op in &scoped {
        let body = admin_body(&op.method, &op.path);
        let path = fill(&op.path, &mine.ids).expect("every owned id");
        let res = send(&w, &op.method, &path, &luis_token, body.as_ref()).await;
        let own = res.status;
        if own == StatusCode::FORBIDDEN {
            admins_only.push(format!("{} {}", op.method, op.path));
        } else if matches!(own.as_u16(), 401 | 404) || own.is_server_error() {
            failures.push(format!(
                "agent on its own customer: {} {path} -> {own} {}",
                op.method, res.json
            ));
        }
        for (_, status, what) in foreign.iter().filter(|(o, _, _)| std::ptr::eq(*o, *op)) {
            let ok = *status == StatusCode::NOT_FOUND
                || (*status == StatusCode::FORBIDDEN && own == StatusCode::FORBIDDEN);
            if !ok {
                failures.push(format!(
                    "{what}: expected 404, got {status} (own customer: {own})"
                ));
            }
        }
    }
    println!("admins only (403 for every agent): {admins_only:?}");
    let res = send(&w, "GET", "/v1/admin/customers", &luis_token, None).await;
    assert!(
        !leaks(&res.bytes, &mine.secrets).is_empty(),
        "the agent's list shows its own customer"
    );

    println!(
        "agent isolation: {} admin routes by id ({customer_routes} under /v1/admin/customers/{{id}}), {} lists",
        scoped.len(),
        lists.len()
    );
    for op in &scoped {
        println!("  {} {}", op.method, op.path);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        customer_routes >= 10,
        "{customer_routes} customer routes found"
    );
}

#[tokio::test]
async fn staff_acting_as_a_customer_are_named_in_its_activity_by_every_function() {
    let w = World::new().await;
    w.item("BOLT-1", "10.00", 100).await;
    let c = customer_with_data(&w, "Delta Parts", "delta", None).await;
    let res = w
        .admin(
            "POST",
            &format!("/v1/admin/customers/{}/impersonate", c.customer),
            Value::Null,
        )
        .await;
    let token = res["token"].as_str().unwrap().to_string();

    // Orders: an order and a quote; erp-sync: a document download; catalog: a search.
    let order = w
        .place_order(
            &token,
            "acting-order",
            json!([{"sku": "BOLT-1", "quantity": 1}]),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.json);
    assert_eq!(
        order.json["placed_by"]["impersonated_by"]["name"], "Bea Boss",
        "{}",
        order.json
    );
    let quote = send(
        &w,
        "POST",
        "/v1/quotes",
        &token,
        Some(&json!({"lines": [{"sku": "BOLT-1", "quantity": 4}]})),
    )
    .await;
    assert!(quote.status.is_success(), "{}", quote.json);
    let pdf = send(
        &w,
        "GET",
        &format!("/v1/documents/{}/pdf", c.ids["documents"]),
        &token,
        None,
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let search = send(&w, "GET", "/v1/catalog/items?q=bolt", &token, None).await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.json);

    let activity = w
        .admin(
            "GET",
            &format!("/v1/admin/customers/{}/activity?limit=100", c.customer),
            Value::Null,
        )
        .await;
    let items = activity["items"].as_array().expect("activity items");
    let by_staff: Vec<&str> = items
        .iter()
        .filter(|a| a["impersonated_by"] == "Bea Boss")
        .filter_map(|a| a["kind"].as_str())
        .collect();
    println!("activity while acting as the customer: {by_staff:?}");
    for kind in [
        "impersonation_started",
        "order_placed",
        "quote_requested",
        "document_downloaded",
    ] {
        assert!(by_staff.contains(&kind), "{kind} by Bea Boss in {items:#?}");
    }
    // The contact's own actions are not marked as staff's.
    let own: Vec<&Value> = items
        .iter()
        .filter(|a| a["actor"] == "buyer@delta.example")
        .collect();
    assert!(
        !own.is_empty(),
        "the contact's own order is in the activity: {items:#?}"
    );
    assert!(
        own.iter().all(|a| a["impersonated_by"].is_null()),
        "{own:#?}"
    );
}
