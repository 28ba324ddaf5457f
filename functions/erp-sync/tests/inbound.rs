//! Inbound sync (F29): the API key, whole-batch validation (nothing queued on a bad record),
//! and idempotent application: the same batch twice and an older version after a newer leave
//! the data as after the newest.

mod common;

use common::{d, number, order, text, Harness};
use serde_json::{json, Value};
use shared::catalog::Sku;

fn item(sku: &str, name: &str, version: u64) -> Value {
    json!({"sku": sku, "name": name, "item_type": "Herramientas", "brand": "Bosch", "unit": "piece",
           "tax_rate": "0.16", "version": version})
}

async fn stored_item(h: &Harness, sku: &str) -> shared::catalog::Item {
    shared::catalog::items::get_item(h.store(), &Sku::parse(sku).unwrap())
        .await
        .unwrap()
        .expect("item")
}

#[tokio::test]
async fn inbound_routes_need_the_api_key() {
    let h = Harness::new().await;
    let body = json!({"records": [item("A-1", "Taladro", 1)]});
    let missing = h
        .call("POST", "/v1/erp/items", None, Some(body.clone()))
        .await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.content_type.as_deref(),
        Some("application/problem+json")
    );
    let wrong = shared::testing::call_raw(
        &h.router,
        "POST",
        "/v1/erp/items",
        None,
        Some(body.to_string().into_bytes()),
        &[("x-api-key", "not-the-key")],
    )
    .await;
    assert_eq!(wrong.status, 401);
    // A user token is not an API key.
    let admin = h
        .call("POST", "/v1/erp/items", Some(&h.admin_token()), Some(body))
        .await;
    assert_eq!(admin.status, 401);
    assert_eq!(h.erp("GET", "/v1/erp/batches/nope", None).await.status, 404);
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_queue_url).await, 0);
}

#[tokio::test]
async fn bad_input_on_every_write_route_names_the_field_and_queues_nothing() {
    let h = Harness::new().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "items",
            json!([item("A-1", "Taladro", 1), {"sku": "A-2", "name": "X", "item_type": "T", "unit": "u", "tax_rate": "1.5", "version": 1}]),
            "records[1].tax_rate",
        ),
        (
            "items",
            json!([item("A-1", "Taladro", 1), item("A-1", "Otra vez", 2)]),
            "records[1].sku",
        ),
        (
            "items",
            json!([{"sku": "A-3", "name": "X", "item_type": "T", "unit": "u", "tax_rate": "0"}]),
            "records[0].version",
        ),
        (
            "prices",
            json!([{"price_list_id": "MAYOREO", "currency": "MXN", "sku": "A-1", "unit_price": "-1", "version": 1}]),
            "records[0].unit_price",
        ),
        (
            "prices",
            json!([{"price_list_id": "MAYOREO", "currency": "PESOS", "sku": "A-1", "unit_price": "1", "version": 1}]),
            "records[0].currency",
        ),
        (
            "stock",
            json!([{"warehouse_id": "MTY", "sku": "A-1", "on_hand": 5, "version": 1}, {"warehouse_id": "MTY", "sku": "A-2", "on_hand": -5, "version": 1}]),
            "records[1].on_hand",
        ),
        (
            "stock",
            json!([{"warehouse_id": "MTY", "sku": "A-1", "on_hand": 5, "modified_at": "last tuesday"}]),
            "records[0].modified_at",
        ),
        (
            "customers",
            json!([{"erp_key": "C1", "name": "Uno", "tax_id": "RFC1", "email": "nope", "version": 1}]),
            "records[0].email",
        ),
        (
            "customers",
            json!([{"erp_key": "C1", "name": "Uno", "tax_id": "RFC1", "email": "a@uno.mx", "version": 1,
            "credit": {"terms": "SOMETIMES", "limit": "1", "currency": "MXN"}}]),
            "records[0].credit.terms",
        ),
        (
            "documents",
            json!([{"erp_key": "F-1", "kind": "invoice", "number": "A-1", "customer_erp_key": "C1",
            "issued_on": "2025-02-30", "currency": "MXN", "subtotal": "1", "tax": "0", "total": "1", "version": 1}]),
            "records[0].issued_on",
        ),
        (
            "documents",
            json!([{"erp_key": "F-1", "kind": "invoice", "number": "A-1", "customer_erp_key": "C1",
            "issued_on": "2025-01-30", "currency": "MXN", "subtotal": "1", "tax": "0", "total": "1", "version": 1,
            "lines": [{"description": "x", "quantity": "1", "unit_price": "abc", "total": "1"}]}]),
            "records[0].lines[0].unit_price",
        ),
    ];
    for (kind, records, field) in cases {
        let res = h
            .erp(
                "POST",
                &format!("/v1/erp/{kind}"),
                Some(json!({"batch_id": "bad-1", "records": records})),
            )
            .await;
        assert_eq!(res.status, 422, "{kind}: {}", res.json);
        assert_eq!(
            res.content_type.as_deref(),
            Some("application/problem+json")
        );
        let fields: Vec<&str> = res.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&field),
            "{kind}: expected {field} in {fields:?}"
        );
    }
    // The body itself: empty, not JSON, unknown fields, a bad batch id.
    for (body, field) in [
        (json!({"records": []}), "records"),
        (
            json!({"records": [item("A-1", "X", 1)], "colour": "red"}),
            "colour",
        ),
        (
            json!({"batch_id": "no spaces please", "records": [item("A-1", "X", 1)]}),
            "batch_id",
        ),
        (json!({"records": "all of them"}), "records"),
    ] {
        let res = h.erp("POST", "/v1/erp/items", Some(body)).await;
        assert_eq!(res.status, 422, "{}", res.json);
        assert!(
            res.json["errors"].to_string().contains(field),
            "{field}: {}",
            res.json
        );
    }
    let malformed = shared::testing::call_raw(
        &h.router,
        "POST",
        "/v1/erp/items",
        None,
        Some(b"{".to_vec()),
        &[("x-api-key", common::ERP_KEY)],
    )
    .await;
    assert_eq!(malformed.status, 400);
    // Nothing was queued or recorded.
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_queue_url).await, 0);
    assert_eq!(
        h.erp("GET", "/v1/erp/batches/bad-1", None).await.status,
        404
    );
    assert!(
        shared::catalog::items::get_item(h.store(), &Sku::parse("A-1").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_same_batch_twice_and_an_older_version_leave_the_newest() {
    let h = Harness::new().await;
    let v2 = json!([
        item("A-1", "Taladro v2", 2),
        item("A-2", "Sierra v2", 2),
        item("A-3", "Lija v2", 2)
    ]);
    let first = h.push("items", v2.clone()).await;
    assert_eq!(first["status"], "applied", "{first}");
    assert_eq!(
        (first["applied"].as_u64(), first["ignored"].as_u64()),
        (Some(3), Some(0))
    );
    let after_first = stored_item(&h, "A-1").await;
    assert_eq!(after_first.name, "Taladro v2");
    assert_eq!(after_first.erp_key.as_deref(), Some("A-1"));

    // The same batch again (same batch id: answered, not queued again).
    let res = h
        .erp(
            "POST",
            "/v1/erp/items",
            Some(json!({"batch_id": "items-7", "records": v2.clone()})),
        )
        .await;
    assert_eq!(res.status, 202);
    let again = h
        .erp(
            "POST",
            "/v1/erp/items",
            Some(json!({"batch_id": "items-7", "records": v2.clone()})),
        )
        .await;
    assert_eq!(again.status, 202);
    assert_eq!(again.json["batch_id"], "items-7");
    assert_eq!(
        h.queue_depth(&h.env.queues.erp_sync_queue_url).await,
        1,
        "one chunk queued for two posts"
    );
    h.drain(20).await;
    let repeat = h.batch_status("items-7").await;
    assert_eq!(
        (repeat["applied"].as_u64(), repeat["ignored"].as_u64()),
        (Some(0), Some(3)),
        "{repeat}"
    );
    // The same id for other content is refused.
    let clash = h.erp("POST", "/v1/erp/stock", Some(json!({"batch_id": "items-7", "records": [{"warehouse_id": "MTY", "sku": "A-1", "on_hand": 1, "version": 1}]}))).await;
    assert_eq!(clash.status, 409, "{}", clash.json);

    // An older version after the newer one changes nothing.
    let older = h
        .push(
            "items",
            json!([item("A-1", "Taladro v1", 1), item("A-2", "Sierra v1", 1)]),
        )
        .await;
    assert_eq!(
        (older["applied"].as_u64(), older["ignored"].as_u64()),
        (Some(0), Some(2)),
        "{older}"
    );
    let now = stored_item(&h, "A-1").await;
    assert_eq!(now, after_first, "untouched, updated_at included");
    assert_eq!(stored_item(&h, "A-2").await.name, "Sierra v2");

    // A newer one applies; modified_at works as a version too.
    let newer = h.push("items", json!([item("A-1", "Taladro v3", 3)])).await;
    assert_eq!(newer["applied"].as_u64(), Some(1));
    assert_eq!(stored_item(&h, "A-1").await.name, "Taladro v3");
    // Its search words follow (the old name's words are gone).
    let words = |name: &str| {
        shared::catalog::items::search_words(&shared::catalog::Item {
            name: name.into(),
            ..after_first.clone()
        })
    };
    for word in words("Taladro v3") {
        let (pk, sk) = shared::catalog::items::search_key(&word, &after_first.sku);
        assert!(
            h.store().get_item(&pk, &sk).await.unwrap().is_some(),
            "search word {word}"
        );
    }
}

#[tokio::test]
async fn prices_create_their_list_and_refuse_another_currency() {
    let h = Harness::new().await;
    let status = h
        .push(
            "prices",
            json!([
                {"price_list_id": "MAYOREO", "price_list_name": "Mayoreo", "currency": "MXN", "sku": "A-1", "unit_price": "100.50",
                 "tiers": [{"min_quantity": 10, "unit_price": "95"}], "version": 5},
                {"price_list_id": "MAYOREO", "currency": "MXN", "sku": "A-2", "unit_price": "20", "version": 5},
            ]),
        )
        .await;
    assert_eq!(status["applied"].as_u64(), Some(2), "{status}");
    let list: shared::pricing::PriceList = h
        .store()
        .get("PL#MAYOREO", "META")
        .await
        .unwrap()
        .expect("list");
    assert_eq!(
        (list.name.as_str(), list.currency.as_str(), list.has_prices),
        ("Mayoreo", "MXN", true)
    );
    let mixed = h
        .push(
            "prices",
            json!([
                {"price_list_id": "MAYOREO", "currency": "USD", "sku": "A-3", "unit_price": "5", "version": 9},
                {"price_list_id": "MAYOREO", "currency": "MXN", "sku": "A-1", "unit_price": "80", "version": 4},
                {"price_list_id": "MAYOREO", "currency": "MXN", "sku": "A-2", "unit_price": "21", "version": 6},
            ]),
        )
        .await;
    assert_eq!(mixed["status"], "applied");
    assert_eq!(
        (
            mixed["applied"].as_u64(),
            mixed["ignored"].as_u64(),
            mixed["rejected"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{mixed}"
    );
    assert_eq!(mixed["errors"][0]["field"], "records[0].currency");
    let a1: shared::pricing::Price = h
        .store()
        .get("PL#MAYOREO", "SKU#A-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a1.unit_price, d("100.50"));
    assert_eq!(a1.tiers.len(), 1);
    let a2: shared::pricing::Price = h
        .store()
        .get("PL#MAYOREO", "SKU#A-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a2.unit_price, d("21.00"));
    assert!(h
        .store()
        .get_item("PL#MAYOREO", "SKU#A-3")
        .await
        .unwrap()
        .is_none());
}

/// The ERP's on hand is the truth; reservations of orders the ERP acknowledged are in its
/// figure already, so they are not subtracted twice; the others still are.
#[tokio::test]
async fn stock_from_the_erp_counts_acknowledged_reservations_once() {
    let h = Harness::new().await;
    // Two open orders reserve DRL-1 in MTY: 5 units acknowledged by the ERP, 3 not yet.
    let acked = order("o-acked", "c-1", "MTY", &[("DRL-1", 5)]);
    let fresh = order("o-fresh", "c-1", "MTY", &[("DRL-1", 3)]);
    let mut gone = order("o-cancelled", "c-1", "MTY", &[("DRL-1", 7)]);
    gone.status = shared::orders::OrderStatus::Cancelled;
    for o in [&acked, &fresh, &gone] {
        h.put_order(o).await;
    }
    for id in ["o-acked", "o-cancelled"] {
        h.store()
            .client()
            .update_item()
            .table_name(h.store().table())
            .set_key(Some(shared::store::key_of(&format!("ORDER#{id}"), "ORDER")))
            .update_expression("SET erp_acknowledged_at = :t")
            .expression_attribute_values(":t", shared::store::s("2025-01-01T00:00:00.000Z"))
            .send()
            .await
            .unwrap();
    }
    // The reservations, as the orders code made them.
    shared::catalog::stock::set_on_hand(h.store(), "MTY", &Sku::parse("DRL-1").unwrap(), 0)
        .await
        .unwrap();
    h.store()
        .client()
        .update_item()
        .table_name(h.store().table())
        .set_key(Some(shared::store::key_of("WH#MTY", "SKU#DRL-1")))
        .update_expression("SET reserved = :r")
        .expression_attribute_values(":r", shared::store::n(8))
        .send()
        .await
        .unwrap();

    // The ERP has 100 it can still sell (after the 5 it acknowledged).
    let status = h
        .push(
            "stock",
            json!([{"warehouse_id": "MTY", "sku": "DRL-1", "on_hand": 100, "version": 10}]),
        )
        .await;
    assert_eq!(status["applied"].as_u64(), Some(1), "{status}");
    let stock = h.stock("MTY", "DRL-1").await;
    assert_eq!(number(&stock, "erp_on_hand"), 100);
    assert_eq!(number(&stock, "erp_committed"), 5);
    assert_eq!(number(&stock, "on_hand"), 105);
    assert_eq!(number(&stock, "reserved"), 8);
    // Available = 100 - the 3 the ERP does not know of yet.
    assert_eq!(number(&stock, "on_hand") - number(&stock, "reserved"), 97);
    let typed: shared::catalog::Stock = shared::store::from_item(stock.clone()).unwrap();
    assert_eq!(typed.available(), 97);

    // Older and equal versions change nothing; the warehouse was created for the stock.
    let older = h
        .push(
            "stock",
            json!([{"warehouse_id": "MTY", "sku": "DRL-1", "on_hand": 1, "version": 9}]),
        )
        .await;
    assert_eq!(older["ignored"].as_u64(), Some(1));
    assert_eq!(h.stock("MTY", "DRL-1").await, stock);
    let warehouse: shared::catalog::Warehouse = h
        .store()
        .get("WH#MTY", "META")
        .await
        .unwrap()
        .expect("warehouse");
    assert!(warehouse.active);
    assert_eq!(
        text(&stock, "erp_version").as_deref(),
        Some("n00000000000000000010")
    );
}

#[tokio::test]
async fn customers_are_created_inactive_linked_by_tax_id_and_updated_by_version() {
    let h = Harness::new().await;
    // A customer the portal approved before the ERP knew it.
    let existing = shared::customers::Customer::new(
        "portal-1",
        shared::customers::CustomerStatus::Active,
        shared::types::Name::parse("Acme").unwrap(),
        shared::types::Name::parse("AAA-010101-XY1").unwrap(),
        shared::types::Email::parse("old@acme.mx").unwrap(),
    );
    h.store()
        .put(
            &shared::customers::profile::customer_keys(&existing),
            &existing,
        )
        .await
        .unwrap();
    let status = h
        .push(
            "customers",
            json!([
                {"erp_key": "C-ACME", "name": "Acme", "tax_id": "aaa010101xy1", "email": "compras@acme.mx",
                 "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "50000", "currency": "MXN"}, "version": 1},
                {"erp_key": "C-NEW", "name": "Nueva", "tax_id": "NNN", "email": "n@nueva.mx", "price_list_id": "MAYOREO",
                 "warehouse_ids": ["MTY", "GDL"], "version": 1},
                {"erp_key": "C-LINK", "customer_id": "does0not0exist", "name": "X", "tax_id": "X", "email": "x@x.mx", "version": 1},
            ]),
        )
        .await;
    assert_eq!(
        (status["applied"].as_u64(), status["rejected"].as_u64()),
        (Some(2), Some(1)),
        "{status}"
    );
    assert_eq!(status["errors"][0]["field"], "records[2].customer_id");
    let acme = shared::customers::profile::get(h.store(), "portal-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(acme.erp_key.as_deref(), Some("C-ACME"));
    assert_eq!(
        acme.status,
        shared::customers::CustomerStatus::Active,
        "status stays the portal's"
    );
    assert_eq!(acme.email.as_str(), "compras@acme.mx");
    assert_eq!(acme.credit.as_ref().unwrap().limit, d("50000"));
    let mapping = shared::sync::apply::customers::mapping(h.store(), "C-NEW")
        .await
        .unwrap()
        .unwrap();
    let nueva = shared::customers::profile::get(h.store(), &mapping.customer_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(nueva.status, shared::customers::CustomerStatus::Inactive);
    assert_eq!(nueva.default_warehouse_id.as_deref(), Some("MTY"));

    // Older versions are ignored; newer ones replace what the ERP owns.
    let older = h.push("customers", json!([{"erp_key": "C-ACME", "name": "Acme OLD", "tax_id": "AAA010101XY1", "email": "old@acme.mx", "version": 0}])).await;
    assert_eq!(older["ignored"].as_u64(), Some(1));
    let newer = h.push("customers", json!([{"erp_key": "C-ACME", "name": "Acme SA", "tax_id": "AAA010101XY1", "email": "compras@acme.mx",
        "credit": {"terms": "CREDIT", "credit_days": 45, "limit": "75000", "currency": "MXN"}, "version": 2}])).await;
    assert_eq!(newer["applied"].as_u64(), Some(1));
    let acme = shared::customers::profile::get(h.store(), "portal-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (acme.name.as_str(), acme.credit.unwrap().limit),
        ("Acme SA", d("75000"))
    );
}
