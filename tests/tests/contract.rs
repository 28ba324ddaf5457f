//! The served OpenAPI document tells the truth about errors: every error answer is declared as
//! `application/problem+json`, the 401/403/400/422 answers the extractors give are listed on
//! every route that gives them (found by calling every documented route, not by reading the
//! annotations), no two different schemas share a name, and every query string is read by the
//! problem+json query extractor. (`make fuzz` checks the rest with schemathesis.)

use std::collections::BTreeMap;

use e2e::{operations, problem_fields, World, ERP_KEY};
use serde_json::Value;
use shared::auth::StaffRole;

const PROBLEM: &str = "application/problem+json";

fn served() -> Value {
    serde_json::to_value(openapi_doc::openapi()).expect("document serialises")
}

/// The served operations: (method, path template, operation).
fn served_operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in e2e::METHODS {
            if let Some(op) = item.get(method) {
                ops.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

/// `/v1/orders/{id}` -> `/v1/orders/dummy-id`.
fn fill(path: &str) -> String {
    path.split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!("dummy-{name}"),
                None => s.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// One wrong call: what it is, the token, the body, extra headers and the target (with query).
type Case<'a> = (
    String,
    Option<&'a str>,
    Option<Vec<u8>>,
    &'a [(&'a str, &'a str)],
    String,
);

fn uses_scheme(op: &Value, scheme: &str) -> bool {
    op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r.get(scheme).is_some())
}

#[test]
fn every_error_answer_is_declared_as_problem_json() {
    let doc = served();
    let mut wrong = Vec::new();
    for (method, path, op) in served_operations(&doc) {
        for (status, response) in op["responses"].as_object().into_iter().flatten() {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let types: Vec<&String> = response["content"]
                .as_object()
                .map(|c| c.keys().collect())
                .unwrap_or_default();
            if types != [PROBLEM] {
                wrong.push(format!("{method} {path} {status}: {types:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "error answers not declared as {PROBLEM} only:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_different_schemas_share_a_name() {
    // Each function's document is built on its own; merging keeps one schema per name, so two
    // types with one name would silently describe one route with the other's schema.
    let mut seen: BTreeMap<String, (&'static str, Value)> = BTreeMap::new();
    let mut clashes = Vec::new();
    for (function, doc) in openapi_doc::function_docs() {
        let doc = serde_json::to_value(doc).expect("doc serialises");
        for (name, schema) in doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
        {
            match seen.get(name) {
                Some((other, known)) if known != schema => clashes.push(format!(
                    "`{name}`: {other} and {function} describe different schemas"
                )),
                Some(_) => {}
                None => {
                    seen.insert(name.clone(), (function, schema.clone()));
                }
            }
        }
    }
    assert!(
        clashes.is_empty(),
        "give one of each a distinct name (#[schema(as = ...)]):\n{}",
        clashes.join("\n")
    );
    // And the statement is described with its own schema, not /v1/me's.
    let doc = served();
    let statement = &doc["components"]["schemas"]["Statement"];
    assert_eq!(
        statement["properties"]["credit"]["$ref"], "#/components/schemas/StatementCredit",
        "{statement}"
    );
}

#[test]
fn every_schema_reference_resolves() {
    let doc = served();
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut missing: Vec<&str> = text
        .split("\"#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !schemas.contains_key(*name))
        .collect();
    missing.dedup();
    assert!(missing.is_empty(), "unresolved $refs: {missing:?}");
}

/// Calls every documented route the ways a client gets it wrong (no session, another role's
/// session, a malformed body, a bad `limit`) and checks each answer is problem+json with a status
/// the document lists for that route.
#[tokio::test]
async fn every_answer_to_a_wrong_call_is_documented_problem_json() {
    let world = World::new().await;
    let customer = world.customer("Contract Co", None).await;
    let buyer = world
        .contact(&customer, "buyer@contract.example", "Bo Buyer")
        .await;
    let (_, agent) = world
        .staff("agent@seller.example", "Al Agent", StaffRole::Agent)
        .await;
    let doc = served();
    let mut wrong = Vec::new();
    let mut calls = 0;
    for (method, path, op) in served_operations(&doc) {
        let uri = fill(&path);
        let has_body = op.get("requestBody").is_some();
        let json_body = op["requestBody"]["content"]
            .get("application/json")
            .is_some();
        let erp = uses_scheme(&op, "erp_api_key");
        let key: &[(&str, &str)] = if erp { &[("x-api-key", ERP_KEY)] } else { &[] };
        let mut cases: Vec<Case> = vec![
            ("no session".into(), None, None, &[], uri.clone()),
            ("buyer".into(), Some(&buyer), None, &[], uri.clone()),
            ("agent".into(), Some(&agent), None, &[], uri.clone()),
        ];
        if json_body {
            cases.push((
                "malformed body".into(),
                Some(&world.admin_token),
                Some(b"{\"a\": ".to_vec()),
                key,
                uri.clone(),
            ));
        }
        let query_params: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str())
            .collect();
        if query_params.contains(&"limit") {
            cases.push((
                "limit=abc".into(),
                Some(&world.admin_token),
                None,
                key,
                format!("{uri}?limit=abc"),
            ));
        }
        for (what, token, body, headers, target) in cases {
            // Reads only: a body is sent only malformed, so nothing is written.
            let body = body.or_else(|| has_body.then(Vec::new));
            let res = world.call_raw(&method, &target, token, body, headers).await;
            calls += 1;
            let status = res.status.as_u16().to_string();
            let shown = String::from_utf8_lossy(&res.bytes[..res.bytes.len().min(200)]).to_string();
            if op["responses"].get(&status).is_none() {
                wrong.push(format!(
                    "{method} {path} ({what}): {status} is not documented: {shown}"
                ));
            }
            let problem = res
                .content_type
                .as_deref()
                .is_some_and(|c| c.starts_with(PROBLEM));
            if res.status.as_u16() >= 400 && !problem {
                wrong.push(format!(
                    "{method} {path} ({what}): {status} as {:?}, not {PROBLEM}: {shown}",
                    res.content_type
                ));
            }
            if what == "malformed body" && res.status != 400 {
                wrong.push(format!("{method} {path} ({what}): {status}: {shown}"));
            }
            if what == "limit=abc" {
                let fields = problem_fields(
                    &res,
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("{method} {target}"),
                );
                if fields != ["limit"] {
                    wrong.push(format!("{method} {path} ({what}): names {fields:?}"));
                }
            }
        }
    }
    assert!(calls > 100, "only {calls} calls");
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The price-list listing read `?limit=` with axum's bare `Query` (a text/plain 400).
#[tokio::test]
async fn a_bad_query_parameter_is_a_problem_naming_it() {
    let world = World::new().await;
    for target in [
        "/v1/admin/price-lists?limit=abc",
        "/v1/admin/price-lists/PL1/prices?limit=1.5",
        "/v1/admin/orders?limit=-",
        "/v1/catalog/items?limit=abc",
    ] {
        let res = world
            .call("GET", target, Some(&world.admin_token), None)
            .await;
        let fields = problem_fields(&res, axum::http::StatusCode::UNPROCESSABLE_ENTITY, target);
        assert_eq!(fields, ["limit"], "{target}");
    }
}

/// Every operation the function documents is in the operations list the harness routes by (a
/// sanity check of the test above: it calls the served document's routes through it).
#[test]
fn the_served_document_has_the_functions_operations() {
    let (ops, _) = operations();
    let doc = served();
    assert_eq!(ops.len(), served_operations(&doc).len());
}
