//! Speed at scale, proved by counting: a catalog page of the largest size, with prices and
//! availability, costs at most 3 DynamoDB requests, and no read ever scans.

mod common;

use axum::http::StatusCode;
use common::Ctx;
use serde_json::json;

const MAX_REQUESTS_PER_PAGE: usize = 3;

/// The budget is what a warm container pays. The first request of a contact in a process also
/// checks its access (one BatchGetItem, then cached per container for up to 30 s: see
/// `shared::auth::revocation`), so each session makes one request before being measured.
async fn warm_up(ctx: &Ctx, token: &str) {
    let res = ctx
        .call("GET", "/v1/catalog/facets", Some(token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "warm-up: {}", res.json);
}

/// 60 items over two types and brands, priced in L1, stocked in two warehouses.
async fn seed(ctx: &Ctx) {
    ctx.price_list("L1", "MXN").await;
    ctx.warehouse("W1").await;
    ctx.warehouse("W2").await;
    let mut items = String::from("sku,name,item_type,brand,unit,tax_rate\n");
    let mut prices = String::from("price_list_id,sku,unit_price,tiers\n");
    let mut stock = String::from("warehouse_id,sku,on_hand\n");
    for i in 0..60 {
        let (kind, brand) = if i % 2 == 0 {
            ("Tools", "Bosch")
        } else {
            ("Paint", "Comex")
        };
        items.push_str(&format!(
            "SKU-{i:03},Taladro modelo {i},{kind},{brand},piece,0.16\n"
        ));
        prices.push_str(&format!("L1,SKU-{i:03},{}.50,10:{}.00\n", 100 + i, 90 + i));
        stock.push_str(&format!("W1,SKU-{i:03},{i}\nW2,SKU-{i:03},5\n"));
    }
    ctx.import_ok("items", "csv", &items).await;
    ctx.import_ok("prices", "csv", &prices).await;
    ctx.import_ok("stock", "csv", &stock).await;
}

#[tokio::test]
async fn a_full_page_with_prices_and_availability_costs_at_most_three_requests() {
    let (ctx, counter) = Ctx::counted().await;
    seed(&ctx).await;
    let all = ctx
        .customer("C1", Some("L1"), &["W1", "W2"], json!({"mode": "all"}))
        .await;
    let types = ctx
        .customer(
            "C2",
            Some("L1"),
            &["W1", "W2"],
            json!({"mode": "types", "types": ["Tools", "Paint"]}),
        )
        .await;
    let skus: Vec<String> = (0..60).map(|i| format!("SKU-{i:03}")).collect();
    let listed = ctx
        .customer(
            "C3",
            Some("L1"),
            &["W1", "W2"],
            json!({"mode": "items", "skus": skus}),
        )
        .await;

    for (who, token) in [("all", &all), ("types", &types), ("items", &listed)] {
        let mut cursor: Option<String> = None;
        for page in 0..2 {
            let mut path = "/v1/catalog/items?limit=24".to_string();
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            warm_up(&ctx, token).await;
            counter.reset();
            let res = ctx.call("GET", &path, Some(token), None).await;
            let sent = counter.operations();
            assert_eq!(res.status, StatusCode::OK, "{}", res.json);
            let items = res.json["items"].as_array().unwrap();
            assert_eq!(items.len(), 24, "{who} page {page}");
            for item in items {
                assert!(item["price"]["unit_price"].is_string(), "{who}: {item}");
                assert_eq!(item["price"]["currency"], "MXN");
                assert_eq!(
                    item["availability"]["warehouses"].as_array().unwrap().len(),
                    2
                );
            }
            assert!(
                sent.len() <= MAX_REQUESTS_PER_PAGE,
                "{who} page {page} sent {} requests: {sent:?}",
                sent.len()
            );
            assert!(!sent.iter().any(|op| op == "Scan"), "{sent:?}");
            cursor = res.json["next_cursor"].as_str().map(str::to_string);
            assert!(cursor.is_some());
        }
    }

    // Filters and search stay within the budget too.
    for path in [
        "/v1/catalog/items?limit=24&type=tools",
        "/v1/catalog/items?limit=24&brand=comex",
        "/v1/catalog/items?limit=24&q=taladro",
        "/v1/catalog/items?limit=24&q=modelo%2012",
        "/v1/catalog/items/SKU-007",
    ] {
        warm_up(&ctx, &all).await;
        counter.reset();
        let res = ctx.call("GET", path, Some(&all), None).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
        let sent = counter.operations();
        assert!(sent.len() <= MAX_REQUESTS_PER_PAGE, "{path}: {sent:?}");
    }
}

#[tokio::test]
async fn search_and_facets_never_scan() {
    let (ctx, counter) = Ctx::counted().await;
    seed(&ctx).await;
    let token = ctx
        .customer("C1", Some("L1"), &["W1"], json!({"mode": "all"}))
        .await;
    let limited = ctx
        .customer(
            "C2",
            Some("L1"),
            &["W1"],
            json!({"mode": "types", "types": ["Paint"]}),
        )
        .await;
    for (token, path) in [
        (Some(token.as_str()), "/v1/catalog/items?q=tala"),
        (Some(token.as_str()), "/v1/catalog/items?q=sku-01"),
        (
            Some(limited.as_str()),
            "/v1/catalog/items?q=modelo&brand=comex",
        ),
        (None, "/v1/catalog/items?q=TALADRO%20modelo"),
        (Some(token.as_str()), "/v1/catalog/facets"),
        (Some(limited.as_str()), "/v1/catalog/facets"),
        (None, "/v1/catalog/facets"),
    ] {
        if let Some(token) = token {
            warm_up(&ctx, token).await;
        }
        counter.reset();
        let res = ctx.call("GET", path, token, None).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
        let sent = counter.operations();
        assert!(!sent.is_empty(), "the counter sees the requests");
        assert_eq!(counter.count("Scan"), 0, "{path}: {sent:?}");
        assert!(sent.len() <= MAX_REQUESTS_PER_PAGE, "{path}: {sent:?}");
    }
    // Search really finds by word prefix and by SKU.
    let res = ctx
        .call("GET", "/v1/catalog/items?q=sku-01", Some(&token), None)
        .await;
    let skus: Vec<&str> = res.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus.len(), 10, "SKU-010..SKU-019: {skus:?}");
    assert!(skus.iter().all(|s| s.starts_with("SKU-01")));
}
