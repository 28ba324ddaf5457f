//! The orders function's OpenAPI description: every route is described, and every schema it
//! references is defined (no name clash with the pricing function's `Quote`).

use std::collections::BTreeSet;

fn refs(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(r) = v.as_str() {
                        out.insert(r.trim_start_matches("#/components/schemas/").to_string());
                    }
                }
                refs(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_route_is_described_and_every_reference_resolves() {
    let doc = serde_json::to_value(orders::api().1).unwrap();
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let expected = [
        "GET /v1/cart",
        "PUT /v1/cart",
        "POST /v1/orders",
        "GET /v1/orders",
        "GET /v1/orders/{id}",
        "POST /v1/orders/{id}/cancel",
        "POST /v1/quotes",
        "GET /v1/quotes",
        "GET /v1/quotes/{id}",
        "POST /v1/quotes/{id}/accept",
        "GET /v1/admin/orders",
        "GET /v1/admin/orders/{id}",
        "POST /v1/admin/orders/{id}/claim",
        "POST /v1/admin/orders/{id}/fulfil",
        "POST /v1/admin/orders/{id}/cancel",
        "POST /v1/admin/customers/{id}/orders",
        "GET /v1/admin/quotes",
        "GET /v1/admin/quotes/{id}",
        "POST /v1/admin/quotes/{id}/answer",
        "GET /v1/admin/reports/sales",
        "GET /v1/admin/reports/sales/export",
        "GET /v1/admin/reports/customers/{id}",
        "GET /v1/admin/reports/customers/{id}/export",
        // F39 approval requests.
        "GET /v1/approvals",
        "GET /v1/approvals/{id}",
        "POST /v1/approvals/{id}/approve",
        "POST /v1/approvals/{id}/reject",
        "POST /v1/approvals/{id}/withdraw",
        "GET /v1/admin/customers/{id}/approvals",
        // Buying tools (F36-F38).
        "POST /v1/quick-order/check",
        "POST /v1/cart/lines",
        "POST /v1/orders/{id}/reorder",
        "GET /v1/purchased",
        "GET /v1/lists",
        "POST /v1/lists",
        "GET /v1/lists/{id}",
        "PATCH /v1/lists/{id}",
        "DELETE /v1/lists/{id}",
        "POST /v1/lists/{id}/cart",
    ];
    let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
    assert_eq!(routes, expected);

    let schemas: BTreeSet<String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut used = BTreeSet::new();
    refs(&doc, &mut used);
    let missing: Vec<_> = used.difference(&schemas).collect();
    assert!(missing.is_empty(), "undefined schemas: {missing:?}");
    for name in [
        "Order",
        "CustomerQuote",
        "Quote",
        "CartView",
        "StockShortProblem",
    ] {
        assert!(schemas.contains(name), "{name} in {schemas:?}");
    }
    // The customer quote and the pricing quote are different schemas.
    assert!(
        doc["components"]["schemas"]["CustomerQuote"]["properties"]["requested_by"].is_object()
    );
    assert!(doc["components"]["schemas"]["Quote"]["properties"]["all_purchasable"].is_object());
}
