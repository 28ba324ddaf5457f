//! POST /v1/pricing/quote: exact prices (tiers, special prices, discounts, tax), each customer
//! its own list and currency, lines that cannot be bought and why, and bad input.

use serde_json::{json, Value};
use shared::settings::{self, Settings, StockDisplay};

use crate::support::{assert_problem, setup, Ctx};

async fn quote(ctx: &Ctx, token: &str, body: Value) -> shared::testing::TestResponse {
    ctx.call("POST", "/v1/pricing/quote", Some(token), Some(body))
        .await
}

fn line<'a>(res: &'a Value, sku: &str) -> &'a Value {
    res["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == sku)
        .unwrap_or_else(|| panic!("no line {sku}: {res}"))
}

#[tokio::test]
async fn tiers_special_prices_discounts_and_tax_are_exact() {
    let ctx = setup().await;
    for (sku, tax) in [
        ("A-1", "0.16"),
        ("A-2", "0.16"),
        ("A-3", "0.08"),
        ("A-4", "0"),
        ("A-5", "0.10"),
    ] {
        ctx.item(sku, "tools", tax, true).await;
        ctx.stock("W1", sku, 5_000, 0).await;
    }
    ctx.list_with_prices(
        "PL-MXN",
        "MXN",
        json!([
            {"sku": "A-1", "unit_price": "120.50", "tiers": [
                {"min_quantity": 10, "unit_price": "110.00"}, {"min_quantity": 50, "unit_price": "100.00"}]},
            {"sku": "A-2", "unit_price": "10.00"},
            {"sku": "A-3", "unit_price": "19.99"},
            {"sku": "A-4", "unit_price": "0.125"},
            {"sku": "A-5", "unit_price": "10.25"},
        ]),
    )
    .await;
    ctx.customer("C1", json!({"discount_percent": "5"})).await;
    let res = ctx
        .call(
            "PUT",
            "/v1/admin/customers/C1/prices",
            Some(&ctx.admin()),
            Some(json!({"prices": [
                {"sku": "A-2", "special_price": "8.40"},
                {"sku": "A-3", "discount_percent": "10"},
                {"sku": "A-5", "discount_percent": "0"},
            ]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);

    let res = quote(
        &ctx,
        &ctx.contact("C1"),
        json!({"warehouse_id": "W1", "lines": [
            {"sku": "A-1", "quantity": 12}, {"sku": "a-2", "quantity": 3}, {"sku": "A-3", "quantity": 7},
            {"sku": "A-4", "quantity": 1000}, {"sku": "A-5", "quantity": 1}, {"sku": "A-1", "quantity": 2},
        ]}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.json);
    let q = &res.json;
    assert_eq!(q["currency"], "MXN");
    assert_eq!(q["price_list_id"], "PL-MXN");
    assert_eq!(
        q["lines"].as_array().unwrap().len(),
        5,
        "duplicate SKUs merged"
    );

    // Tier 10 (110.00) at 14 units, less the customer's 5 %.
    let a1 = line(q, "A-1");
    assert_eq!(a1["quantity"], 14);
    assert_eq!(a1["list_unit_price"], "120.50");
    assert_eq!(a1["tier_applied"]["min_quantity"], 10);
    assert_eq!(a1["discount_percent"], "5");
    assert_eq!(a1["unit_price"], "104.50");
    assert_eq!(a1["subtotal"], "1463.00");
    assert_eq!(a1["tax"], "234.08");
    assert_eq!(a1["total"], "1697.08");
    assert_eq!(a1["purchasable"], true);
    assert_eq!(a1["availability"]["available_quantity"], 5000);

    // Special price 8.40, then the customer-wide 5 %: 7.98.
    let a2 = line(q, "A-2");
    assert_eq!(a2["special_price"], "8.40");
    assert_eq!(a2["tier_applied"], Value::Null);
    assert_eq!(a2["unit_price"], "7.98");
    assert_eq!(a2["subtotal"], "23.94");
    assert_eq!(a2["tax"], "3.83");

    // The SKU's own 10 % overrides the customer's 5 %: 19.99 * 0.9 = 17.991 per unit.
    let a3 = line(q, "A-3");
    assert_eq!(a3["discount_percent"], "10");
    assert_eq!(a3["unit_price"], "17.991");
    assert_eq!(a3["subtotal"], "125.94");
    assert_eq!(a3["tax"], "10.08");
    assert_eq!(a3["total"], "136.02");

    // Unit prices keep four decimals: 0.125 * 0.95 = 0.11875 -> 0.1188 (half away from zero),
    // and the line is rounded to cents only after multiplying.
    let a4 = line(q, "A-4");
    assert_eq!(a4["unit_price"], "0.1188");
    assert_eq!(a4["subtotal"], "118.80");
    assert_eq!(a4["tax"], "0.00");

    // A 0 % SKU discount exempts it from the customer-wide one; 1.025 of tax rounds up.
    let a5 = line(q, "A-5");
    assert_eq!(a5["discount_percent"], Value::Null);
    assert_eq!(a5["unit_price"], "10.25");
    assert_eq!(a5["tax"], "1.03");

    assert_eq!(q["subtotal"], "1741.93");
    assert_eq!(q["tax"], "249.02");
    assert_eq!(q["total"], "1990.95");
    assert_eq!(q["all_purchasable"], true);
}

#[tokio::test]
async fn two_customers_on_different_lists_each_see_only_their_own_price_and_currency() {
    let ctx = setup().await;
    ctx.item("A-1", "tools", "0.16", true).await;
    ctx.stock("W1", "A-1", 10, 0).await;
    ctx.stock("W2", "A-1", 10, 0).await;
    ctx.list_with_prices(
        "PL-MXN",
        "MXN",
        json!([{"sku": "A-1", "unit_price": "120.50"}]),
    )
    .await;
    ctx.list_with_prices(
        "PL-EUR",
        "EUR",
        json!([{"sku": "A-1", "unit_price": "6.10"}]),
    )
    .await;
    ctx.customer("C1", json!({})).await;
    ctx.customer(
        "C2",
        json!({"price_list_id": "PL-EUR", "warehouse_ids": ["W2"]}),
    )
    .await;
    let body = |wh: &str| json!({"warehouse_id": wh, "lines": [{"sku": "A-1", "quantity": 2}]});

    let res = quote(&ctx, &ctx.contact("C1"), body("W1")).await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["currency"], "MXN");
    assert_eq!(res.json["lines"][0]["unit_price"], "120.50");
    assert_eq!(res.json["subtotal"], "241.00");

    let res = quote(&ctx, &ctx.contact("C2"), body("W2")).await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["currency"], "EUR");
    assert_eq!(res.json["lines"][0]["unit_price"], "6.10");
    assert_eq!(res.json["total"], "14.15");
    assert!(
        !res.json.to_string().contains("120.5"),
        "no trace of the other list"
    );

    // A customer cannot use another customer's warehouse.
    let res = quote(&ctx, &ctx.contact("C1"), body("W2")).await;
    assert_problem(&res, 422, "warehouse_id");

    // Staff acting as C1 see exactly C1's prices.
    let res = quote(&ctx, &ctx.impersonating("C1"), body("W1")).await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.json["currency"], "MXN");
    assert_eq!(res.json["lines"][0]["unit_price"], "120.50");
}

#[tokio::test]
async fn lines_that_cannot_be_bought_say_why() {
    let ctx = setup().await;
    ctx.item("T-1", "tools", "0.16", true).await;
    ctx.item("P-1", "paint", "0.16", true).await;
    ctx.item("X-1", "tools", "0.16", false).await;
    ctx.item("N-1", "tools", "0.16", true).await;
    ctx.item("S-1", "tools", "0.16", true).await;
    for sku in ["T-1", "P-1", "X-1", "N-1"] {
        ctx.stock("W1", sku, 100, 0).await;
    }
    ctx.stock("W1", "S-1", 5, 2).await;
    ctx.list_with_prices(
        "PL-MXN",
        "MXN",
        json!([
            {"sku": "T-1", "unit_price": "10.00"}, {"sku": "P-1", "unit_price": "10.00"},
            {"sku": "X-1", "unit_price": "10.00"}, {"sku": "S-1", "unit_price": "10.00"},
        ]),
    )
    .await;
    ctx.customer(
        "C1",
        json!({"catalog_access": {"mode": "types", "types": ["tools"]}}),
    )
    .await;
    let token = ctx.contact("C1");
    let body = json!({"warehouse_id": "W1", "lines": [
        {"sku": "T-1", "quantity": 1}, {"sku": "P-1", "quantity": 1}, {"sku": "X-1", "quantity": 1},
        {"sku": "N-1", "quantity": 1}, {"sku": "S-1", "quantity": 4}, {"sku": "GHOST", "quantity": 1},
        {"sku": "T-2", "quantity": 0},
    ]});
    let res = quote(&ctx, &token, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.json);
    let q = &res.json;
    assert_eq!(line(q, "T-1")["purchasable"], true);
    // Outside the customer's types: the same answer as an item that does not exist.
    let hidden = line(q, "P-1");
    assert_eq!(hidden["purchasable"], false);
    assert_eq!(hidden["reason"], "not_found");
    assert_eq!(hidden["name"], Value::Null);
    assert_eq!(hidden["unit_price"], Value::Null);
    assert_eq!(hidden["availability"], Value::Null);
    assert_eq!(line(q, "GHOST")["reason"], "not_found");
    assert_eq!(line(q, "X-1")["reason"], "inactive");
    assert_eq!(line(q, "N-1")["reason"], "no_price");
    let short = line(q, "S-1");
    assert_eq!(short["reason"], "stock_short");
    assert_eq!(short["availability"]["available_quantity"], 3);
    assert_eq!(short["unit_price"], "10.00", "still priced");
    assert_eq!(line(q, "T-2")["reason"], "not_found");
    assert_eq!(q["subtotal"], "10.00", "only purchasable lines count");
    assert_eq!(q["all_purchasable"], false);

    // Zero or negative quantities of a visible item.
    let res = quote(
        &ctx,
        &token,
        json!({"warehouse_id": "W1", "lines": [{"sku": "T-1", "quantity": 0}, {"sku": "S-1", "quantity": -2}]}),
    )
    .await;
    assert_eq!(line(&res.json, "T-1")["reason"], "invalid_quantity");
    assert_eq!(line(&res.json, "S-1")["reason"], "invalid_quantity");

    // Stock shown only as yes/no: no quantity anywhere.
    settings::save(
        &ctx.env.app.store,
        &Settings {
            stock_display: StockDisplay::YesNo,
            ..Settings::default()
        },
    )
    .await
    .unwrap();
    let res = quote(&ctx, &token, body).await;
    assert_eq!(res.json["stock_display"], "yes_no");
    let short = line(&res.json, "S-1");
    assert_eq!(short["reason"], "stock_short");
    assert_eq!(short["availability"]["in_stock"], true);
    assert_eq!(short["availability"]["available_quantity"], Value::Null);
    assert!(!short["message"].as_str().unwrap().contains('3'));
    assert_eq!(
        line(&res.json, "T-1")["availability"]["available_quantity"],
        Value::Null
    );
}

#[tokio::test]
async fn bad_quote_requests_are_refused_by_field() {
    let ctx = setup().await;
    ctx.item("A-1", "tools", "0.16", true).await;
    ctx.list_with_prices("PL-MXN", "MXN", json!([{"sku": "A-1", "unit_price": "1"}]))
        .await;
    ctx.warehouse("W3", false).await;
    ctx.customer("C1", json!({"warehouse_ids": ["W1", "W3", "W4"]}))
        .await;
    ctx.customer("OFF", json!({"status": "blocked"})).await;
    ctx.customer("NOLIST", json!({"price_list_id": null})).await;
    ctx.customer("GONE", json!({"price_list_id": "DELETED"}))
        .await;
    let token = ctx.contact("C1");
    let ok_line = json!([{"sku": "A-1", "quantity": 1}]);

    for (body, field) in [
        (
            json!({"warehouse_id": "W9", "lines": ok_line}),
            "warehouse_id",
        ),
        (json!({"lines": ok_line}), "warehouse_id"),
        // Assigned, but inactive or gone.
        (
            json!({"warehouse_id": "W3", "lines": ok_line}),
            "warehouse_id",
        ),
        (
            json!({"warehouse_id": "W4", "lines": ok_line}),
            "warehouse_id",
        ),
        (json!({"warehouse_id": "W1", "lines": []}), "lines"),
        (json!({"warehouse_id": "W1"}), "lines"),
        (
            json!({"warehouse_id": "W1", "lines": vec![json!({"sku": "A-1", "quantity": 1}); 501]}),
            "lines",
        ),
        (
            json!({"warehouse_id": "W1", "lines": [{"sku": "A-1", "quantity": 1}, {"sku": "no good", "quantity": 1}]}),
            "lines[1].sku",
        ),
        (
            json!({"warehouse_id": "W1", "lines": [{"sku": "A-1", "quantity": "two"}]}),
            "lines[0].quantity",
        ),
        (
            json!({"warehouse_id": "W1", "lines": [{"sku": "A-1", "quantity": 1.5}]}),
            "lines[0].quantity",
        ),
    ] {
        let res = quote(&ctx, &token, body).await;
        assert_problem(&res, 422, field);
    }

    let body = json!({"warehouse_id": "W1", "lines": ok_line});
    // Staff must act as a customer to quote.
    let res = quote(&ctx, &ctx.admin(), body.clone()).await;
    assert_problem(&res, 403, "");
    let res = ctx
        .call("POST", "/v1/pricing/quote", None, Some(body.clone()))
        .await;
    assert_problem(&res, 401, "");
    // A contact of a customer that is not active has no session; staff acting as the customer
    // meet the quote's own check.
    let res = quote(&ctx, &ctx.contact("OFF"), body.clone()).await;
    assert_problem(&res, 401, "");
    let res = quote(&ctx, &ctx.impersonating("OFF"), body.clone()).await;
    assert_problem(&res, 409, "");
    assert_eq!(res.json["code"], "customer-not-active");
    let res = quote(&ctx, &ctx.contact("NOLIST"), body.clone()).await;
    assert_eq!(res.json["code"], "no-price-list", "{}", res.json);
    let res = quote(&ctx, &ctx.contact("GONE"), body.clone()).await;
    assert_eq!(res.json["code"], "no-price-list", "{}", res.json);
    // No customer behind the token: no session.
    let res = quote(&ctx, &ctx.contact("NOBODY"), body).await;
    assert_problem(&res, 401, "");
}
