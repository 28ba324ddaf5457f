//! The served OpenAPI document lists every route of every function, and every route it lists is
//! really served by that function's router (the two are built from one route list; this proves
//! it end to end, through `GET /v1/openapi.json` and each router).

use std::collections::BTreeSet;

use shared::testing::{call, call_raw, TestEnv};
use shared::AppState;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The router of an HTTP function, by its name in `api_docs::function_docs()`.
fn router_of(function: &str, app: AppState) -> axum::Router {
    match function {
        "accounts" => accounts::router(app),
        "catalog" => catalog::router(app),
        "pricing" => pricing::router(app),
        "orders" => orders::router(app),
        "erp-sync" => erp_sync::router(app),
        "api-docs" => api_docs::router(app),
        other => panic!("add the router of function `{other}` to tests/tests/openapi.rs"),
    }
}

fn operations(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// `/v1/admin/customers/{id}/contacts/{email}` -> `/v1/admin/customers/dummy-id/contacts/dummy-email`.
fn fill_params(path: &str) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!("dummy-{name}"),
                None => segment.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn served_document_is_openapi_3_1_with_every_route_of_every_function() {
    let env = TestEnv::new().await;
    let res = call(
        &api_docs::router(env.app()),
        "GET",
        "/v1/openapi.json",
        None,
        None,
    )
    .await;
    assert_eq!(res.status, 200);
    assert!(
        res.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "content type {:?}",
        res.content_type
    );
    let version = res.json["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "openapi version {version}");
    assert!(res.json["info"]["title"].is_string());

    let served = operations(&res.json);
    let mut missing = Vec::new();
    let mut total = 0;
    for (function, doc) in api_docs::function_docs() {
        let doc = serde_json::to_value(doc).expect("doc serialises");
        for op in operations(&doc) {
            total += 1;
            if !served.contains(&op) {
                missing.push(format!("{function}: {} {}", op.0, op.1));
            }
        }
    }
    assert!(total > 1, "the functions describe their routes");
    assert!(
        missing.is_empty(),
        "missing from /v1/openapi.json:\n{}",
        missing.join("\n")
    );
    // /v1/health is the one route every deployment has.
    assert!(served.contains(&("GET".into(), "/v1/health".into())));
}

#[tokio::test]
async fn every_documented_route_is_served_by_its_function() {
    let env = TestEnv::new().await;
    let mut unmatched = Vec::new();
    for (function, doc) in api_docs::function_docs() {
        let router = router_of(function, env.app());
        let doc = serde_json::to_value(doc).expect("doc serialises");
        for (method, path) in operations(&doc) {
            let uri = fill_params(&path);
            let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| b"{}".to_vec());
            let res = call_raw(&router, &method, &uri, None, body, &[]).await;
            // axum's own answers when no route matches: 405 for a known path with another method,
            // and a bare 404 (no body, no problem+json) for an unknown path. Our handlers answer
            // 404 as application/problem+json.
            let problem = res
                .content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("application/problem+json"));
            if res.status == 405 || (res.status == 404 && !problem) {
                unmatched.push(format!("{function}: {method} {uri} -> {}", res.status));
            }
        }
    }
    assert!(
        unmatched.is_empty(),
        "documented but not served by the function's router:\n{}",
        unmatched.join("\n")
    );
}

#[tokio::test]
async fn an_unknown_route_is_detected_as_unmatched() {
    // The check above relies on axum's unmatched answers looking like this.
    let env = TestEnv::new().await;
    let router = accounts::router(env.app());
    let res = call(&router, "GET", "/v1/no-such-route", None, None).await;
    assert_eq!(res.status, 404);
    assert!(!res
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/problem+json")));
    let res = call(&router, "DELETE", "/v1/health", None, None).await;
    assert_eq!(res.status, 405);
}

#[test]
fn path_parameters_are_filled() {
    assert_eq!(
        fill_params("/v1/admin/customers/{id}/contacts/{email}/access"),
        "/v1/admin/customers/dummy-id/contacts/dummy-email/access"
    );
}
