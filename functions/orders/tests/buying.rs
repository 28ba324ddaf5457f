//! F36-F38 buying tools through the public API against DynamoDB Local: quick order (rows,
//! pasted text, CSV, bad input, the DynamoDB cost of 500 rows), adding lines to the cart, order
//! again, previously purchased and saved lists, each scoped to the session's customer.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use shared::auth::Permissions;
use shared::customers::CatalogAccess;
use shared::store::{keys, Keys};
use shared::testing::{call_raw, TestEnv};

/// A customer and its buyer's token.
async fn buyer(w: &World, name: &str) -> (String, String) {
    let c = w.customer(name, CustomerSpec::default()).await;
    let token = w
        .contact(
            &c,
            &format!("ana@{}.mx", name.to_lowercase()),
            Permissions::all(),
        )
        .await;
    (c, token)
}

/// Writes an item of another type, or inactive, next to the `items` helper's.
async fn odd_item(w: &World, sku: &str, item_type: &str, active: bool, price: Option<&str>) {
    let now = shared::types::now_rfc3339();
    w.store()
        .put(
            &Keys::new(keys::item_pk(sku), keys::ITEM_SK),
            &json!({"sku": sku, "name": format!("Item {sku}"), "item_type": item_type,
                "unit": "piece", "tax_rate": "0.16", "active": active, "updated_at": now}),
        )
        .await
        .unwrap();
    if let Some(price) = price {
        w.store()
            .put(
                &Keys::new(keys::price_list_pk(PL), keys::price_sk(sku)),
                &json!({"price_list_id": PL, "sku": sku, "unit_price": price, "updated_at": now}),
            )
            .await
            .unwrap();
    }
}

async fn restrict_to_tools(w: &World, customer_id: &str) {
    let mut customer: shared::customers::Customer = w
        .store()
        .get(&keys::customer_pk(customer_id), keys::CUSTOMER_PROFILE_SK)
        .await
        .unwrap()
        .unwrap();
    customer.catalog_access = CatalogAccess::Types {
        types: vec!["tools".into()],
    };
    w.store()
        .put(
            &shared::customers::profile::customer_keys(&customer),
            &customer,
        )
        .await
        .unwrap();
}

fn row(res: &Value, n: usize) -> &Value {
    res["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == n)
        .unwrap_or_else(|| panic!("no row {n} in {res}"))
}

async fn cart_lines(w: &World, token: &str) -> Vec<(String, i64)> {
    let res = w.call("GET", "/v1/cart", token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["quantity"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn quick_order_answers_every_row_and_adds_the_valid_ones_in_one_request() {
    let w = World::new().await;
    let (c, token) = buyer(&w, "Uno").await;
    restrict_to_tools(&w, &c).await;
    w.item("A-1", "10.00", 100).await;
    w.item("SHORT", "5.00", 3).await;
    odd_item(&w, "OLD", "tools", false, Some("1.00")).await;
    odd_item(&w, "PAINT", "paint", true, Some("1.00")).await;
    odd_item(&w, "NOPRICE", "tools", true, None).await;

    let text = "sku,quantity\nA-1\t2\n\nshort,5\nGHOST 1\nOLD;1\nPAINT,1\nNOPRICE,1\na-1,3\n";
    let res = w
        .call(
            "POST",
            "/v1/quick-order/check",
            &token,
            Some(json!({ "text": text })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let r = &res.json;
    assert_eq!(row(r, 2)["status"], "ok");
    // The duplicate on line 9 was merged into line 2: priced for 5 units.
    assert_eq!(row(r, 2)["priced"]["quantity"], 5);
    assert_eq!(row(r, 2)["priced"]["subtotal"], "50.00");
    assert_eq!(row(r, 9)["status"], "merged");
    assert_eq!(row(r, 9)["merged_into_row"], 2);
    assert_eq!(row(r, 9)["valid"], true);
    assert_eq!(row(r, 4)["status"], "short_stock");
    assert!(row(r, 4)["message"].as_str().unwrap().contains('3'));
    assert_eq!(row(r, 5)["status"], "unknown_sku");
    assert_eq!(row(r, 6)["status"], "inactive");
    // B2B mode lets visitors see the whole active catalog: saying so reveals nothing.
    assert_eq!(row(r, 7)["status"], "not_in_catalog");
    assert_eq!(row(r, 8)["status"], "no_price");
    assert_eq!(r["valid_rows"], 2);
    assert_eq!(r["problem_rows"], 5);
    assert_eq!(r["valid_lines"], json!([{"sku": "A-1", "quantity": 5}]));
    assert_eq!(r["total"], "58.00");
    // Checking adds nothing.
    assert!(cart_lines(&w, &token).await.is_empty());

    // Typed rows give the same answers, named by their index.
    let res = w
        .call(
            "POST",
            "/v1/quick-order/check",
            &token,
            Some(
                json!({"rows": [{"sku": "a-1", "quantity": 1}, {"sku": "GHOST", "quantity": "2"}]}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(row(&res.json, 1)["status"], "ok");
    assert_eq!(row(&res.json, 2)["status"], "unknown_sku");

    // "Add valid rows": one request, merged with what the cart holds.
    w.call(
        "PUT",
        "/v1/cart",
        &token,
        Some(json!({"lines": [{"sku": "A-1", "quantity": 1}]})),
    )
    .await;
    let res = w
        .call(
            "POST",
            "/v1/cart/lines",
            &token,
            Some(json!({"lines": r["valid_lines"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["skipped"], json!([]));
    assert_eq!(cart_lines(&w, &token).await, [("A-1".to_string(), 6)]);

    // Explicit lines of items the customer cannot buy are refused whole, naming the line.
    let res = w
        .call(
            "POST",
            "/v1/cart/lines",
            &token,
            Some(
                json!({"lines": [{"sku": "A-1", "quantity": 1}, {"sku": "PAINT", "quantity": 1}]}),
            ),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[1].sku");
    assert_eq!(cart_lines(&w, &token).await, [("A-1".to_string(), 6)]);
}

#[tokio::test]
async fn bad_quick_order_input_is_a_problem_naming_row_and_field_and_adds_nothing() {
    let w = World::new().await;
    let (_, token) = buyer(&w, "Dos").await;
    w.item("A-1", "10.00", 100).await;
    let check = |body: Value| {
        let w = &w;
        let token = token.clone();
        async move {
            w.call("POST", "/v1/quick-order/check", &token, Some(body))
                .await
        }
    };

    let res = check(json!({"text": "A-1,1\nA-1,-1\n"})).await;
    assert_problem(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "text.line[2].quantity",
    );
    let res = check(json!({"text": "A-1,1e9\n"})).await;
    assert_problem(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "text.line[1].quantity",
    );
    let res = check(json!({"text": "A-1,1000000000\n"})).await;
    assert_problem(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "text.line[1].quantity",
    );
    let res = check(json!({"text": "A-1,1\nA\u{1b}[31m,1\n"})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "text.line[2].sku");
    let res = check(json!({"rows": [{"sku": "A-1", "quantity": 1e9}]})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "rows[0].quantity");
    let res = check(json!({"rows": [{"sku": "A\u{0}", "quantity": -1}]})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "rows[0].sku");
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "rows[0].quantity");
    // Not a CSV: an image read as text.
    let res = check(json!({"text": "\u{fffd}PNG\r\n\u{1a}\n\u{0}\u{0}IHDR"})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "text");
    // 501 rows: refused, never cut to 500.
    let text: String = (0..501).map(|i| format!("S-{i},1\n")).collect();
    let res = check(json!({ "text": text })).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "text");
    assert!(res.json["errors"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("501"));
    let rows: Vec<Value> = (0..501)
        .map(|i| json!({"sku": format!("S-{i}"), "quantity": 1}))
        .collect();
    let res = check(json!({ "rows": rows })).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    // Merged duplicates past the line maximum.
    let res = check(json!({"text": "A-1,1000000\nA-1,1\n"})).await;
    assert_problem(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "text.line[1].quantity",
    );
    // Both or neither input.
    let res = check(json!({"text": "A-1,1", "rows": []})).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    // A 10 MB file: refused before it is read, as problem+json.
    let big = format!(
        "{{\"text\": \"{}\"}}",
        "A-1,1\\n".repeat(10 * 1024 * 1024 / 7)
    );
    let res = call_raw(
        &w.router,
        "POST",
        "/v1/quick-order/check",
        Some(&token),
        Some(big.into_bytes()),
        &[("content-type", "application/json")],
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json")
    );
    // Bad quantities added to the cart directly: refused the same way.
    let res = w
        .call(
            "POST",
            "/v1/cart/lines",
            &token,
            Some(json!({"lines": [{"sku": "A-1", "quantity": -1}]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[0].quantity");
    assert!(cart_lines(&w, &token).await.is_empty());
}

#[tokio::test]
async fn five_hundred_rows_cost_a_constant_number_of_batched_requests() {
    let (env, counter) = TestEnv::with_request_counter().await;
    let w = World::from_env(env).await;
    let (_, token) = buyer(&w, "Tres").await;
    let all = skus("Q", 500);
    w.items(&all, "1.50", 10).await;
    let text: String = all.iter().map(|s| format!("{s}\t2\n")).collect();

    counter.reset();
    let res = w
        .call(
            "POST",
            "/v1/quick-order/check",
            &token,
            Some(json!({ "text": text })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["valid_rows"], 500);
    assert_eq!(res.json["valid_lines"].as_array().unwrap().len(), 500);
    // One BatchGet for customer, settings and cart; then the 500 items, list prices, customer
    // prices and stock records plus the price list: 2,001 keys in 21 BatchGets of 100. Plus the
    // session's access check (one BatchGet, cached per container for 30 s: at most one).
    let total = counter.total();
    assert_eq!(counter.count("BatchGetItem"), total, "only BatchGets");
    assert!((22..=23).contains(&total), "{total} requests for 500 rows");

    // Adding the 500 valid lines is one more read of the same size and one write.
    counter.reset();
    let res = w
        .call(
            "POST",
            "/v1/cart/lines",
            &token,
            Some(json!({"lines": res.json["valid_lines"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!((23..=24).contains(&counter.total()), "{}", counter.total());
    assert_eq!(counter.count("PutItem"), 1);

    // The cart is full: one more line would make 501, refused, nothing cut or added.
    w.item("EXTRA", "1.00", 10).await;
    let res = w
        .call(
            "POST",
            "/v1/cart/lines",
            &token,
            Some(json!({"lines": [{"sku": "EXTRA", "quantity": 1}]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines");
    assert!(res.json["errors"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("501"));
    assert_eq!(cart_lines(&w, &token).await.len(), 500);
}

#[tokio::test]
async fn order_again_marks_what_changed_and_fills_the_cart() {
    let w = World::new().await;
    let (c, token) = buyer(&w, "Cuatro").await;
    w.items(
        &[
            "UP".into(),
            "DOWN".into(),
            "SAME".into(),
            "GONE".into(),
            "LOW".into(),
        ],
        "10.00",
        100,
    )
    .await;
    let lines = json!([{"sku": "UP", "quantity": 2}, {"sku": "DOWN", "quantity": 1},
        {"sku": "SAME", "quantity": 1}, {"sku": "GONE", "quantity": 1}, {"sku": "LOW", "quantity": 5}]);
    let placed = w.place(&token, "first", json!({ "lines": lines })).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.json);
    let order_id = placed.json["id"].as_str().unwrap().to_string();

    w.item("UP", "12.00", 100).await;
    w.item("DOWN", "8.00", 100).await;
    odd_item(&w, "GONE", "tools", false, Some("10.00")).await;
    w.set_stock("LOW", 3).await;

    let res = w
        .call(
            "POST",
            &format!("/v1/orders/{order_id}/reorder"),
            &token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let change = |sku: &str| {
        res.json["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["sku"] == sku)
            .unwrap()
            .clone()
    };
    assert_eq!(change("UP")["change"], "price_up");
    assert_eq!(change("UP")["previous_unit_price"], "10.00");
    assert_eq!(change("UP")["unit_price"], "12.00");
    assert_eq!(change("DOWN")["change"], "price_down");
    assert_eq!(change("SAME")["change"], "same");
    assert_eq!(change("GONE")["change"], "no_longer_buyable");
    assert_eq!(change("GONE")["added"], false);
    assert_eq!(change("LOW")["change"], "short");
    assert_eq!(change("LOW")["available_quantity"], 3);
    assert_eq!(res.json["added"], 4);
    let mut cart = cart_lines(&w, &token).await;
    cart.sort();
    assert_eq!(
        cart,
        [
            ("DOWN".to_string(), 1),
            ("LOW".to_string(), 5),
            ("SAME".to_string(), 1),
            ("UP".to_string(), 2)
        ]
    );

    // Another customer's order is a 404, and nothing changes in that customer's cart.
    let (_, stranger) = buyer(&w, "Otro").await;
    let res = w
        .call(
            "POST",
            &format!("/v1/orders/{order_id}/reorder"),
            &stranger,
            None,
        )
        .await;
    assert_code(&res, StatusCode::NOT_FOUND, "not-found");
    assert!(cart_lines(&w, &stranger).await.is_empty());
    // Staff acting as the customer may do it too (into their own cart of that customer).
    let acting = w.impersonation_token(&c);
    let res = w
        .call(
            "POST",
            &format!("/v1/orders/{order_id}/reorder"),
            &acting,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

#[tokio::test]
async fn previously_purchased_lists_the_last_purchase_of_each_item() {
    let w = World::new().await;
    let (c, token) = buyer(&w, "Cinco").await;
    w.items(&["HAM".into(), "NAIL".into(), "SAW".into()], "10.00", 100)
        .await;
    let first = w
        .place(
            &token,
            "p1",
            json!({"lines": [{"sku": "HAM", "quantity": 1}, {"sku": "NAIL", "quantity": 10}]}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    w.item("HAM", "11.00", 100).await;
    let second = w
        .place(
            &token,
            "p2",
            json!({"lines": [{"sku": "HAM", "quantity": 3}]}),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.json);
    // A cancelled order does not count.
    let cancelled = w
        .place(
            &token,
            "p3",
            json!({"lines": [{"sku": "SAW", "quantity": 1}]}),
        )
        .await;
    let id = cancelled.json["id"].as_str().unwrap();
    let res = w
        .call(
            "POST",
            &format!("/v1/orders/{id}/cancel"),
            &token,
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    let res = w.call("GET", "/v1/purchased", &token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["days"], 90);
    assert_eq!(res.json["complete"], true);
    let items = res.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", res.json);
    assert_eq!(items[0]["sku"], "HAM");
    assert_eq!(items[0]["last_quantity"], 3);
    assert_eq!(items[0]["last_unit_price"], "11.00");
    assert_eq!(items[0]["times_ordered"], 2);
    assert_eq!(items[0]["total_quantity"], 4);
    assert_eq!(items[0]["last_order_id"], second.json["id"]);
    assert_eq!(items[1]["sku"], "NAIL");

    let res = w
        .call("GET", "/v1/purchased?q=nai&days=30", &token, None)
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(res.json["items"][0]["sku"], "NAIL");
    let res = w.call("GET", "/v1/purchased?days=0", &token, None).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "days");
    let res = w.call("GET", "/v1/purchased?days=abc", &token, None).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another customer sees none of it; staff acting as the customer see the same.
    let (_, stranger) = buyer(&w, "Seis").await;
    let res = w.call("GET", "/v1/purchased", &stranger, None).await;
    assert_eq!(res.json["items"], json!([]));
    let res = w
        .call("GET", "/v1/purchased", &w.impersonation_token(&c), None)
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 2);
    // Staff outside acting get the customer-only refusal.
    let res = w.call("GET", "/v1/purchased", &w.admin_token, None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn saved_lists_are_shared_by_the_customers_contacts_and_capped() {
    let w = World::new().await;
    let (c, token) = buyer(&w, "Siete").await;
    let colleague = w.contact(&c, "bo@siete.mx", Permissions::all()).await;
    w.items(&["A".into(), "B".into()], "10.00", 100).await;
    odd_item(&w, "OLD", "tools", true, Some("1.00")).await;

    let res = w
        .call(
            "POST",
            "/v1/lists",
            &token,
            Some(json!({"name": "  Weekly  ", "lines": [{"sku": "A", "quantity": 2}, {"sku": "OLD", "quantity": 1}, {"sku": "a", "quantity": 1}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_string();
    assert_eq!(res.json["name"], "Weekly");
    assert_eq!(
        res.json["lines"],
        json!([{"sku": "A", "quantity": 3}, {"sku": "OLD", "quantity": 1}])
    );

    // The colleague sees it, renames it, reads it priced.
    let res = w.call("GET", "/v1/lists", &colleague, None).await;
    assert_eq!(res.json[0]["id"], id.as_str());
    assert_eq!(res.json[0]["line_count"], 2);
    let res = w
        .call(
            "PATCH",
            &format!("/v1/lists/{id}"),
            &colleague,
            Some(json!({"name": "Monday"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["name"], "Monday");
    let res = w
        .call("GET", &format!("/v1/lists/{id}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["list"]["name"], "Monday");
    assert_eq!(res.json["priced"]["lines"][0]["unit_price"], "10.00");

    // Whole list to the cart; an item no longer sold is left out and reported.
    odd_item(&w, "OLD", "tools", false, Some("1.00")).await;
    let res = w
        .call("POST", &format!("/v1/lists/{id}/cart"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["skipped"][0]["sku"], "OLD");
    assert_eq!(res.json["skipped"][0]["reason"], "inactive");
    assert_eq!(cart_lines(&w, &token).await, [("A".to_string(), 3)]);

    // Bad input, each naming its field; unknown items are refused.
    let res = w
        .call("POST", "/v1/lists", &token, Some(json!({"name": ""})))
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "name");
    let res = w
        .call(
            "PATCH",
            &format!("/v1/lists/{id}"),
            &token,
            Some(json!({"lines": [{"sku": "B", "quantity": 1}, {"sku": "GHOST", "quantity": 1}]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[1].sku");
    let res = w
        .call(
            "PATCH",
            &format!("/v1/lists/{id}"),
            &token,
            Some(json!({"lines": [{"sku": "B", "quantity": 0}]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "lines[0].quantity");

    // Another customer: 404 for every route, its own list count untouched.
    let (_, stranger) = buyer(&w, "Ocho").await;
    for (method, path) in [
        ("GET", format!("/v1/lists/{id}")),
        ("DELETE", format!("/v1/lists/{id}")),
        ("POST", format!("/v1/lists/{id}/cart")),
    ] {
        let res = w.call(method, &path, &stranger, None).await;
        assert_code(&res, StatusCode::NOT_FOUND, "not-found");
    }
    let res = w
        .call(
            "PATCH",
            &format!("/v1/lists/{id}"),
            &stranger,
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_code(&res, StatusCode::NOT_FOUND, "not-found");

    // The cap: 50 lists; the 51st is a 409; deleting one makes room.
    for i in 1..50 {
        let res = w
            .call(
                "POST",
                "/v1/lists",
                &token,
                Some(json!({"name": format!("L{i}")})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    }
    let res = w
        .call(
            "POST",
            "/v1/lists",
            &colleague,
            Some(json!({"name": "one too many"})),
        )
        .await;
    assert_code(&res, StatusCode::CONFLICT, "too-many-lists");
    let res = w
        .call("DELETE", &format!("/v1/lists/{id}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let res = w
        .call("GET", &format!("/v1/lists/{id}"), &token, None)
        .await;
    assert_code(&res, StatusCode::NOT_FOUND, "not-found");
    let res = w
        .call(
            "POST",
            "/v1/lists",
            &colleague,
            Some(json!({"name": "room again"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
}
