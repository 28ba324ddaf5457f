//! F14, F16, F18, F19 as customers see them: what is visible to whom, at which price, and how
//! availability is shown.

mod common;

use axum::http::StatusCode;
use common::{items_csv, Ctx};
use serde_json::json;
use shared::settings::StockDisplay;

/// Tools, paint and food items, all with the word "pro" in their names.
async fn seed(ctx: &Ctx) {
    ctx.warehouse("W1").await;
    ctx.warehouse("W2").await;
    ctx.import_ok(
        "items",
        "csv",
        &items_csv(&[
            ("T-1", "Taladro Pro", "Tools", "Bosch"),
            ("T-2", "Sierra Pro", "Tools", "Truper"),
            ("P-1", "Pintura Pro", "Paint", "Comex"),
            ("P-2", "Brocha Pro", "Paint", "Truper"),
            ("F-1", "Café Pro", "Food", "Nescafe"),
        ]),
    )
    .await;
    ctx.price_list("L1", "MXN").await;
    ctx.price_list("L2", "USD").await;
    let mut prices = String::from("price_list_id,sku,unit_price,tiers\n");
    for sku in ["T-1", "T-2", "P-1", "P-2", "F-1"] {
        prices.push_str(&format!("L1,{sku},100.00,\nL2,{sku},7.25,10:6.50\n"));
    }
    ctx.import_ok("prices", "csv", &prices).await;
    ctx.import_ok(
        "stock",
        "csv",
        "warehouse_id,sku,on_hand\nW1,T-1,7\nW2,T-1,3\nW1,P-1,0\n",
    )
    .await;
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn facet_values(ctx: &Ctx, token: Option<&str>) -> (Vec<(String, i64)>, Vec<(String, i64)>) {
    let res = ctx.call("GET", "/v1/catalog/facets", token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let pick = |key: &str| {
        res.json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["value"].as_str().unwrap().to_string(),
                    f["count"].as_i64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    (pick("types"), pick("brands"))
}

#[tokio::test]
async fn a_limited_customer_never_sees_another_item_by_any_route() {
    let ctx = Ctx::new().await;
    seed(&ctx).await;
    let tools = ctx
        .customer(
            "TOOLS",
            Some("L1"),
            &["W1"],
            json!({"mode": "types", "types": ["tools"]}),
        )
        .await;
    let listed = ctx
        .customer(
            "LISTED",
            Some("L1"),
            &["W1"],
            json!({"mode": "items", "skus": ["p-2", "F-1"]}),
        )
        .await;

    for (token, allowed) in [(&tools, vec!["T-1", "T-2"]), (&listed, vec!["F-1", "P-2"])] {
        let allowed: Vec<String> = allowed.into_iter().map(String::from).collect();
        let t = Some(token.as_str());
        // Listing (small pages, so cursors are exercised), search, filters.
        assert_eq!(sorted(ctx.all_skus("limit=1", t).await), allowed);
        assert_eq!(sorted(ctx.all_skus("q=pro", t).await), allowed);
        assert_eq!(sorted(ctx.all_skus("q=pro&limit=1", t).await), allowed);
        for brand in ["truper", "bosch", "comex", "nescafe"] {
            for sku in ctx.all_skus(&format!("brand={brand}"), t).await {
                assert!(allowed.contains(&sku), "{sku} via brand {brand}");
            }
        }
        for item_type in ["tools", "paint", "food"] {
            for sku in ctx.all_skus(&format!("type={item_type}"), t).await {
                assert!(allowed.contains(&sku), "{sku} via type {item_type}");
            }
        }
        // Detail: the others do not exist for this customer.
        for sku in ["T-1", "T-2", "P-1", "P-2", "F-1"] {
            let res = ctx
                .call("GET", &format!("/v1/catalog/items/{sku}"), t, None)
                .await;
            let expected = if allowed.contains(&sku.to_string()) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(res.status, expected, "{sku}: {}", res.json);
        }
    }
    // Facets count only what each sees.
    let (types, brands) = facet_values(&ctx, Some(&tools)).await;
    assert_eq!(types, vec![("tools".into(), 2)]);
    assert_eq!(brands, vec![("bosch".into(), 1), ("truper".into(), 1)]);
    let (types, brands) = facet_values(&ctx, Some(&listed)).await;
    assert_eq!(types, vec![("food".into(), 1), ("paint".into(), 1)]);
    assert_eq!(brands, vec![("nescafe".into(), 1), ("truper".into(), 1)]);
    // A visitor sees every active item's facets.
    let (types, _) = facet_values(&ctx, None).await;
    assert_eq!(
        types,
        vec![("food".into(), 1), ("paint".into(), 2), ("tools".into(), 2)]
    );
}

#[tokio::test]
async fn each_customer_sees_only_its_own_price() {
    let ctx = Ctx::new().await;
    seed(&ctx).await;
    let mxn = ctx
        .customer("MXN", Some("L1"), &["W1"], json!({"mode": "all"}))
        .await;
    let usd = ctx
        .customer("USD", Some("L2"), &["W1"], json!({"mode": "all"}))
        .await;
    for (token, price, currency) in [(&mxn, "100.00", "MXN"), (&usd, "7.25", "USD")] {
        let res = ctx
            .call("GET", "/v1/catalog/items?q=taladro", Some(token), None)
            .await;
        let item = &res.json["items"][0];
        assert_eq!(item["sku"], "T-1");
        assert_eq!(item["price"]["unit_price"], price, "{item}");
        assert_eq!(item["price"]["currency"], currency);
        let res = ctx
            .call("GET", "/v1/catalog/items/T-1", Some(token), None)
            .await;
        assert_eq!(res.json["price"]["unit_price"], price, "{}", res.json);
        // The other list's price appears nowhere in the answer.
        let other = if price == "100.00" { "7.25" } else { "100.00" };
        assert!(!res.json.to_string().contains(other), "{}", res.json);
    }
    let res = ctx
        .call("GET", "/v1/catalog/items/T-1", Some(&usd), None)
        .await;
    assert_eq!(res.json["price"]["tiers"][0]["min_quantity"], 10);
    assert_eq!(res.json["price"]["tiers"][0]["unit_price"], "6.50");
}

#[tokio::test]
async fn visitors_in_b2b_mode_see_items_without_price_or_availability() {
    let ctx = Ctx::new().await;
    seed(&ctx).await;
    ctx.settings(|s| s.b2b_mode = true).await;
    let res = ctx.call("GET", "/v1/catalog/items", None, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let items = res.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for item in items {
        assert!(item.get("price").is_none(), "{item}");
        assert!(item.get("availability").is_none(), "{item}");
    }
    let res = ctx.call("GET", "/v1/catalog/items/T-1", None, None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.json.get("price").is_none() && res.json.get("availability").is_none());
    // Staff not acting as a customer: no customer, so no price either.
    let res = ctx
        .call("GET", "/v1/catalog/items/T-1", Some(&ctx.admin), None)
        .await;
    assert!(res.json.get("price").is_none(), "{}", res.json);

    // With B2B mode off the catalog is for logged-in customers only.
    ctx.settings(|s| s.b2b_mode = false).await;
    for path in [
        "/v1/catalog/items",
        "/v1/catalog/items/T-1",
        "/v1/catalog/facets",
    ] {
        let res = ctx.call("GET", path, None, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn availability_is_per_assigned_warehouse_as_quantity_or_yes_no() {
    let ctx = Ctx::new().await;
    seed(&ctx).await;
    let both = ctx
        .customer("BOTH", Some("L1"), &["W1", "W2"], json!({"mode": "all"}))
        .await;
    let only_w2 = ctx
        .customer("W2ONLY", Some("L1"), &["W2"], json!({"mode": "all"}))
        .await;

    let res = ctx
        .call("GET", "/v1/catalog/items/T-1", Some(&both), None)
        .await;
    let a = &res.json["availability"];
    assert_eq!(a["quantity"], 10, "{a}");
    assert_eq!(a["in_stock"], true);
    assert_eq!(a["warehouses"][0]["warehouse_id"], "W1");
    assert_eq!(a["warehouses"][0]["quantity"], 7);
    assert_eq!(a["warehouses"][0]["is_default"], true);
    assert_eq!(a["warehouses"][1]["quantity"], 3);
    // Only its own warehouses.
    let res = ctx
        .call("GET", "/v1/catalog/items/T-1", Some(&only_w2), None)
        .await;
    assert_eq!(res.json["availability"]["quantity"], 3);
    assert_eq!(
        res.json["availability"]["warehouses"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let res = ctx
        .call("GET", "/v1/catalog/items/P-1", Some(&both), None)
        .await;
    assert_eq!(res.json["availability"]["in_stock"], false);
    assert_eq!(res.json["availability"]["quantity"], 0);

    ctx.settings(|s| s.stock_display = StockDisplay::YesNo)
        .await;
    for path in ["/v1/catalog/items/T-1", "/v1/catalog/items?q=taladro"] {
        let res = ctx.call("GET", path, Some(&both), None).await;
        let a = if res.json.get("items").is_some() {
            res.json["items"][0]["availability"].clone()
        } else {
            res.json["availability"].clone()
        };
        assert_eq!(a["in_stock"], true, "{a}");
        assert!(a.get("quantity").is_none(), "{a}");
        for w in a["warehouses"].as_array().unwrap() {
            assert!(
                w.get("quantity").is_none() && w.get("in_stock").is_some(),
                "{w}"
            );
        }
    }
}

#[tokio::test]
async fn deactivated_and_renamed_items_follow_everywhere() {
    let ctx = Ctx::new().await;
    seed(&ctx).await;
    let token = ctx
        .customer("C", Some("L1"), &["W1"], json!({"mode": "all"}))
        .await;
    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/items/T-2",
            Some(&ctx.admin),
            Some(json!({"name": "Serrucho Max"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(ctx.all_skus("q=sierra", Some(&token)).await.is_empty());
    assert_eq!(ctx.all_skus("q=serru", Some(&token)).await, vec!["T-2"]);
    assert!(!ctx
        .all_skus("q=pro", Some(&token))
        .await
        .contains(&"T-2".to_string()));

    let res = ctx
        .call(
            "PATCH",
            "/v1/admin/items/T-1",
            Some(&ctx.admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(!ctx
        .all_skus("", Some(&token))
        .await
        .contains(&"T-1".to_string()));
    assert!(ctx.all_skus("q=taladro", Some(&token)).await.is_empty());
    assert!(ctx.all_skus("type=tools", Some(&token)).await == vec!["T-2"]);
    let res = ctx
        .call("GET", "/v1/catalog/items/T-1", Some(&token), None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (types, brands) = facet_values(&ctx, Some(&token)).await;
    assert!(types.contains(&("tools".into(), 1)), "{types:?}");
    assert!(!brands.iter().any(|(b, _)| b == "bosch"), "{brands:?}");
    // Staff still find it among the inactive items, and can bring it back.
    let res = ctx
        .call(
            "GET",
            "/v1/admin/items?active=false",
            Some(&ctx.agent),
            None,
        )
        .await;
    assert_eq!(res.json["items"][0]["sku"], "T-1", "{}", res.json);
    ctx.call(
        "PATCH",
        "/v1/admin/items/T-1",
        Some(&ctx.admin),
        Some(json!({"active": true})),
    )
    .await;
    assert_eq!(ctx.all_skus("q=taladro", Some(&token)).await, vec!["T-1"]);
}
