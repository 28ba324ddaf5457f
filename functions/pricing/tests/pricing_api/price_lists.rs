//! F19 administration: price lists, bulk prices, per-customer prices; validation as a whole;
//! only admins write.

use serde_json::{json, Value};
use shared::pricing::PriceList;
use shared::store::keys;

use crate::support::{assert_problem, setup};

#[tokio::test]
async fn admins_create_list_rename_and_fill_price_lists() {
    let ctx = setup().await;
    let admin = ctx.admin();

    let res = ctx
        .call(
            "POST",
            "/v1/admin/price-lists",
            Some(&admin),
            Some(json!({"id": "MAYOREO", "name": "Mayoreo", "currency": "MXN"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.json);
    assert_eq!(res.json["currency"], "MXN");
    assert_eq!(res.json["has_prices"], false);

    // Same id again: 409 naming the id; the first list is untouched.
    let res = ctx
        .call(
            "POST",
            "/v1/admin/price-lists",
            Some(&admin),
            Some(json!({"id": "MAYOREO", "name": "Other", "currency": "USD"})),
        )
        .await;
    assert_problem(&res, 409, "id");

    // Without an id one is made.
    let res = ctx
        .call(
            "POST",
            "/v1/admin/price-lists",
            Some(&admin),
            Some(json!({"name": "Distribuidores EU", "currency": "EUR"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.json);
    let eu_id = res.json["id"].as_str().unwrap().to_string();

    let res = ctx
        .call("GET", "/v1/admin/price-lists", Some(&admin), None)
        .await;
    assert_eq!(res.status, 200);
    let names: Vec<&str> = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Distribuidores EU", "Mayoreo"], "ordered by name");

    // Bulk prices, tiers included.
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/price-lists/MAYOREO/prices",
            Some(&admin),
            Some(json!({"prices": [
                {"sku": "a-1", "unit_price": "120.50", "tiers": [
                    {"min_quantity": 50, "unit_price": "100"}, {"min_quantity": 10, "unit_price": "110.00"}]},
                {"sku": "A-2", "unit_price": "0.125"},
                {"sku": "A-3", "unit_price": "7"},
            ]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["written"], 3);

    // Paged by SKU.
    let res = ctx
        .call(
            "GET",
            "/v1/admin/price-lists/MAYOREO/prices?limit=2",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    let first = res.json["items"].as_array().unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0]["sku"], "A-1");
    assert_eq!(first[0]["unit_price"], "120.50");
    assert_eq!(first[0]["tiers"][0]["min_quantity"], 10, "tiers sorted");
    assert_eq!(first[0]["tiers"][1]["unit_price"], "100.00");
    assert_eq!(first[1]["unit_price"], "0.125");
    let cursor = res.json["next_cursor"].as_str().unwrap().to_string();
    let res = ctx
        .call(
            "GET",
            &format!("/v1/admin/price-lists/MAYOREO/prices?limit=2&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["items"][0]["sku"], "A-3");
    assert_eq!(res.json["items"][0]["unit_price"], "7.00");

    // Upserting again replaces.
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/price-lists/MAYOREO/prices",
            Some(&admin),
            Some(json!({"prices": [{"sku": "A-3", "unit_price": "8.25"}]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(ctx.count("PL#MAYOREO", "SKU#").await, 3);

    // Rename: the list index follows.
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/price-lists/MAYOREO",
            Some(&admin),
            Some(json!({"name": "Al por mayor"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["name"], "Al por mayor");
    let res = ctx
        .call("GET", "/v1/admin/price-lists", Some(&admin), None)
        .await;
    assert_eq!(res.json["items"][0]["name"], "Al por mayor");

    // The currency is locked once prices exist; the same currency is accepted.
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/price-lists/MAYOREO",
            Some(&admin),
            Some(json!({"currency": "USD"})),
        )
        .await;
    assert_problem(&res, 409, "currency");
    assert_eq!(res.json["code"], "currency-locked");
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/price-lists/MAYOREO",
            Some(&admin),
            Some(json!({"currency": "MXN"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    // A list without prices may still change it.
    let res = ctx
        .call(
            "PATCH",
            &format!("/v1/admin/price-lists/{eu_id}"),
            Some(&admin),
            Some(json!({"currency": "RON"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["currency"], "RON");

    let res = ctx
        .call("GET", "/v1/admin/price-lists/NOPE", Some(&admin), None)
        .await;
    assert_problem(&res, 404, "");
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/price-lists/NOPE/prices",
            Some(&admin),
            Some(json!({"prices": [{"sku": "A-1", "unit_price": "1"}]})),
        )
        .await;
    assert_problem(&res, 404, "");
    assert_eq!(ctx.count("PL#NOPE", "").await, 0);
}

#[tokio::test]
async fn a_bad_row_writes_nothing_and_every_bad_row_is_named() {
    let ctx = setup().await;
    let admin = ctx.admin();
    let res = ctx
        .call(
            "POST",
            "/v1/admin/price-lists",
            Some(&admin),
            Some(json!({"id": "PL1", "name": "List", "currency": "MXN"})),
        )
        .await;
    assert_eq!(res.status, 201);

    let mut rows: Vec<Value> = (0..30)
        .map(|i| json!({"sku": format!("OK-{i}"), "unit_price": "10.00"}))
        .collect();
    rows[3] = json!({"sku": "OK-3", "unit_price": "-1"});
    rows[17] = json!({"sku": "OK-17", "unit_price": "1", "tiers": [{"min_quantity": 0, "unit_price": "1"}]});
    rows[29] = json!({"sku": "OK-0", "unit_price": "1.123456"});
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/price-lists/PL1/prices",
            Some(&admin),
            Some(json!({ "prices": rows })),
        )
        .await;
    assert_problem(&res, 422, "prices[3].unit_price");
    assert_problem(&res, 422, "prices[17].tiers[0].min_quantity");
    assert_problem(&res, 422, "prices[29].sku");
    assert_problem(&res, 422, "prices[29].unit_price");
    assert_eq!(res.json["errors"].as_array().unwrap().len(), 4);
    assert_eq!(ctx.count("PL#PL1", "SKU#").await, 0, "nothing written");
    let list: PriceList = ctx
        .env
        .app
        .store
        .get("PL#PL1", keys::META_SK)
        .await
        .unwrap()
        .unwrap();
    assert!(!list.has_prices, "currency not locked by a refused call");

    // Body-level problems.
    for (body, field) in [
        (json!({"prices": []}), "prices"),
        (json!({}), "prices"),
        (json!({"prices": "A-1"}), "prices"),
        (
            json!({"prices": vec![json!({"sku": "A", "unit_price": "1"}); 1001]}),
            "prices",
        ),
    ] {
        let res = ctx
            .call(
                "PUT",
                "/v1/admin/price-lists/PL1/prices",
                Some(&admin),
                Some(body),
            )
            .await;
        assert_problem(&res, 422, field);
    }
    assert_eq!(ctx.count("PL#PL1", "SKU#").await, 0, "nothing written");

    // Bad price lists are refused by field, and nothing is created.
    for (body, field) in [
        (json!({"name": "X", "currency": "mxn"}), "currency"),
        (json!({"name": "X", "currency": "XYZ"}), "currency"),
        (json!({"name": "X"}), "currency"),
        (json!({"name": "  ", "currency": "MXN"}), "name"),
        (
            json!({"id": "bad id!", "name": "X", "currency": "MXN"}),
            "id",
        ),
        // Unknown fields are refused (a typo must not be silently ignored).
        (
            json!({"name": "X", "currency": "MXN", "colour": 1}),
            "colour",
        ),
    ] {
        let res = ctx
            .call("POST", "/v1/admin/price-lists", Some(&admin), Some(body))
            .await;
        assert_problem(&res, 422, field);
    }
    let res = ctx
        .call("GET", "/v1/admin/price-lists", Some(&admin), None)
        .await;
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);

    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/price-lists/PL1",
            Some(&admin),
            Some(json!({"name": "Renamed", "currency": "EURO"})),
        )
        .await;
    assert_problem(&res, 422, "currency");
    let res = ctx
        .call("GET", "/v1/admin/price-lists/PL1", Some(&admin), None)
        .await;
    assert_eq!(res.json["name"], "List", "unchanged");

    // Cursors and limits are checked.
    let res = ctx
        .call(
            "GET",
            "/v1/admin/price-lists/PL1/prices?cursor=garbage",
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&res, 422, "cursor");
    let res = ctx
        .call("GET", "/v1/admin/price-lists?limit=0", Some(&admin), None)
        .await;
    assert_problem(&res, 422, "limit");

    // Malformed JSON.
    let res = shared::testing::call_raw(
        &ctx.router,
        "PUT",
        "/v1/admin/price-lists/PL1/prices",
        Some(&admin),
        Some(b"{\"prices\": [".to_vec()),
        &[],
    )
    .await;
    assert_problem(&res, 400, "body");
}

#[tokio::test]
async fn customer_special_prices_are_upserted_removed_and_validated() {
    let ctx = setup().await;
    let admin = ctx.admin();
    ctx.customer("C1", json!({"agent_id": "S-LUIS"})).await;

    let res = ctx
        .call(
            "PUT",
            "/v1/admin/customers/C1/prices",
            Some(&admin),
            Some(json!({"prices": [
                {"sku": "A-1", "special_price": "99.90"},
                {"sku": "A-2", "discount_percent": "12.5"},
                {"sku": "A-3", "special_price": "5", "discount_percent": "2"},
            ]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(ctx.count("CUST#C1", "PRICE#").await, 3);

    // A row with neither part removes the SKU's record.
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/customers/C1/prices",
            Some(&admin),
            Some(json!({"prices": [{"sku": "A-3"}]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);

    // The customer's agent reads them.
    let res = ctx
        .call(
            "GET",
            "/v1/admin/customers/C1/prices",
            Some(&ctx.agent("S-LUIS")),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    let items = res.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["sku"], "A-1");
    assert_eq!(items[0]["special_price"], "99.90");
    assert_eq!(items[1]["discount_percent"], "12.5");

    // Bad rows: all named, nothing written.
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/customers/C1/prices",
            Some(&admin),
            Some(json!({"prices": [
                {"sku": "B-1", "special_price": "1.00"},
                {"sku": "B-2", "discount_percent": "101"},
                {"sku": "B-3", "special_price": "abc"},
                {"sku": "", "special_price": "1"},
            ]})),
        )
        .await;
    assert_problem(&res, 422, "prices[1].discount_percent");
    assert_problem(&res, 422, "prices[2].special_price");
    assert_problem(&res, 422, "prices[3].sku");
    assert_eq!(ctx.count("CUST#C1", "PRICE#").await, 2, "nothing written");

    // Unknown customer: 404, nothing written.
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/customers/NOPE/prices",
            Some(&admin),
            Some(json!({"prices": [{"sku": "A-1", "special_price": "1"}]})),
        )
        .await;
    assert_problem(&res, 404, "");
    assert_eq!(ctx.count("CUST#NOPE", "").await, 0);
}

#[tokio::test]
async fn only_admins_write_prices_agents_read_and_customers_see_no_admin_route() {
    let ctx = setup().await;
    ctx.customer("C1", json!({"agent_id": "S-LUIS"})).await;
    ctx.customer("C2", json!({"agent_id": "S-OTHER"})).await;
    ctx.list_with_prices("PL-MXN", "MXN", json!([{"sku": "A-1", "unit_price": "10"}]))
        .await;
    let agent = ctx.agent("S-LUIS");
    let contact = ctx.contact("C1");
    let acting = ctx.impersonating("C1");

    let writes = [
        (
            "POST",
            "/v1/admin/price-lists".to_string(),
            json!({"id": "NEW", "name": "New", "currency": "MXN"}),
        ),
        (
            "PATCH",
            "/v1/admin/price-lists/PL-MXN".to_string(),
            json!({"name": "Hacked"}),
        ),
        (
            "PUT",
            "/v1/admin/price-lists/PL-MXN/prices".to_string(),
            json!({"prices": [{"sku": "A-1", "unit_price": "0.01"}]}),
        ),
        (
            "PUT",
            "/v1/admin/customers/C1/prices".to_string(),
            json!({"prices": [{"sku": "A-1", "special_price": "0.01"}]}),
        ),
    ];
    for token in [&agent, &contact, &acting] {
        for (method, path, body) in &writes {
            let res = ctx
                .call(method, path, Some(token), Some(body.clone()))
                .await;
            assert_problem(&res, 403, "");
        }
    }
    for (method, path, body) in &writes {
        let res = ctx.call(method, path, None, Some(body.clone())).await;
        assert_problem(&res, 401, "");
    }
    // Nothing changed.
    let res = ctx
        .call(
            "GET",
            "/v1/admin/price-lists/PL-MXN/prices",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "agents read price lists");
    assert_eq!(res.json["items"][0]["unit_price"], "10.00");
    assert_eq!(res.json["items"].as_array().unwrap().len(), 1);
    let res = ctx
        .call("GET", "/v1/admin/price-lists/PL-MXN", Some(&agent), None)
        .await;
    assert_eq!(res.json["name"], "List PL-MXN");
    assert_eq!(ctx.count("CUST#C1", "PRICE#").await, 0);
    assert_eq!(ctx.count("PL#NEW", "").await, 0);

    // Contacts see no admin read either; an agent sees only its own customers' prices.
    let res = ctx
        .call("GET", "/v1/admin/price-lists", Some(&contact), None)
        .await;
    assert_problem(&res, 403, "");
    let res = ctx
        .call("GET", "/v1/admin/customers/C2/prices", Some(&agent), None)
        .await;
    assert_problem(&res, 404, "");
    let res = ctx
        .call("GET", "/v1/admin/customers/C1/prices", Some(&contact), None)
        .await;
    assert_problem(&res, 403, "");
}
