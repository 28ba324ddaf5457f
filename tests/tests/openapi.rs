//! The served OpenAPI document lists every route of every function, and every route it lists is
//! really served by that function's router (the two are built from one route list; this proves
//! it end to end, through `GET /v1/openapi.json` and each router).

use std::collections::BTreeSet;

use shared::testing::{call, call_raw, TestEnv};
use shared::AppState;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The router of an HTTP function, by its name in `openapi_doc::function_docs()`.
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

/// The api-docs function serves the committed `functions/api-docs/openapi.json`: it must be the
/// document the route lists describe now.
#[test]
fn the_committed_document_is_the_generated_one() {
    let committed: serde_json::Value =
        serde_json::from_str(api_docs::DOCUMENT).expect("functions/api-docs/openapi.json is JSON");
    let generated = serde_json::to_value(openapi_doc::openapi()).expect("the document serializes");
    assert!(
        committed == generated,
        "functions/api-docs/openapi.json is stale: the routes changed. Run 'make ui-types' and commit it."
    );
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
    for (function, doc) in openapi_doc::function_docs() {
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
    for (function, doc) in openapi_doc::function_docs() {
        let router = router_of(function, env.app());
        let doc = serde_json::to_value(doc).expect("doc serialises");
        for (method, path) in operations(&doc) {
            let uri = fill_params(&path);
            let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| b"{}".to_vec());
            let res = call_raw(&router, &method, &uri, None, body, &[]).await;
            // The routers' fallbacks when no route matches: 405 for a known path with another
            // method, 404 `no-such-route` for an unknown path (a handler's 404 is `not-found`).
            if res.status == 405 || res.json["code"] == "no-such-route" {
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

/// An unknown path (404) and a known path with another method (405) answer problem+json in every
/// function's router and in the dev server's merged one, like every other error.
#[tokio::test]
async fn an_unknown_route_or_method_is_a_problem_in_every_router() {
    let env = TestEnv::new().await;
    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let sync = dev_server::erp_sync_state(&env.app, &sqs, &env.queues, Default::default());
    let mut routers: Vec<(String, axum::Router)> = dev_server::function_routers(&env.app, &sync)
        .into_iter()
        .map(|(name, router)| (name.to_string(), router))
        .collect();
    routers.push(("merged".into(), dev_server::merged_router(&env.app, &sync)));
    for (name, router) in &routers {
        let res = call(router, "GET", "/v1/no-such-route", None, None).await;
        assert_problem(&res, 404, "no-such-route", name);
    }
    // A documented path of each function, with a method it does not serve.
    for (function, doc) in openapi_doc::function_docs() {
        let doc = serde_json::to_value(doc).expect("doc serialises");
        let (path, item) = doc["paths"]
            .as_object()
            .and_then(|p| p.iter().next())
            .expect("a documented path");
        let method = ["trace", "delete", "patch", "put"]
            .into_iter()
            .find(|m| item.get(m).is_none())
            .expect("an unserved method")
            .to_uppercase();
        let uri = fill_params(path);
        for (name, router) in routers
            .iter()
            .filter(|(n, _)| n == function || n == "merged")
        {
            let res = call(router, &method, &uri, None, None).await;
            assert_problem(
                &res,
                405,
                "method-not-allowed",
                &format!("{name}: {method} {uri}"),
            );
        }
    }
}

fn assert_problem(res: &shared::testing::TestResponse, status: u16, code: &str, what: &str) {
    assert_eq!(res.status, status, "{what}");
    assert!(
        res.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/problem+json")),
        "{what}: content type {:?}",
        res.content_type
    );
    assert_eq!(res.json["code"], code, "{what}: {}", res.json);
    assert_eq!(res.json["status"], status, "{what}: {}", res.json);
}

#[test]
fn path_parameters_are_filled() {
    assert_eq!(
        fill_params("/v1/admin/customers/{id}/contacts/{email}/access"),
        "/v1/admin/customers/dummy-id/contacts/dummy-email/access"
    );
}
