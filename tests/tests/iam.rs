//! Each function's IAM policy in `template.yaml` matches what its code does. The local stack does
//! not enforce IAM, so a missing action would only fail in AWS; an action nobody uses is a
//! privilege to take away. Every SDK client records the AWS actions it issues, per function
//! (`shared::aws_ops`), into `AWS_OPERATIONS_LOG_DIR` while the whole suite runs; then
//! `iam_policies_match_the_recorded_operations` (run by `make test` after the suite, hence
//! `#[ignore]` in a plain run) compares them with the policies:
//! - an action the code issued that the policy does not allow fails;
//! - an action the policy allows that no test issued fails, unless listed in [`EXCEPTIONS`];
//! - DynamoDB writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem) must be restricted with a
//!   `dynamodb:LeadingKeys` condition, whose key prefixes are exactly those the code wrote
//!   (`keys.rs` prefixes such as `CUST#`, `LOGIN#`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml::Value;

/// Actions a policy may allow although no test's code issues them (and partitions a LeadingKeys
/// condition may allow although no test writes them, as `write:<prefix>`), each with its reason.
/// The one place for deliberate exceptions.
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "expire-orders",
        "dynamodb:BatchGetItem write:STOCKJOB#",
        "resume_stock_jobs finishes the fulfil or cancel of an order too large for one transaction \
         when its function stopped between chunks (it re-reads the lines' stock in one \
         BatchGetItem and writes the job's STOCKJOB# record); no test stops a fulfil half-way",
    ),
    (
        "notifications",
        "sqs:ReceiveMessage sqs:DeleteMessage sqs:ChangeMessageVisibility sqs:GetQueueAttributes",
        "the Lambda event source mapping polls and deletes with the function's role; the \
         function's code only gets the batch",
    ),
    (
        "erp-sync-worker",
        "sqs:ReceiveMessage sqs:DeleteMessage sqs:ChangeMessageVisibility sqs:GetQueueAttributes",
        "the Lambda event source mapping polls and deletes with the function's role; the \
         function's code only gets the batch (it sends with SendMessage itself)",
    ),
    (
        "report-aggregates",
        "sqs:ReceiveMessage sqs:DeleteMessage sqs:ChangeMessageVisibility sqs:GetQueueAttributes",
        "the Lambda event source mapping polls and deletes with the function's role; the \
         function's code only gets the batch",
    ),
];

const WRITE_ACTIONS: &[&str] = &[
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
];

/// What one function's policy allows.
#[derive(Debug, Default, Clone)]
struct Policy {
    actions: BTreeSet<String>,
    /// The `dynamodb:LeadingKeys` prefixes of its write statements (`CUST#*` -> `CUST#`).
    write_prefixes: BTreeSet<String>,
    /// Write actions allowed without a LeadingKeys condition.
    unrestricted_writes: BTreeSet<String>,
}

/// What one function's code did during the tests.
#[derive(Debug, Default, Clone)]
struct Recorded {
    actions: BTreeSet<String>,
    write_prefixes: BTreeSet<String>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        other => panic!("expected a string or a list of strings, found {other:?}"),
    }
}

/// Every function's policy, by its binary name (`BuildProperties.Binary`).
fn policies(template: &Value) -> BTreeMap<String, Policy> {
    let mut out = BTreeMap::new();
    let resources = template["Resources"].as_mapping().expect("Resources");
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap_or_else(|| panic!("{name:?} has no BuildProperties.Binary"))
            .to_string();
        let mut policy = Policy::default();
        let statements = resource["Properties"]["Policies"]
            .as_sequence()
            .cloned()
            .unwrap_or_default();
        for entry in statements {
            let list = entry
                .get("Statement")
                .and_then(Value::as_sequence)
                .unwrap_or_else(|| {
                    panic!("{name:?}: write policies as explicit statements, found {entry:?}")
                });
            for statement in list {
                assert_eq!(
                    statement["Effect"].as_str(),
                    Some("Allow"),
                    "{name:?}: only Allow statements"
                );
                let actions = strings(&statement["Action"]);
                let leading = statement
                    .get("Condition")
                    .and_then(|c| c.get("ForAllValues:StringLike"))
                    .and_then(|c| c.get("dynamodb:LeadingKeys"))
                    .map(strings);
                for action in actions {
                    assert!(
                        !action.contains('*'),
                        "{name:?}: no wildcard actions ({action})"
                    );
                    if WRITE_ACTIONS.contains(&action.as_str()) {
                        match &leading {
                            Some(prefixes) => policy
                                .write_prefixes
                                .extend(prefixes.iter().map(|p| p.trim_end_matches('*').into())),
                            None => {
                                policy.unrestricted_writes.insert(action.clone());
                            }
                        }
                    }
                    policy.actions.insert(action);
                }
            }
        }
        out.insert(binary, policy);
    }
    out
}

/// The records of every test process: lines `function \t action|writes \t value`.
fn recorded(dir: &Path) -> BTreeMap<String, Recorded> {
    let mut out: BTreeMap<String, Recorded> = BTreeMap::new();
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e} (run `make test`)", dir.display()));
    for entry in entries {
        let text = std::fs::read_to_string(entry.expect("dir entry").path()).expect("log file");
        for line in text.lines() {
            let mut parts = line.split('\t');
            let (Some(function), Some(kind), Some(value)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let r = out.entry(function.to_string()).or_default();
            match kind {
                "action" => r.actions.insert(iam_action(value)),
                "writes" => r.write_prefixes.insert(value.to_string()),
                _ => false,
            };
        }
    }
    out
}

/// The IAM action an API call needs: SQS's batch calls are authorised by the single action
/// (`ChangeMessageVisibilityBatch` needs `sqs:ChangeMessageVisibility`).
fn iam_action(operation: &str) -> String {
    match operation
        .strip_prefix("sqs:")
        .and_then(|o| o.strip_suffix("Batch"))
    {
        Some(single) => format!("sqs:{single}"),
        None => operation.to_string(),
    }
}

fn excepted(function: &str, action: &str) -> bool {
    EXCEPTIONS
        .iter()
        .any(|(f, actions, _)| *f == function && actions.split(' ').any(|a| a == action))
}

/// Every disagreement between the policies and the recorded operations, one line each.
fn compare(
    policies: &BTreeMap<String, Policy>,
    recorded: &BTreeMap<String, Recorded>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for function in recorded.keys() {
        if !policies.contains_key(function) {
            problems.push(format!(
                "{function}: recorded, but no function of template.yaml builds it"
            ));
        }
    }
    let empty = Recorded::default();
    for (function, policy) in policies {
        let used = recorded.get(function).unwrap_or(&empty);
        for action in used.actions.difference(&policy.actions) {
            problems.push(format!(
                "{function}: the code issues {action}, which its policy does not allow (it would fail in AWS)"
            ));
        }
        for action in policy.actions.difference(&used.actions) {
            if !excepted(function, action) {
                problems.push(format!(
                    "{function}: the policy allows {action}, which no test's code issues (remove it, or list it in EXCEPTIONS with the reason)"
                ));
            }
        }
        for action in &policy.unrestricted_writes {
            problems.push(format!(
                "{function}: {action} is allowed without a dynamodb:LeadingKeys condition"
            ));
        }
        for prefix in used.write_prefixes.difference(&policy.write_prefixes) {
            problems.push(format!(
                "{function}: the code writes items of partition {prefix}*, which its LeadingKeys condition does not allow"
            ));
        }
        for prefix in policy.write_prefixes.difference(&used.write_prefixes) {
            if excepted(function, &format!("write:{prefix}")) {
                continue;
            }
            problems.push(format!(
                "{function}: the LeadingKeys condition allows writing {prefix}*, which no test's code writes"
            ));
        }
    }
    problems
}

fn template() -> Value {
    let text = std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml");
    serde_yaml::from_str(&text).expect("template.yaml is YAML")
}

#[test]
#[ignore = "needs the operations the whole suite recorded: `make test` runs it after the suite"]
fn iam_policies_match_the_recorded_operations() {
    let dir = std::env::var_os(shared::aws_ops::LOG_DIR_VAR).map(PathBuf::from).expect(
        "AWS_OPERATIONS_LOG_DIR is not set: run `make test`, which records the suite's operations",
    );
    let recorded = recorded(&dir);
    assert!(
        recorded.len() >= 5,
        "only {} functions recorded operations in {}: run the whole suite first",
        recorded.len(),
        dir.display()
    );
    let problems = compare(&policies(&template()), &recorded);
    assert!(
        problems.is_empty(),
        "IAM policies in template.yaml disagree with the code:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_function_policy_is_explicit_and_every_exception_names_a_function() {
    let policies = policies(&template());
    assert!(policies.contains_key("accounts") && policies.contains_key("notifications"));
    for (function, actions, reason) in EXCEPTIONS {
        let policy = policies
            .get(*function)
            .unwrap_or_else(|| panic!("exception for unknown function {function}"));
        for action in actions.split(' ') {
            let allowed = match action.strip_prefix("write:") {
                Some(prefix) => policy.write_prefixes.contains(prefix),
                None => policy.actions.contains(action),
            };
            assert!(allowed, "{function}: exception {action} not in its policy");
        }
        assert!(reason.len() > 20, "{function}: say why");
    }
}

/// The comparison itself: a missing action, an unused one and a write outside the allowed
/// partitions are each reported; an excepted one is not.
#[test]
fn the_comparison_reports_missing_unused_and_unrestricted() {
    let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let mut policies = BTreeMap::new();
    policies.insert(
        "notifications".to_string(),
        Policy {
            actions: set(&[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "ses:SendEmail",
                "sqs:ReceiveMessage",
            ]),
            write_prefixes: set(&["CUST#", "LOGIN#"]),
            unrestricted_writes: set(&[]),
        },
    );
    let mut recorded = BTreeMap::new();
    recorded.insert(
        "notifications".to_string(),
        Recorded {
            actions: set(&["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]),
            write_prefixes: set(&["CUST#", "OUTBOX"]),
        },
    );
    let problems = compare(&policies, &recorded).join("\n");
    assert!(problems.contains("issues dynamodb:Query"), "{problems}");
    assert!(problems.contains("allows ses:SendEmail"), "{problems}");
    assert!(
        !problems.contains("sqs:ReceiveMessage"),
        "excepted: {problems}"
    );
    assert!(problems.contains("partition OUTBOX*"), "{problems}");
    assert!(problems.contains("allows writing LOGIN#*"), "{problems}");
    assert_eq!(iam_action("sqs:DeleteMessageBatch"), "sqs:DeleteMessage");

    policies
        .get_mut("notifications")
        .unwrap()
        .unrestricted_writes = set(&["dynamodb:PutItem"]);
    assert!(compare(&policies, &recorded)
        .join("\n")
        .contains("PutItem is allowed without a dynamodb:LeadingKeys condition"));
}
