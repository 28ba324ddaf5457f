//! The pricing function through its HTTP API on DynamoDB Local: price lists and bulk prices,
//! per-customer prices, who may write them, and quotes.

mod price_lists;
mod quote;
mod support;

/// Every route is in the OpenAPI document (the router and the document come from one list).
#[test]
fn openapi_describes_every_route() {
    let doc = pricing::api().1;
    let json = serde_json::to_value(&doc).unwrap();
    for (path, methods) in [
        ("/v1/admin/price-lists", &["get", "post"][..]),
        ("/v1/admin/price-lists/{id}", &["get", "patch"][..]),
        ("/v1/admin/price-lists/{id}/prices", &["get", "put"][..]),
        ("/v1/admin/customers/{id}/prices", &["get", "put"][..]),
        ("/v1/pricing/quote", &["post"][..]),
    ] {
        for method in methods {
            assert!(
                json["paths"][path][method].is_object(),
                "{method} {path} missing from the OpenAPI document"
            );
        }
    }
    for schema in [
        "Quote",
        "QuotedLine",
        "PriceList",
        "PricesUpsert",
        "QuoteRequest",
    ] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
}
