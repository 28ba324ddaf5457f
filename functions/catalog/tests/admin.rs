//! Staff routes: items, warehouses and stock corrections. Bad input on every write route is a
//! problem naming the field with nothing written; only admins write.

mod common;

use axum::http::StatusCode;
use common::{assert_problem, Ctx};
use serde_json::{json, Value};
use shared::testing::call_raw;

fn item(sku: &str) -> Value {
    json!({"sku": sku, "name": "Taladro", "item_type": "Tools", "brand": "Bosch", "unit": "piece",
           "tax_rate": "0.16", "images": ["https://img.example.com/t.jpg"]})
}

fn with(mut base: Value, field: &str, value: Value) -> Value {
    base[field] = value;
    base
}

#[tokio::test]
async fn items_are_created_read_changed_and_deactivated_by_admins() {
    let ctx = Ctx::new().await;
    let res = ctx
        .call(
            "POST",
            "/v1/admin/items",
            Some(&ctx.admin),
            Some(item("a-1")),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["sku"], "A-1");
    assert_eq!(res.json["tax_rate"], "0.16");
    let res = ctx
        .call(
            "POST",
            "/v1/admin/items",
            Some(&ctx.admin),
            Some(item("A-1")),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json["code"], "item-exists");

    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/items/a-1",
            Some(&ctx.admin),
            Some(json!({"tax_rate": "0.08", "brand": ""})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["tax_rate"], "0.08");
    assert_eq!(res.json["brand"], "");
    assert_eq!(res.json["name"], "Taladro");
    let res = ctx
        .call("GET", "/v1/admin/items/A-1", Some(&ctx.agent), None)
        .await;
    assert_eq!(res.json["tax_rate"], "0.08");
    let res = ctx
        .call("GET", "/v1/admin/items/NOPE", Some(&ctx.agent), None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/items/NOPE",
            Some(&ctx.admin),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_on_every_write_route_names_the_field_and_writes_nothing() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    let created = ctx
        .call(
            "POST",
            "/v1/admin/items",
            Some(&ctx.admin),
            Some(item("A-1")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let before = ctx
        .call("GET", "/v1/admin/items/A-1", Some(&ctx.admin), None)
        .await
        .json;

    // POST /v1/admin/items
    for (body, field) in [
        (with(item("B-1"), "sku", json!("has space")), "sku"),
        (with(item("B-1"), "name", json!("   ")), "name"),
        (with(item("B-1"), "tax_rate", json!("1.5")), "tax_rate"),
        (with(item("B-1"), "tax_rate", json!(0.16)), "tax_rate"),
        (with(item("B-1"), "images", json!(["ftp://x"])), "images[0]"),
        (with(item("B-1"), "unit", json!("")), "unit"),
        (with(item("B-1"), "colour", json!("red")), "colour"),
        (json!({"sku": "B-1"}), "name"),
    ] {
        let res = ctx
            .call(
                "POST",
                "/v1/admin/items",
                Some(&ctx.admin),
                Some(body.clone()),
            )
            .await;
        assert!(res.status.is_client_error(), "{body}");
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let res = call_raw(
        &ctx.router,
        "POST",
        "/v1/admin/items",
        Some(&ctx.admin),
        Some(b"{\"sku\":".to_vec()),
        &[],
    )
    .await;
    assert_problem(&res, StatusCode::BAD_REQUEST, "body");
    let big = "x".repeat(70 * 1024);
    let res = ctx
        .call(
            "POST",
            "/v1/admin/items",
            Some(&ctx.admin),
            Some(with(item("B-1"), "description", json!(big))),
        )
        .await;
    assert_problem(&res, StatusCode::PAYLOAD_TOO_LARGE, "body");
    let res = ctx
        .call("GET", "/v1/admin/items/B-1", Some(&ctx.admin), None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "nothing was created");

    // PATCH /v1/admin/items/{sku}
    for (body, field) in [
        (json!({"unit": ""}), "unit"),
        (json!({"tax_rate": "abc"}), "tax_rate"),
        (json!({"active": "no"}), "active"),
        (json!({"sku": "B-2"}), "sku"),
        (json!({"item_type": "#"}), "item_type"),
    ] {
        let res = ctx
            .call(
                "PATCH",
                "/v1/admin/items/A-1",
                Some(&ctx.admin),
                Some(body.clone()),
            )
            .await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let after = ctx
        .call("GET", "/v1/admin/items/A-1", Some(&ctx.admin), None)
        .await
        .json;
    assert_eq!(before, after, "the item is unchanged");

    // Warehouses
    for (body, field) in [
        (json!({"id": "bad id", "name": "X"}), "id"),
        (json!({"id": "W2"}), "name"),
        (
            json!({"id": "W2", "name": "X", "address": "a".repeat(400)}),
            "address",
        ),
    ] {
        let res = ctx
            .call("POST", "/v1/admin/warehouses", Some(&ctx.admin), Some(body))
            .await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/warehouses/W1",
            Some(&ctx.admin),
            Some(json!({"name": ""})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "name");
    let res = ctx
        .call(
            "POST",
            "/v1/admin/warehouses",
            Some(&ctx.admin),
            Some(json!({"id": "W1", "name": "Again"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let list = ctx
        .call("GET", "/v1/admin/warehouses", Some(&ctx.admin), None)
        .await;
    assert_eq!(list.json.as_array().unwrap().len(), 1, "{}", list.json);
    assert_eq!(list.json[0]["name"], "Warehouse W1");

    // Stock corrections
    for (body, field) in [
        (json!({"on_hand": -1}), "on_hand"),
        (json!({"on_hand": "5"}), "on_hand"),
        (json!({"on_hand": 1.5}), "on_hand"),
        (json!({}), "on_hand"),
    ] {
        let res = ctx
            .call(
                "PUT",
                "/v1/admin/stock/W1/A-1",
                Some(&ctx.admin),
                Some(body),
            )
            .await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/stock/W9/A-1",
            Some(&ctx.admin),
            Some(json!({"on_hand": 1})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/stock/W1/NOPE",
            Some(&ctx.admin),
            Some(json!({"on_hand": 1})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let stock = ctx
        .call("GET", "/v1/admin/items/A-1/stock", Some(&ctx.admin), None)
        .await;
    assert_eq!(stock.json, json!([]), "no stock was written");
}

#[tokio::test]
async fn agents_contacts_and_visitors_cannot_write() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    ctx.call(
        "POST",
        "/v1/admin/items",
        Some(&ctx.admin),
        Some(item("A-1")),
    )
    .await;
    let contact = ctx
        .customer("C1", None, &["W1"], json!({"mode": "all"}))
        .await;
    let writes: Vec<(&str, &str, Option<Value>)> = vec![
        ("POST", "/v1/admin/items", Some(item("B-1"))),
        (
            "PATCH",
            "/v1/admin/items/A-1",
            Some(json!({"name": "Hacked"})),
        ),
        (
            "POST",
            "/v1/admin/warehouses",
            Some(json!({"id": "W2", "name": "X"})),
        ),
        (
            "PATCH",
            "/v1/admin/warehouses/W1",
            Some(json!({"name": "Hacked"})),
        ),
        (
            "PUT",
            "/v1/admin/stock/W1/A-1",
            Some(json!({"on_hand": 99})),
        ),
        (
            "POST",
            "/v1/admin/items/import?kind=items&format=json",
            Some(json!([item("B-1")])),
        ),
    ];
    for (method, path, body) in writes {
        for (who, token, status) in [
            ("agent", Some(ctx.agent.as_str()), StatusCode::FORBIDDEN),
            ("contact", Some(contact.as_str()), StatusCode::FORBIDDEN),
            ("visitor", None, StatusCode::UNAUTHORIZED),
        ] {
            let res = ctx.call(method, path, token, body.clone()).await;
            assert_eq!(res.status, status, "{who} {method} {path}: {}", res.json);
            assert_eq!(
                res.content_type.as_deref(),
                Some("application/problem+json")
            );
        }
    }
    // Contacts do not read staff routes either.
    let res = ctx
        .call("GET", "/v1/admin/items", Some(&contact), None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let item = ctx
        .call("GET", "/v1/admin/items/A-1", Some(&ctx.admin), None)
        .await;
    assert_eq!(item.json["name"], "Taladro");
    assert_eq!(
        ctx.call("GET", "/v1/admin/items/B-1", Some(&ctx.admin), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let wh = ctx
        .call("GET", "/v1/admin/warehouses/W1", Some(&ctx.admin), None)
        .await;
    assert_eq!(wh.json["name"], "Warehouse W1");
}

#[tokio::test]
async fn a_stock_correction_sets_on_hand_and_keeps_reservations() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    ctx.warehouse("W2").await;
    ctx.call(
        "POST",
        "/v1/admin/items",
        Some(&ctx.admin),
        Some(item("A-1")),
    )
    .await;
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/stock/W1/A-1",
            Some(&ctx.admin),
            Some(json!({"on_hand": 10})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["reserved"], 0);
    assert_eq!(res.json["available"], 10);

    // An order reserves 4 (as orders do: an update of `reserved` on the stock record).
    let store = &ctx.env.app.store;
    store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(shared::store::key_of("WH#W1", "SKU#A-1")))
        .update_expression("SET reserved = reserved + :q")
        .expression_attribute_values(":q", shared::store::n(4))
        .send()
        .await
        .unwrap();

    let res = ctx
        .call(
            "PUT",
            "/v1/admin/stock/W1/A-1",
            Some(&ctx.admin),
            Some(json!({"on_hand": 6})),
        )
        .await;
    assert_eq!(res.json["on_hand"], 6);
    assert_eq!(
        res.json["reserved"], 4,
        "the reservation survives the correction"
    );
    assert_eq!(res.json["available"], 2);
    // The import does the same.
    ctx.import_ok(
        "stock",
        "csv",
        "warehouse_id,sku,on_hand\nW1,A-1,3\nW2,A-1,8\n",
    )
    .await;
    let res = ctx
        .call("GET", "/v1/admin/items/A-1/stock", Some(&ctx.agent), None)
        .await;
    assert_eq!(
        res.json
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (
                s["warehouse_id"].clone(),
                s["on_hand"].clone(),
                s["reserved"].clone(),
                s["available"].clone()
            ))
            .collect::<Vec<_>>(),
        vec![
            (json!("W1"), json!(3), json!(4), json!(0)),
            (json!("W2"), json!(8), json!(0), json!(8))
        ]
    );
}
