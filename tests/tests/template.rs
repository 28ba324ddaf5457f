//! `template.yaml` (what AWS runs) agrees with the code (what the tests and the dev server run):
//! the table, every function's routes, the event rules, the redrive policy, and each function's
//! build points at a binary that exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml::value::TaggedValue;
use serde_yaml::Value;
use shared::localstack::MAX_RECEIVE_COUNT;
use shared::messaging::{EMAIL_EVENT_TYPES, ERP_SYNC_EVENT_TYPES, EVENT_SOURCE};
use shared::store::keys;
use shared::store::schema::{key_attributes, INDEXES};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn template() -> Value {
    let text = std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml");
    // CloudFormation's short forms (!Ref, !GetAtt, !Sub...) come back as tagged values.
    serde_yaml::from_str(&text).expect("template.yaml is YAML")
}

fn resources(t: &Value) -> &serde_yaml::Mapping {
    t["Resources"].as_mapping().expect("Resources")
}

fn resource<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["Resources"]
        .get(name)
        .unwrap_or_else(|| panic!("template.yaml has no resource {name}"))
}

fn string(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, found {v:?}"))
        .to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .unwrap_or_else(|| panic!("expected a list, found {v:?}"))
        .iter()
        .map(string)
        .collect()
}

/// `!Ref X` / `{Ref: X}` -> X; `!GetAtt X.Arn` / `{"Fn::GetAtt": [X, Arn]}` -> "X.Arn".
fn intrinsic(v: &Value, function: &str) -> Option<String> {
    let long = if function == "Ref" {
        "Ref".to_string()
    } else {
        format!("Fn::{function}")
    };
    match v {
        Value::Tagged(tagged) => {
            let TaggedValue { tag, value } = tagged.as_ref();
            if *tag != serde_yaml::value::Tag::new(function) {
                return None;
            }
            match value {
                Value::String(s) => Some(s.clone()),
                Value::Sequence(parts) => Some(strings(&Value::Sequence(parts.clone())).join(".")),
                _ => None,
            }
        }
        Value::Mapping(m) => match m.get(long.as_str())? {
            Value::String(s) => Some(s.clone()),
            Value::Sequence(parts) => Some(strings(&Value::Sequence(parts.clone())).join(".")),
            _ => None,
        },
        _ => None,
    }
}

/// `accounts` -> `AccountsFunction`, `api-docs` -> `ApiDocsFunction`.
fn logical_id(function: &str) -> String {
    let mut id: String = function
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    id.push_str("Function");
    id
}

// ------------------------------------------------------------------------------------ table

#[test]
fn table_matches_the_schema_the_code_creates() {
    let t = template();
    let props = &resource(&t, "Table")["Properties"];

    let key_schema: Vec<(String, String)> = props["KeySchema"]
        .as_sequence()
        .expect("KeySchema")
        .iter()
        .map(|k| (string(&k["AttributeName"]), string(&k["KeyType"])))
        .collect();
    assert_eq!(
        key_schema,
        vec![
            (keys::PK.to_string(), "HASH".to_string()),
            (keys::SK.to_string(), "RANGE".to_string())
        ]
    );

    let attributes: BTreeMap<String, String> = props["AttributeDefinitions"]
        .as_sequence()
        .expect("AttributeDefinitions")
        .iter()
        .map(|a| (string(&a["AttributeName"]), string(&a["AttributeType"])))
        .collect();
    let expected: BTreeMap<String, String> = key_attributes()
        .into_iter()
        .map(|a| (a.to_string(), "S".to_string()))
        .collect();
    assert_eq!(
        attributes, expected,
        "AttributeDefinitions differ from shared::store::schema::key_attributes()"
    );

    let indexes: Vec<(String, String, String, String)> = props["GlobalSecondaryIndexes"]
        .as_sequence()
        .expect("GlobalSecondaryIndexes")
        .iter()
        .map(|gsi| {
            let keys = gsi["KeySchema"].as_sequence().expect("index KeySchema");
            assert_eq!(
                keys.len(),
                2,
                "index {:?} has a hash and a range key",
                gsi["IndexName"]
            );
            assert_eq!(string(&keys[0]["KeyType"]), "HASH");
            assert_eq!(string(&keys[1]["KeyType"]), "RANGE");
            (
                string(&gsi["IndexName"]),
                string(&keys[0]["AttributeName"]),
                string(&keys[1]["AttributeName"]),
                string(&gsi["Projection"]["ProjectionType"]),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, String)> = INDEXES
        .iter()
        .map(|(name, pk, sk)| {
            (
                name.to_string(),
                pk.to_string(),
                sk.to_string(),
                "ALL".to_string(),
            )
        })
        .collect();
    assert_eq!(
        indexes, expected,
        "GSIs differ from shared::store::schema::INDEXES"
    );

    assert_eq!(
        string(&props["TimeToLiveSpecification"]["AttributeName"]),
        keys::TTL
    );
    assert_eq!(
        props["TimeToLiveSpecification"]["Enabled"],
        Value::Bool(true)
    );
    assert_eq!(string(&props["BillingMode"]), "PAY_PER_REQUEST");
    assert_eq!(
        props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        Value::Bool(true)
    );
}

// ----------------------------------------------------------------------------------- routes

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// (METHOD, path) of every operation of an OpenAPI document.
fn doc_routes(doc: &utoipa::openapi::OpenApi) -> BTreeSet<(String, String)> {
    let json = serde_json::to_value(doc).expect("openapi serialises");
    let mut routes = BTreeSet::new();
    for (path, item) in json["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// (METHOD, path) of every HttpApi event of a function resource.
fn template_routes(t: &Value, function_id: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let Some(events) = resource(t, function_id)["Properties"]["Events"].as_mapping() else {
        return routes;
    };
    for (name, event) in events {
        if event["Type"].as_str() != Some("HttpApi") {
            continue;
        }
        let props = &event["Properties"];
        assert_eq!(
            intrinsic(&props["ApiId"], "Ref").as_deref(),
            Some("HttpApi"),
            "{function_id} event {name:?} must be on the HttpApi (ApiId: !Ref HttpApi)"
        );
        routes.insert((
            string(&props["Method"]).to_uppercase(),
            string(&props["Path"]),
        ));
    }
    routes
}

/// A SAM event name for a route: `POST /v1/admin/customers/{id}/status` -> `PostAdminCustomersIdStatus`.
fn event_name(method: &str, path: &str) -> String {
    let mut name = String::new();
    let method = method.to_lowercase();
    for word in std::iter::once(method.as_str()).chain(
        path.trim_start_matches("/v1")
            .split(['/', '-', '_', '.', '{', '}'])
            .filter(|w| !w.is_empty()),
    ) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name
}

#[test]
fn every_route_of_every_function_is_routed_to_it_in_the_template() {
    let t = template();
    let mut problems = Vec::new();
    let mut routed_functions = BTreeSet::new();
    for (function, doc) in openapi_doc::function_docs() {
        let id = logical_id(function);
        routed_functions.insert(id.clone());
        if resources(&t).get(id.as_str()).is_none() {
            problems.push(format!("no resource {id} for function `{function}`"));
            continue;
        }
        let served = doc_routes(&doc);
        let routed = template_routes(&t, &id);
        let missing: Vec<_> = served.difference(&routed).collect();
        let extra: Vec<_> = routed.difference(&served).collect();
        if !missing.is_empty() {
            let yaml: Vec<String> = missing
                .iter()
                .map(|(m, p)| {
                    format!(
                        "        {}:\n          Type: HttpApi\n          Properties: {{ApiId: !Ref HttpApi, Method: {m}, Path: \"{p}\"}}",
                        event_name(m, p)
                    )
                })
                .collect();
            problems.push(format!(
                "{id}: routes the `{function}` router serves but template.yaml does not route to it:\n{}\n  add under {id}.Properties.Events:\n{}",
                missing
                    .iter()
                    .map(|(m, p)| format!("    {m} {p}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                yaml.join("\n")
            ));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "{id}: template.yaml routes these to it but the `{function}` router does not serve them:\n{}",
                extra
                    .iter()
                    .map(|(m, p)| format!("    {m} {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    // No other function may take HTTP routes (they would answer 404 to everything).
    for (id, _) in resources(&t) {
        let id = string(id);
        if routed_functions.contains(&id) {
            continue;
        }
        let routed = template_routes(&t, &id);
        if !routed.is_empty() {
            problems.push(format!(
                "{id} has HttpApi events but is not an HTTP function in openapi_doc::function_docs(): {routed:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

#[test]
fn no_two_functions_serve_the_same_route() {
    // API Gateway sends a route to one function only; the dev server's merged router panics on
    // an overlap. Each shared route (e.g. /v1/health) belongs to exactly one function.
    let mut owner: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut overlaps = Vec::new();
    for (function, doc) in openapi_doc::function_docs() {
        for route in doc_routes(&doc) {
            if let Some(other) = owner.insert(route.clone(), function) {
                overlaps.push(format!(
                    "{} {} is served by both `{other}` and `{function}`",
                    route.0, route.1
                ));
            }
        }
    }
    assert!(overlaps.is_empty(), "\n{}\n", overlaps.join("\n"));
}

#[test]
fn no_route_is_routed_twice() {
    let t = template();
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for (id, _) in resources(&t) {
        let id = string(id);
        for route in template_routes(&t, &id) {
            if let Some(other) = seen.insert(route.clone(), id.clone()) {
                panic!("{route:?} is routed to both {other} and {id}");
            }
        }
    }
    assert!(!seen.is_empty(), "template.yaml routes nothing");
}

#[test]
fn event_name_is_a_valid_logical_id() {
    assert_eq!(
        event_name("POST", "/v1/admin/customers/{id}/contacts/{email}/access"),
        "PostAdminCustomersIdContactsEmailAccess"
    );
    assert_eq!(event_name("GET", "/v1/openapi.json"), "GetOpenapiJson");
    assert_eq!(logical_id("api-docs"), "ApiDocsFunction");
}

// -------------------------------------------------------------------------------- messaging

fn rule_detail_types(t: &Value, rule: &str) -> Vec<String> {
    let pattern = &resource(t, rule)["Properties"]["EventPattern"];
    assert_eq!(
        strings(&pattern["source"]),
        vec![EVENT_SOURCE.to_string()],
        "{rule} source"
    );
    strings(&pattern["detail-type"])
}

fn rule_target(t: &Value, rule: &str) -> String {
    let targets = resource(t, rule)["Properties"]["Targets"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{rule} has Targets"));
    assert_eq!(targets.len(), 1, "{rule} has one target");
    intrinsic(&targets[0]["Arn"], "GetAtt")
        .unwrap_or_else(|| panic!("{rule} target is !GetAtt <Queue>.Arn"))
}

#[test]
fn event_rules_route_exactly_the_event_types_the_code_declares() {
    let t = template();
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    let mut email = rule_detail_types(&t, "EmailRule");
    email.sort();
    assert_eq!(
        email,
        sorted(EMAIL_EVENT_TYPES),
        "EmailRule detail-type vs EMAIL_EVENT_TYPES"
    );
    let mut erp = rule_detail_types(&t, "ErpSyncRule");
    erp.sort();
    assert_eq!(
        erp,
        sorted(ERP_SYNC_EVENT_TYPES),
        "ErpSyncRule detail-type vs ERP_SYNC_EVENT_TYPES"
    );

    let mut reports = rule_detail_types(&t, "ReportsRule");
    reports.sort();
    assert_eq!(
        reports,
        sorted(shared::reports::REPORT_EVENT_TYPES),
        "ReportsRule detail-type vs shared::reports::REPORT_EVENT_TYPES"
    );

    assert_eq!(rule_target(&t, "EmailRule"), "EmailQueue.Arn");
    assert_eq!(rule_target(&t, "ErpSyncRule"), "ErpSyncQueue.Arn");
    assert_eq!(rule_target(&t, "ReportsRule"), "ReportsQueue.Arn");
    for rule in ["EmailRule", "ErpSyncRule", "ReportsRule"] {
        assert_eq!(
            intrinsic(&resource(&t, rule)["Properties"]["EventBusName"], "Ref").as_deref(),
            Some("EventBus"),
            "{rule} is on the portal's bus"
        );
    }
}

#[test]
fn queues_move_a_message_to_their_dlq_after_max_receive_count() {
    let t = template();
    for (queue, dlq) in [
        ("EmailQueue", "EmailDeadLetterQueue"),
        ("ErpSyncQueue", "ErpSyncDeadLetterQueue"),
        ("ReportsQueue", "ReportsDeadLetterQueue"),
    ] {
        let redrive = &resource(&t, queue)["Properties"]["RedrivePolicy"];
        assert_eq!(
            redrive["maxReceiveCount"].as_u64(),
            Some(u64::from(MAX_RECEIVE_COUNT)),
            "{queue} maxReceiveCount vs shared::localstack::MAX_RECEIVE_COUNT"
        );
        assert_eq!(
            intrinsic(&redrive["deadLetterTargetArn"], "GetAtt"),
            Some(format!("{dlq}.Arn")),
            "{queue} dead-letter target"
        );
        // Each DLQ has an alarm on visible messages.
        let alarmed = resources(&t).iter().any(|(_, r)| {
            r["Type"].as_str() == Some("AWS::CloudWatch::Alarm")
                && r["Properties"]["MetricName"].as_str()
                    == Some("ApproximateNumberOfMessagesVisible")
                && r["Properties"]["Dimensions"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .any(|d| intrinsic(&d["Value"], "GetAtt") == Some(format!("{dlq}.QueueName")))
        });
        assert!(
            alarmed,
            "{dlq} has a CloudWatch alarm on ApproximateNumberOfMessagesVisible"
        );
    }
}

// ------------------------------------------------------------------------------------ build

/// The bin targets of a crate: `src/main.rs` (named after the package) and `src/bin/*.rs`.
fn crate_binaries(dir: &Path) -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .unwrap_or_else(|_| panic!("{} has no Cargo.toml", dir.display()));
    let mut bins = BTreeSet::new();
    let package = manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
        })
        .expect("package name");
    if dir.join("src/main.rs").exists() {
        bins.insert(package);
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("src/bin")) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                bins.insert(path.file_stem().unwrap().to_string_lossy().into_owned());
            } else if path.join("main.rs").exists() {
                bins.insert(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    // Explicit [[bin]] sections.
    let mut in_bin = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == "name" {
                    bins.insert(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    bins
}

#[test]
fn every_function_builds_a_binary_that_exists() {
    let t = template();
    let mut functions = 0;
    for (id, r) in resources(&t) {
        if r["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        functions += 1;
        let id = string(id);
        assert_eq!(
            r["Metadata"]["BuildMethod"].as_str(),
            Some("rust-cargolambda"),
            "{id} BuildMethod"
        );
        let binary = string(&r["Metadata"]["BuildProperties"]["Binary"]);
        let code_uri = string(&r["Properties"]["CodeUri"]);
        let bins = crate_binaries(&repo_root().join(&code_uri));
        assert!(
            bins.contains(&binary),
            "{id}: Binary `{binary}` is not a bin target of {code_uri} (it has {bins:?})"
        );
    }
    assert!(functions >= 5, "template.yaml declares the functions");
}

/// Item 3 of the hardening: each queue's visibility timeout is at least six times its
/// consumer's timeout (AWS's advice for Lambda event sources), the consumers' concurrency is
/// bounded, and the bus's rule targets retry and dead-letter what they cannot deliver.
#[test]
fn queue_timings_and_undeliverable_events_are_bounded() {
    let t = template();
    let globals_timeout = t["Globals"]["Function"]["Timeout"].as_u64().unwrap_or(3);
    for (queue, mapping) in [
        ("EmailQueue", "NotificationsEmailQueueSubscription"),
        ("ErpSyncQueue", "ErpSyncWorkerQueueSubscription"),
        ("ReportsQueue", "ReportAggregatesQueueSubscription"),
    ] {
        let props = &resource(&t, mapping)["Properties"];
        assert_eq!(
            intrinsic(&props["EventSourceArn"], "GetAtt").as_deref(),
            Some(format!("{queue}.Arn").as_str())
        );
        let function = intrinsic(&props["FunctionName"], "Ref").expect("FunctionName: !Ref");
        let timeout = resource(&t, &function)["Properties"]["Timeout"]
            .as_u64()
            .unwrap_or(globals_timeout);
        let visibility = resource(&t, queue)["Properties"]["VisibilityTimeout"]
            .as_u64()
            .unwrap_or(30);
        assert!(
            visibility >= 6 * timeout,
            "{queue}: VisibilityTimeout {visibility} < 6 x {function}'s Timeout {timeout}"
        );
        let max = props["ScalingConfig"]["MaximumConcurrency"].as_u64();
        assert!(
            max.is_some_and(|m| (2..=10).contains(&m)),
            "{mapping}: ScalingConfig.MaximumConcurrency bounds the consumers ({max:?})"
        );
    }
    for rule in ["EmailRule", "ErpSyncRule", "ReportsRule"] {
        let target = &resource(&t, rule)["Properties"]["Targets"][0];
        assert!(
            target["RetryPolicy"]["MaximumRetryAttempts"]
                .as_u64()
                .is_some(),
            "{rule}: a RetryPolicy"
        );
        assert_eq!(
            intrinsic(&target["DeadLetterConfig"]["Arn"], "GetAtt").as_deref(),
            Some("EventsDeadLetterQueue.Arn"),
            "{rule}: a dead-letter queue"
        );
    }
    // CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
    let key = &resource(&t, "AlarmTopic")["Properties"]["KmsMasterKeyId"];
    assert_ne!(key.as_str(), Some("alias/aws/sns"));
}
