//! Bad input on every write route of every function, found in the OpenAPI documents (so a new
//! route is covered without touching this file): malformed JSON, a missing required field, a
//! wrong-typed field, an invalid email, a foreign content type and an oversized body each get a
//! 4xx `application/problem+json` naming the field, and the table is left exactly as it was.
//! Routes whose body is not JSON (the catalog import) have their own explicit checks below.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use e2e::{operations, problem, problem_fields, snapshot_diff, Operation, World, ERP_KEY};
use serde_json::{json, Value};
use shared::auth::StaffRole;

// Schema helpers ---------------------------------------------------------------------------------

/// Follows `$ref`s into `components.schemas`.
fn resolve<'a>(schema: &'a Value, schemas: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..8 {
        match s["$ref"].as_str() {
            Some(r) => s = &schemas[r.trim_start_matches("#/components/schemas/")],
            None => break,
        }
    }
    s
}

/// A property's schema with `null` alternatives dropped (`Option<T>` is `oneOf [null, T]` or
/// `type: [T, "null"]`), `$ref`s resolved. `None` when it is not one definite schema.
fn definite<'a>(schema: &'a Value, schemas: &'a Value) -> Option<&'a Value> {
    let s = resolve(schema, schemas);
    if let Some(alts) = s["oneOf"].as_array() {
        let non_null: Vec<&Value> = alts.iter().filter(|a| a["type"] != "null").collect();
        return match non_null.as_slice() {
            [one] => definite(one, schemas),
            // A choice (e.g. `"all"` or `{"tags": [...]}`): no single type, but still a schema.
            _ => Some(s),
        };
    }
    Some(s)
}

/// The JSON type a schema asks for (`type: ["string", "null"]` -> `string`).
fn json_type(s: &Value) -> Option<&str> {
    match &s["type"] {
        Value::String(t) => Some(t.as_str()),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ if s["oneOf"].is_array() => Some("choice"),
        _ => None,
    }
}

/// A value no deserializer of that schema accepts: for strings a boolean (a number would be
/// accepted by decimal fields, which also read numbers), for numbers a word, and so on.
fn wrong_value(s: &Value) -> Option<Value> {
    Some(match json_type(s)? {
        "string" => json!(true),
        "integer" | "number" => json!("twelve"),
        "boolean" => json!("yes"),
        "array" => json!("not-a-list"),
        "object" => json!("not-an-object"),
        // `"all"` or an object: a number is neither.
        "choice" => json!(12345),
        _ => return None,
    })
}

fn is_email(s: &Value) -> bool {
    s["format"] == "email"
}

/// The JSON request body schema of an operation, resolved to its object schema.
fn json_body_schema<'a>(op: &'a Value, schemas: &'a Value) -> Option<&'a Value> {
    let content = op["requestBody"]["content"].as_object()?;
    let (_, media) = content
        .iter()
        .find(|(ct, _)| ct.as_str() == "application/json" || ct.ends_with("+json"))?;
    Some(resolve(&media["schema"], schemas))
}

// Route context ----------------------------------------------------------------------------------

/// The largest body each route accepts: `MAX_JSON_BODY` unless the route declares a bigger one.
/// A route given a bigger limit must be listed here, or the 413 check below fails for it.
fn body_limit(method: &str, path: &str) -> usize {
    match (method, path) {
        ("POST", p) if p.starts_with("/v1/erp/") => erp_sync::MAX_BATCH_BODY,
        ("PUT", "/v1/admin/price-lists/{id}/prices" | "/v1/admin/customers/{id}/prices") => {
            pricing::MAX_BULK_BODY
        }
        _ => shared::http::MAX_JSON_BODY,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Public,
    Admin,
    Contact,
    Erp,
}

/// Who calls a route: staff routes with an admin session, ERP routes with the API key, routes
/// documented with a bearer token with a contact's session, the rest anonymously.
fn caller_of(op: &Operation) -> Caller {
    if op.path.starts_with("/v1/admin/") {
        Caller::Admin
    } else if op.path.starts_with("/v1/erp/") {
        Caller::Erp
    } else if op.op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s.get("bearer").is_some())
    {
        Caller::Contact
    } else {
        Caller::Public
    }
}

/// Ids of the fixtures, by (the resource segment before a path parameter, the parameter).
struct Fixtures {
    ids: BTreeMap<(&'static str, &'static str), String>,
    admin_token: String,
    contact_token: String,
}

impl Fixtures {
    /// Fills a path template; returns the path and the parameters that got a dummy value.
    fn fill(&self, template: &str) -> (String, Vec<String>) {
        let mut resource = "";
        let mut dummies = Vec::new();
        let segments: Vec<String> = template
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(param) => {
                        let found = self
                            .ids
                            .iter()
                            .find(|((r, p), _)| *r == resource && *p == param);
                        match found {
                            Some((_, id)) => urlencode(id),
                            None => {
                                dummies.push(param.to_string());
                                format!("dummy-{param}")
                            }
                        }
                    }
                    None => {
                        resource = segment;
                        segment.to_string()
                    }
                },
            )
            .collect();
        // `resource` borrows `template`: collect first, then join.
        (segments.join("/"), dummies)
    }
}

fn urlencode(s: &str) -> String {
    urlencoding::encode(s).into_owned()
}

/// Sample data: an item, a ready customer with a contact, an agent, an announcement, an order
/// and a quote, all created through the API.
async fn fixtures(w: &World) -> Fixtures {
    w.item("BOLT-1", "10.00", 100).await;
    let (agent, _) = w
        .staff("agent@seller.example", "Luis Agent", StaffRole::Agent)
        .await;
    let customer = w.customer("Alpha Tools", Some(&agent.id)).await;
    let contact_email = "ana@alpha.example";
    let contact_token = w.contact(&customer, contact_email, "Ana Alpha").await;
    let announcement = w
        .admin(
            "POST",
            "/v1/admin/announcements",
            json!({"title": "Sale", "body": "Everything 5% off", "audience": "all",
                "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    let order = w
        .place_order(
            &contact_token,
            "fixture-order",
            json!([{"sku": "BOLT-1", "quantity": 2}]),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.json);
    let quote = w
        .call(
            "POST",
            "/v1/quotes",
            Some(&contact_token),
            Some(json!({"lines": [{"sku": "BOLT-1", "quantity": 5}]})),
        )
        .await;
    assert!(quote.status.is_success(), "{}", quote.json);

    let str_of = |v: &Value| v["id"].as_str().expect("an id").to_string();
    let ids = BTreeMap::from([
        (("customers", "id"), customer),
        (("contacts", "email"), contact_email.to_string()),
        (("announcements", "id"), str_of(&announcement)),
        (("staff", "id"), agent.id.clone()),
        (("items", "sku"), "BOLT-1".to_string()),
        (("stock", "warehouse_id"), e2e::WAREHOUSE.to_string()),
        (("stock", "sku"), "BOLT-1".to_string()),
        (("warehouses", "id"), e2e::WAREHOUSE.to_string()),
        (("price-lists", "id"), e2e::PRICE_LIST.to_string()),
        (("orders", "id"), str_of(&order.json)),
        (("quotes", "id"), str_of(&quote.json)),
    ]);
    Fixtures {
        ids,
        admin_token: w.admin_token.clone(),
        contact_token,
    }
}

// The generic test -------------------------------------------------------------------------------

/// One route under test: where to send, as whom.
struct Target<'a> {
    w: &'a World,
    method: &'a str,
    path: String,
    token: Option<&'a str>,
    caller: Caller,
}

impl Target<'_> {
    async fn send(&self, body: Vec<u8>, content_type: &str) -> shared::testing::TestResponse {
        let key = shared::types::new_id();
        let mut headers = vec![
            ("content-type", content_type),
            ("idempotency-key", key.as_str()),
        ];
        if self.caller == Caller::Erp {
            headers.push(("x-api-key", ERP_KEY));
        }
        self.w
            .call_raw(self.method, &self.path, self.token, Some(body), &headers)
            .await
    }

    async fn send_json(&self, body: &Value) -> shared::testing::TestResponse {
        self.send(body.to_string().into_bytes(), "application/json")
            .await
    }
}

#[tokio::test]
async fn every_json_write_route_refuses_bad_input_naming_the_field_and_writes_nothing() {
    let w = World::new().await;
    let fx = fixtures(&w).await;
    let (ops, schemas) = operations();
    let mut before = w.snapshot().await;
    let email_queue_before = w.queue_depth(&w.env.queues.email_queue_url).await;
    let erp_queue_before = w.queue_depth(&w.env.queues.erp_sync_queue_url).await;

    let mut covered = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut uncovered = Vec::new();
    let mut non_json = Vec::new();
    let (mut checks, mut write_routes) = (0usize, 0usize);
    for op in &ops {
        if op.op.get("requestBody").is_none() {
            continue;
        }
        let Some(schema) = json_body_schema(&op.op, &schemas) else {
            non_json.push(format!("{} {}", op.method, op.path));
            continue;
        };
        write_routes += 1;
        if !matches!(op.method.as_str(), "POST" | "PUT" | "PATCH") {
            uncovered.push(format!(
                "{} {} (a JSON body on {})",
                op.method, op.path, op.method
            ));
            continue;
        }
        let caller = caller_of(op);
        let token = match caller {
            Caller::Admin => Some(fx.admin_token.as_str()),
            Caller::Contact => Some(fx.contact_token.as_str()),
            Caller::Public | Caller::Erp => None,
        };
        let (path, dummies) = fx.fill(&op.path);
        let t = Target {
            w: &w,
            method: &op.method,
            path,
            token,
            caller,
        };
        let (done, fails) = check_route(&t, op, schema, &schemas).await;
        checks += done.len();
        // Nothing written.
        let after = w.snapshot().await;
        let diff = snapshot_diff(&before, &after);
        if !diff.is_empty() {
            failures.push(format!("{} {} wrote: {diff:?}", op.method, op.path));
            // Later routes are judged against what is there now.
            before = after;
        }
        failures.extend(fails);
        let limit = body_limit(&op.method, &op.path);
        let dummy_note = if dummies.is_empty() {
            String::new()
        } else {
            format!(" (dummy {})", dummies.join(", "))
        };
        covered.push(format!(
            "{:<9} {:<6} {:<48} {:?} limit {} [{}]{dummy_note}",
            op.function,
            op.method,
            op.path,
            caller,
            limit,
            done.join(", ")
        ));
    }

    println!(
        "bad input: {} JSON write routes covered, {checks} checks:",
        covered.len()
    );
    for line in &covered {
        println!("  {line}");
    }
    println!("non-JSON bodies (checked by their own tests): {non_json:?}");

    assert!(
        failures.is_empty(),
        "{} bad-input checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        uncovered.is_empty(),
        "write routes not covered: {uncovered:#?}"
    );
    assert_eq!(covered.len(), write_routes);
    assert!(covered.len() >= 30, "only {} routes found", covered.len());
    // Every route whose body is not JSON has an explicit test in this file.
    let explicit = ["POST /v1/admin/items/import"];
    let unexplained: Vec<&String> = non_json
        .iter()
        .filter(|r| !explicit.contains(&r.as_str()))
        .collect();
    assert!(
        unexplained.is_empty(),
        "routes with a non-JSON body and no explicit bad-input test: {unexplained:?}"
    );

    // Nothing was queued either: no email, no ERP batch.
    assert_eq!(
        w.queue_depth(&w.env.queues.email_queue_url).await,
        email_queue_before
    );
    assert_eq!(
        w.queue_depth(&w.env.queues.erp_sync_queue_url).await,
        erp_queue_before
    );
}

/// Every bad-input check of one route. Returns the checks made and the failures (all of them,
/// not only the first, so one run lists everything to fix).
async fn check_route(
    t: &Target<'_>,
    op: &Operation,
    schema: &Value,
    schemas: &Value,
) -> (Vec<&'static str>, Vec<String>) {
    let what = |check: &str| format!("{} {} [{check}]", op.method, op.path);
    let mut done = Vec::new();
    let mut fails = Vec::new();
    // Records a failed expectation; `Ok` values pass through.
    let mut expect = |r: Result<Vec<String>, String>| -> Option<Vec<String>> {
        r.map_err(|e| fails.push(e)).ok()
    };

    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required: Vec<String> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    let names = |check: &str, fields: Vec<String>, ok: bool| -> Result<Vec<String>, String> {
        if ok {
            Ok(fields)
        } else {
            Err(format!("{}: named {fields:?}", what(check)))
        }
    };

    // Malformed JSON (truncated after a known field's name): 400 naming `body`.
    let first = required
        .first()
        .or_else(|| properties.keys().next())
        .cloned()
        .unwrap_or_else(|| "x".into());
    let res = t
        .send(format!(r#"{{"{first}": "#).into_bytes(), "application/json")
        .await;
    if let Some(fields) = expect(problem(&res, StatusCode::BAD_REQUEST, &what("malformed"))) {
        let ok = fields.first().map(String::as_str) == Some("body");
        expect(names("malformed", fields, ok));
    }
    done.push("malformed");

    // Not a JSON object at all: a 4xx problem.
    let res = t.send(b"[1, 2]".to_vec(), "application/json").await;
    if res.status.is_client_error() {
        expect(problem(&res, res.status, &what("array body")));
    } else {
        expect(Err(format!("{}: {}", what("array body"), res.status)));
    }

    // Another content type: 415 (routes whose body is optional read it as JSON whatever its
    // type, so for them a 400 naming `body` is right too).
    let res = t
        .send(b"a=b".to_vec(), "application/x-www-form-urlencoded")
        .await;
    if res.status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        expect(problem(&res, res.status, &what("content type")));
    } else if let Some(fields) = expect(problem(
        &res,
        StatusCode::BAD_REQUEST,
        &what("content type"),
    )) {
        let ok = fields == ["body"];
        expect(names("content type", fields, ok));
    }
    done.push("content-type");

    // Nothing given: 422 naming a required field.
    if !required.is_empty() {
        let res = t.send_json(&json!({})).await;
        if let Some(fields) = expect(problem(&res, StatusCode::UNPROCESSABLE_ENTITY, &what("{}"))) {
            let ok = fields.iter().any(|f| required.contains(f));
            expect(names("{}", fields, ok));
        }
        done.push("missing");
    }

    // A wrong-typed value: 422 naming that property. Required properties, or every property of
    // a body without any (patches).
    let typed: Vec<&String> = if required.is_empty() {
        properties.keys().collect()
    } else {
        required.iter().collect()
    };
    let mut wrong_typed = 0;
    for name in typed {
        let Some(prop) = properties.get(name).and_then(|p| definite(p, schemas)) else {
            continue;
        };
        let Some(wrong) = wrong_value(prop) else {
            continue;
        };
        let res = t.send_json(&json!({ name.as_str(): wrong })).await;
        let check = format!("{name}: {wrong}");
        if let Some(fields) = expect(problem(
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            &what(&check),
        )) {
            let ok = fields
                .iter()
                .any(|f| f == name || f.starts_with(&format!("{name}.")));
            expect(names(&check, fields, ok));
        }
        wrong_typed += 1;

        // A list of objects with an empty element: 422 naming a field of `name[0]`.
        let items = definite(&prop["items"], schemas);
        if json_type(prop) == Some("array")
            && items.is_some_and(|i| i["required"].as_array().is_some_and(|r| !r.is_empty()))
        {
            let res = t.send_json(&json!({ name.as_str(): [{}] })).await;
            let check = format!("{name}: [{{}}]");
            if let Some(fields) = expect(problem(
                &res,
                StatusCode::UNPROCESSABLE_ENTITY,
                &what(&check),
            )) {
                let prefix = format!("{name}[0]");
                let ok = fields.iter().any(|f| f.starts_with(&prefix));
                expect(names(&check, fields, ok));
            }
            done.push("nested");
        }
    }
    if wrong_typed > 0 {
        done.push("wrong-type");
    }

    // An invalid email wherever the schema says `format: email`.
    for (name, prop) in &properties {
        let Some(prop) = definite(prop, schemas) else {
            continue;
        };
        let (body, field) = if is_email(prop) {
            (json!({ name.as_str(): "not-an-email" }), name.clone())
        } else if json_type(prop) == Some("array")
            && definite(&prop["items"], schemas).is_some_and(is_email)
        {
            (
                json!({ name.as_str(): ["not-an-email"] }),
                format!("{name}[0]"),
            )
        } else {
            continue;
        };
        let check = format!("{name}: not-an-email");
        let res = t.send_json(&body).await;
        if let Some(fields) = expect(problem(
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            &what(&check),
        )) {
            let ok = fields.contains(&field);
            expect(names(&check, fields, ok));
        }
        if !done.contains(&"email") {
            done.push("email");
        }
    }

    // Over the route's limit: 413. At the limit the body is still read (and refused as
    // malformed or invalid), which proves the limit is the declared one and not smaller.
    let limit = body_limit(&op.method, &op.path);
    let padded = |len: usize| {
        let mut body = br#"{"pad": ""#.to_vec();
        body.resize(len, b'x');
        body
    };
    let res = t.send(padded(limit + 1), "application/json").await;
    expect(problem(
        &res,
        StatusCode::PAYLOAD_TOO_LARGE,
        &what(&format!("{} bytes", limit + 1)),
    ));
    let res = t.send(padded(limit), "application/json").await;
    let check = what(&format!("{limit} bytes"));
    if res.status.is_client_error() && res.status != StatusCode::PAYLOAD_TOO_LARGE {
        expect(problem(&res, res.status, &check));
    } else {
        expect(Err(format!("{check}: {}", res.status)));
    }
    done.push("413");
    (done, fails)
}

// The import: CSV and JSON files ------------------------------------------------------------------

async fn import(
    w: &World,
    query: &str,
    body: &[u8],
    content_type: &str,
) -> shared::testing::TestResponse {
    w.call_raw(
        "POST",
        &format!("/v1/admin/items/import?{query}"),
        Some(&w.admin_token),
        Some(body.to_vec()),
        &[("content-type", content_type)],
    )
    .await
}

/// The row errors of an import refusal: (row, field).
fn row_errors(res: &shared::testing::TestResponse, what: &str) -> Vec<(u64, String)> {
    problem_fields(res, StatusCode::UNPROCESSABLE_ENTITY, what);
    res.json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["row"].as_u64().unwrap_or(u64::MAX),
                e["field"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_bad_row_in_an_import_file_is_reported_with_row_and_field_and_nothing_is_written() {
    let w = World::new().await;
    w.item("KEEP-1", "10.00", 5).await;
    let before = w.snapshot().await;
    let pl = e2e::PRICE_LIST;
    let wh = e2e::WAREHOUSE;

    // (query, file, the bad row and field).
    let cases: Vec<(&str, String, u64, &str)> = vec![
        (
            "kind=items",
            "sku,name,item_type,unit,tax_rate\nNEW-1,Drill,tools,piece,0.16\nNEW-2,Saw,tools,piece,lots\nNEW-3,Hammer,tools,piece,0.16\n".into(),
            2,
            "tax_rate",
        ),
        (
            "kind=items",
            "sku,name,item_type,unit,tax_rate\nNEW-1,Drill,tools,piece,0.16\nNEW-2,,tools,piece,0.16\n".into(),
            2,
            "name",
        ),
        (
            "kind=prices",
            format!("price_list_id,sku,unit_price\n{pl},KEEP-1,12.00\n{pl},KEEP-1,12.00\n{pl},KEEP-1,twelve\n"),
            3,
            "unit_price",
        ),
        (
            "kind=stock",
            format!("warehouse_id,sku,on_hand\n{wh},KEEP-1,-4\n{wh},KEEP-1,7\n"),
            1,
            "on_hand",
        ),
        (
            "kind=stock",
            format!("warehouse_id,sku,on_hand\n{wh},KEEP-1,many\n"),
            1,
            "on_hand",
        ),
    ];
    for (query, file, row, field) in &cases {
        let res = import(&w, query, file.as_bytes(), "text/csv").await;
        let what = format!("{query}: {file:?}");
        let errors = row_errors(&res, &what);
        assert!(
            errors.contains(&(*row, field.to_string())),
            "{what}: expected row {row} {field}, got {errors:?}"
        );
        assert!(res.json["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("nothing"));
        let diff = snapshot_diff(&before, &w.snapshot().await);
        assert!(diff.is_empty(), "{what} wrote: {diff:#?}");
    }

    // A CSV row with the wrong number of columns, a header without a required column and an
    // empty file are refused as a whole.
    for (file, what) in [
        (
            "sku,name,item_type,unit,tax_rate\nNEW-1,Drill,tools\n",
            "short row",
        ),
        (
            "sku,name,unit,tax_rate\nNEW-1,Drill,piece,0.16\n",
            "missing column",
        ),
        ("", "empty file"),
        (
            "sku,name,item_type,unit,tax_rate\n\"NEW-1,Drill,tools,piece,0.16\n",
            "unclosed quote",
        ),
    ] {
        let res = import(&w, "kind=items", file.as_bytes(), "text/csv").await;
        assert!(
            res.status == StatusCode::UNPROCESSABLE_ENTITY || res.status == StatusCode::BAD_REQUEST,
            "{what}: {} {}",
            res.status,
            res.json
        );
        let errors = problem_fields(&res, res.status, what);
        assert!(!errors.is_empty(), "{what}: no field named: {}", res.json);
        let diff = snapshot_diff(&before, &w.snapshot().await);
        assert!(diff.is_empty(), "{what} wrote: {diff:#?}");
    }

    // The same as JSON: a wrong-typed field in the second element.
    let file = json!([
        {"sku": "NEW-1", "name": "Drill", "item_type": "tools", "unit": "piece", "tax_rate": "0.16"},
        {"sku": "NEW-2", "name": "Saw", "item_type": "tools", "unit": "piece", "tax_rate": "lots"},
    ]);
    let res = import(
        &w,
        "kind=items&format=json",
        file.to_string().as_bytes(),
        "application/json",
    )
    .await;
    let errors = row_errors(&res, "json import");
    assert!(
        errors.iter().any(|(row, f)| *row == 2 && f == "tax_rate"),
        "{errors:?}"
    );
    let diff = snapshot_diff(&before, &w.snapshot().await);
    assert!(diff.is_empty(), "json import wrote: {diff:#?}");
    // Malformed JSON file.
    let res = import(
        &w,
        "kind=items&format=json",
        b"[{\"sku\": ",
        "application/json",
    )
    .await;
    assert!(res.status.is_client_error(), "{}", res.json);
    problem_fields(&res, res.status, "malformed json import");

    // Bad parameters and an oversized file.
    let res = import(&w, "kind=gadgets", b"sku\n", "text/csv").await;
    assert!(
        problem_fields(&res, StatusCode::UNPROCESSABLE_ENTITY, "kind")
            .contains(&"kind".to_string())
    );
    let res = import(&w, "", b"sku\n", "text/csv").await;
    assert!(
        problem_fields(&res, StatusCode::UNPROCESSABLE_ENTITY, "no kind")
            .contains(&"kind".to_string())
    );
    let limit = shared::catalog::files::MAX_FILE_BYTES;
    let mut big = b"sku,name,item_type,unit,tax_rate\n".to_vec();
    big.resize(limit + 1, b'x');
    let res = import(&w, "kind=items", &big, "text/csv").await;
    problem_fields(&res, StatusCode::PAYLOAD_TOO_LARGE, "oversized import");
    drop(big);

    // A contact or an agent may not import.
    let customer = w.customer("Import Tester", None).await;
    let contact = w.contact(&customer, "ines@importer.example", "Ines").await;
    let good = "sku,name,item_type,unit,tax_rate\nNEW-9,Drill,tools,piece,0.16\n";
    let res = w
        .call_raw(
            "POST",
            "/v1/admin/items/import?kind=items",
            Some(&contact),
            Some(good.as_bytes().to_vec()),
            &[("content-type", "text/csv")],
        )
        .await;
    problem_fields(&res, StatusCode::FORBIDDEN, "contact import");
    let (_, agent) = w
        .staff("agent@seller.example", "Al Agent", StaffRole::Agent)
        .await;
    let res = w
        .call_raw(
            "POST",
            "/v1/admin/items/import?kind=items",
            Some(&agent),
            Some(good.as_bytes().to_vec()),
            &[("content-type", "text/csv")],
        )
        .await;
    problem_fields(&res, StatusCode::FORBIDDEN, "agent import");

    // The prices the refused files tried to set are not there.
    let res = w
        .call("GET", "/v1/admin/items/NEW-1", Some(&w.admin_token), None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}
