//! The OpenAPI 3.1 document of the whole API, merged from every function's route description
//! (each built by utoipa-axum from the same route list as the router itself, `shared::routes`).
//!
//! The api-docs function serves it from a committed file (`functions/api-docs/openapi.json`,
//! written by `make ui-types`), so that function links none of the others' code and builds
//! nothing at its cold start; `tests/tests/openapi.rs` fails when the file is stale.

/// Every HTTP function's OpenAPI description, keyed by function name (as in template.yaml).
pub fn function_docs() -> Vec<(&'static str, utoipa::openapi::OpenApi)> {
    vec![
        ("accounts", accounts::api().1),
        ("catalog", catalog::api().1),
        ("pricing", pricing::api().1),
        ("orders", orders::api().1),
        ("erp-sync", erp_sync::api().1),
        ("api-docs", own_doc()),
    ]
}

fn own_doc() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
    use utoipa::openapi::{OpenApiBuilder, PathsBuilder, ResponseBuilder};
    let op = OperationBuilder::new()
        .summary(Some("The OpenAPI 3.1 document of the whole API"))
        .tag("docs")
        .response(
            "200",
            ResponseBuilder::new().description("OpenAPI document"),
        )
        .build();
    OpenApiBuilder::new()
        .paths(PathsBuilder::new().path("/v1/openapi.json", PathItem::new(HttpMethod::Get, op)))
        .build()
}

/// The merged document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder};
    let mut doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("B2B ordering portal API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Customers order at their own prices, from their warehouses, within their credit. Errors are application/problem+json (RFC 9457).")),
        )
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
                )
                .build(),
        ))
        .build();
    for (_, part) in function_docs() {
        doc.merge(part);
    }
    // The answers every route of a shape gives (401/403, 400/413/415/422...), all problem+json.
    shared::openapi::complete(doc)
}

/// The document as `make ui-types` commits it (`functions/api-docs/openapi.json`).
pub fn pretty_json() -> String {
    openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}
