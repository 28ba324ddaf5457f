//! The error half of the OpenAPI document, derived in one place so it cannot drift from what the
//! extractors answer.
//!
//! Handlers declare their success answers and their domain errors (404 of an unknown id, 409 of a
//! business rule...) in `#[utoipa::path]`. [`complete`] then adds what every route of a given
//! shape answers, from the parts of the operation that mirror its extractors:
//!
//! | the operation has                         | extractor                      | added answers |
//! |-------------------------------------------|--------------------------------|---------------|
//! | `security(("bearer" = []))`               | `Principal`                    | 401, 403      |
//! | `security((), ("bearer" = []))`           | `MaybePrincipal`               | 401           |
//! | `security(("erp_api_key" = []))`          | the ERP key check              | 401           |
//! | a `request_body`                          | `ApiJson` / `OptionalApiJson`  | 400, 413, 415, 422 |
//! | a query or header parameter               | `ApiQuery`, header checks      | 422           |
//! | a path parameter                          | an id that may not exist       | 404           |
//!
//! and makes every 4xx/5xx answer `application/problem+json` (with the schema the handler gave,
//! else [`Problem`]), which is what [`crate::AppError`] renders. The served document
//! (`openapi_doc::openapi()`) runs it over the merged document, so a new route gets it for free.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ComponentsBuilder, OpenApi, OpenApiBuilder, Ref, RefOr, Response};

use crate::error::{FieldError, Problem};

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the answers every route of a given shape gives (see the module doc) and makes every error
/// answer problem+json.
pub fn complete(mut doc: OpenApi) -> OpenApi {
    for item in doc.paths.paths.values_mut() {
        let shared_params = item.parameters.clone().unwrap_or_default();
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.options,
            &mut item.head,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op, &shared_params);
        }
    }
    // The schema every added answer refers to (and the ones it uses).
    doc.merge(
        OpenApiBuilder::new()
            .components(Some(
                ComponentsBuilder::new()
                    .schema_from::<Problem>()
                    .schema_from::<FieldError>()
                    .build(),
            ))
            .build(),
    );
    doc
}

fn complete_operation(op: &mut Operation, shared_params: &[utoipa::openapi::path::Parameter]) {
    // A security requirement's schemes are private fields; its JSON form is `{scheme: scopes}`.
    let requirements: Vec<serde_json::Value> = op
        .security
        .iter()
        .flatten()
        .map(|r| serde_json::to_value(r).unwrap_or_default())
        .collect();
    let anonymous_allowed = requirements.is_empty()
        || requirements
            .iter()
            .any(|r| r.as_object().is_none_or(|o| o.is_empty()));
    let uses = |scheme: &str| requirements.iter().any(|r| r.get(scheme).is_some());
    let params: Vec<_> = shared_params
        .iter()
        .chain(op.parameters.iter().flatten())
        .collect();
    let named = |place: ParameterIn| {
        params
            .iter()
            .filter(|p| p.parameter_in == place)
            .map(|p| format!("`{}`", p.name))
            .collect::<Vec<_>>()
    };

    let mut added: Vec<(&str, String)> = Vec::new();
    if uses("bearer") {
        if anonymous_allowed {
            added.push((
                "401",
                "the session token is invalid, expired or revoked (without one the caller is a visitor)"
                    .into(),
            ));
        } else {
            added.push((
                "401",
                "no session token, or an invalid, expired or revoked one".into(),
            ));
            added.push(("403", "this session may not do this".into()));
        }
    }
    if uses("erp_api_key") {
        added.push(("401", "missing or wrong X-Api-Key".into()));
    }
    if op.request_body.is_some() {
        added.push((
            "400",
            "the body is not a JSON object (`malformed-body`)".into(),
        ));
        added.push(("413", "the body is larger than this route accepts".into()));
        added.push(("415", "the body is not JSON (Content-Type)".into()));
        added.push(("422", "an invalid field, named in `errors`".into()));
    }
    let checked = [named(ParameterIn::Query), named(ParameterIn::Header)].concat();
    if !checked.is_empty() {
        added.push((
            "422",
            format!(
                "an invalid parameter ({}), named in `errors`",
                checked.join(", ")
            ),
        ));
    }
    if !named(ParameterIn::Path).is_empty() {
        added.push((
            "404",
            "no such resource, or not one this caller may see".into(),
        ));
    }

    // One answer per status (a body and a query may both give 422), unless the handler
    // described it itself.
    let mut by_status: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (status, description) in added {
        by_status.entry(status).or_default().push(description);
    }
    let responses = &mut op.responses.responses;
    for (status, descriptions) in by_status {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new(descriptions.join("; or "))));
    }
    for (status, response) in responses.iter_mut() {
        if let (true, RefOr::T(response)) =
            (status.starts_with('4') || status.starts_with('5'), response)
        {
            problem_response(response);
        }
    }
}

/// Makes one error answer problem+json, keeping the schema the handler declared.
fn problem_response(response: &mut Response) {
    let declared = response.content.values().find_map(|c| c.schema.clone());
    let schema = declared.unwrap_or_else(|| RefOr::Ref(Ref::from_schema_name("Problem")));
    response.content.clear();
    response.content.insert(
        PROBLEM_JSON.to_string(),
        ContentBuilder::new().schema(Some(schema)).build(),
    );
    if response.description.trim().is_empty() {
        response.description = "see `detail` and `errors`".into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
    use utoipa::openapi::PathsBuilder;

    fn completed(op: Value) -> Value {
        let doc: OpenApi = serde_json::from_value(json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": { "/v1/things/{id}": { "post": op } }
        }))
        .unwrap();
        let doc = serde_json::to_value(complete(doc)).unwrap();
        doc["paths"]["/v1/things/{id}"]["post"].clone()
    }

    #[test]
    fn derives_the_answers_from_the_operation_shape() {
        let op = completed(json!({
            "security": [{ "bearer": [] }],
            "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "limit", "in": "query", "required": false, "schema": { "type": "string" } }
            ],
            "requestBody": { "content": { "application/json": { "schema": { "type": "object" } } } },
            "responses": {
                "200": { "description": "ok" },
                "409": { "description": "conflict", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Other" } } } }
            }
        }));
        let mut statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        statuses.sort();
        assert_eq!(
            statuses,
            ["200", "400", "401", "403", "404", "409", "413", "415", "422"]
        );
        for (status, response) in op["responses"].as_object().unwrap() {
            if status != "200" {
                let content = response["content"].as_object().unwrap();
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    [PROBLEM_JSON],
                    "{status}"
                );
            }
        }
        // A declared schema is kept; an error without one gets Problem.
        assert_eq!(
            op["responses"]["409"]["content"][PROBLEM_JSON]["schema"]["$ref"],
            "#/components/schemas/Other"
        );
        assert_eq!(
            op["responses"]["401"]["content"][PROBLEM_JSON]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
        assert!(op["responses"]["422"]["description"]
            .as_str()
            .unwrap()
            .contains("`limit`"));
    }

    #[test]
    fn an_optional_session_gives_401_but_not_403() {
        let op = completed(json!({
            "security": [{}, { "bearer": [] }],
            "responses": { "200": { "description": "ok" } }
        }));
        let mut statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        statuses.sort();
        assert_eq!(statuses, ["200", "401"]);
    }

    #[test]
    fn adds_the_problem_schema() {
        let doc = OpenApiBuilder::new()
            .paths(PathsBuilder::new().path(
                "/v1/x",
                PathItem::new(HttpMethod::Get, OperationBuilder::new().build()),
            ))
            .build();
        let doc = serde_json::to_value(complete(doc)).unwrap();
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        assert!(doc["components"]["schemas"]["FieldError"].is_object());
    }
}
