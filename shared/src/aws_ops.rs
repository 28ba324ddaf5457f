//! Records which AWS actions each function's code issues, so a test can compare them with that
//! function's IAM policy in `template.yaml` (`tests/tests/iam.rs`): a policy that lacks an action
//! the code uses would fail in AWS only, since the local stack does not enforce IAM.
//!
//! Every SDK client the functions use carries [`Recorder`] (an SDK interceptor). It attributes a
//! request to the function whose entry point is running: each entry point (a router, a queue
//! consumer, a schedule, the cold start) runs inside [`within`], which sets a task-local name,
//! the function's binary name in `template.yaml` (`BuildProperties.Binary`). Requests outside an
//! entry point (test set-up, fixtures) are not attributed. Nothing is written unless
//! `AWS_OPERATIONS_LOG_DIR` is set (the test run sets it); then each process appends every new
//! `(function, action)` pair, and the leading key prefix of every item it writes, to its own file
//! there.

use std::collections::HashSet;
use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
    BeforeSerializationInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

pub mod usage;

/// The environment variable naming the folder the records go to.
pub const LOG_DIR_VAR: &str = "AWS_OPERATIONS_LOG_DIR";

tokio::task_local! {
    static FUNCTION: &'static str;
}

/// Runs `fut` as the code of `function` (its binary name in `template.yaml`).
pub async fn within<F: Future>(function: &'static str, fut: F) -> F::Output {
    FUNCTION.scope(function, fut).await
}

/// `fut` as the code of the function running now: for tasks it spawns (a `JoinSet` of writes),
/// which do not inherit the task-local.
pub fn inherit<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let current = FUNCTION.try_with(|f| *f).ok();
    async move {
        match current {
            Some(function) => FUNCTION.scope(function, fut).await,
            None => fut.await,
        }
    }
}

/// An axum layer running every request of a router as the code of `function`.
pub fn layer<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    function: &'static str,
) -> axum::Router<S> {
    router.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            within(function, next.run(req))
        },
    ))
}

/// The SDK interceptor. Cheap when no log folder is set: one environment read per process.
#[derive(Debug, Clone, Default)]
pub struct Recorder;

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "AwsOperationsRecorder"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if usage::enabled() && Self::is_dynamodb(cfg).is_some() {
            usage::ask_for_capacity(context.input_mut());
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !usage::enabled() {
            return Ok(());
        }
        if let (Some(meta), Ok(output)) = (Self::is_dynamodb(cfg), context.output_or_error()) {
            usage::count_dynamodb(current_function(), meta.name(), output);
        }
        Ok(())
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if usage::enabled() {
            if let Some(meta) = cfg.load::<Metadata>() {
                usage::count_other(
                    current_function(),
                    meta.service(),
                    meta.name(),
                    context.input(),
                );
            }
        }
        let Some(sink) = sink() else { return Ok(()) };
        let Ok(function) = FUNCTION.try_with(|f| *f) else {
            return Ok(());
        };
        let Some(meta) = cfg.load::<Metadata>() else {
            return Ok(());
        };
        let (actions, written) = iam_actions(meta.service(), meta.name(), context);
        let mut lines = Vec::new();
        for action in actions {
            lines.push(format!("{function}\taction\t{action}"));
        }
        for prefix in written {
            lines.push(format!("{function}\twrites\t{prefix}"));
        }
        sink.record(lines);
        Ok(())
    }
}

/// Capacity and message counts, only while [`usage::enable`]d (the bench's `cost` part).
impl Recorder {
    fn is_dynamodb(cfg: &ConfigBag) -> Option<&Metadata> {
        cfg.load::<Metadata>().filter(|m| m.service() == "DynamoDB")
    }
}

/// The function running now, `-` outside an entry point.
fn current_function() -> &'static str {
    FUNCTION.try_with(|f| *f).unwrap_or("-")
}

/// Adds the recorder to a client's configuration.
pub fn dynamodb(sdk: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(sdk)
            .interceptor(Recorder)
            .build(),
    )
}

pub fn eventbridge(sdk: &aws_config::SdkConfig) -> aws_sdk_eventbridge::Client {
    aws_sdk_eventbridge::Client::from_conf(
        aws_sdk_eventbridge::config::Builder::from(sdk)
            .interceptor(Recorder)
            .build(),
    )
}

#[cfg(feature = "ses")]
pub fn ses(sdk: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::from_conf(
        aws_sdk_sesv2::config::Builder::from(sdk)
            .interceptor(Recorder)
            .build(),
    )
}

#[cfg(feature = "secrets")]
pub fn secrets(sdk: &aws_config::SdkConfig) -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::config::Builder::from(sdk)
            .interceptor(Recorder)
            .build(),
    )
}

/// An SQS client like `client`, recording (callers, tests included, hand us their own client).
#[cfg(feature = "sqs")]
pub fn sqs(client: aws_sdk_sqs::Client) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::from_conf(client.config().to_builder().interceptor(Recorder).build())
}

/// The IAM actions one request needs, and the leading key prefixes of the items it writes.
/// A transaction needs the actions of its parts (there is no `TransactWriteItems` action).
fn iam_actions(
    service: &str,
    operation: &str,
    context: &BeforeSerializationInterceptorContextRef<'_>,
) -> (Vec<String>, Vec<String>) {
    use aws_sdk_dynamodb::operation as op;
    let prefix = match service {
        "DynamoDB" => "dynamodb",
        "SQS" => "sqs",
        "SESv2" | "SES" => "ses",
        "EventBridge" => "events",
        "Secrets Manager" | "SecretsManager" => "secretsmanager",
        other => {
            return (
                vec![format!("{}:{operation}", other.to_lowercase())],
                vec![],
            )
        }
    };
    if prefix != "dynamodb" {
        return (vec![format!("{prefix}:{operation}")], vec![]);
    }
    let input = context.input();
    let mut actions = Vec::new();
    let mut written = Vec::new();
    match operation {
        "TransactWriteItems" => {
            if let Some(i) =
                input.downcast_ref::<op::transact_write_items::TransactWriteItemsInput>()
            {
                for item in i.transact_items() {
                    if let Some(p) = item.put() {
                        actions.push("PutItem");
                        written.push(leading_key(p.item().get("PK")));
                    }
                    if let Some(u) = item.update() {
                        actions.push("UpdateItem");
                        written.push(leading_key(u.key().get("PK")));
                    }
                    if let Some(d) = item.delete() {
                        actions.push("DeleteItem");
                        written.push(leading_key(d.key().get("PK")));
                    }
                    if item.condition_check().is_some() {
                        actions.push("ConditionCheckItem");
                    }
                }
            }
        }
        "TransactGetItems" => actions.push("GetItem"),
        "BatchWriteItem" => {
            actions.push("BatchWriteItem");
            if let Some(i) = input.downcast_ref::<op::batch_write_item::BatchWriteItemInput>() {
                for request in i
                    .request_items()
                    .into_iter()
                    .flat_map(|m| m.values())
                    .flatten()
                {
                    if let Some(p) = request.put_request() {
                        written.push(leading_key(p.item().get("PK")));
                    }
                    if let Some(d) = request.delete_request() {
                        written.push(leading_key(d.key().get("PK")));
                    }
                }
            }
        }
        "PutItem" => {
            actions.push("PutItem");
            if let Some(i) = input.downcast_ref::<op::put_item::PutItemInput>() {
                written.push(leading_key(i.item().and_then(|m| m.get("PK"))));
            }
        }
        "UpdateItem" => {
            actions.push("UpdateItem");
            if let Some(i) = input.downcast_ref::<op::update_item::UpdateItemInput>() {
                written.push(leading_key(i.key().and_then(|m| m.get("PK"))));
            }
        }
        "DeleteItem" => {
            actions.push("DeleteItem");
            if let Some(i) = input.downcast_ref::<op::delete_item::DeleteItemInput>() {
                written.push(leading_key(i.key().and_then(|m| m.get("PK"))));
            }
        }
        other => return (vec![format!("dynamodb:{other}")], vec![]),
    }
    (
        actions
            .into_iter()
            .map(|a| format!("dynamodb:{a}"))
            .collect(),
        written,
    )
}

/// The prefix of a partition key up to and including its first `#` (`CUST#`, `LOGIN#`), or the
/// whole key when it has none (`OUTBOX`): what a `dynamodb:LeadingKeys` condition can match.
pub fn key_prefix(pk: &str) -> String {
    match pk.find('#') {
        Some(i) => pk[..=i].to_string(),
        None => pk.to_string(),
    }
}

fn leading_key(pk: Option<&aws_sdk_dynamodb::types::AttributeValue>) -> String {
    match pk.and_then(|v| v.as_s().ok()) {
        Some(pk) => key_prefix(pk),
        None => "?".into(),
    }
}

struct Sink {
    file: PathBuf,
    seen: Mutex<HashSet<String>>,
}

impl Sink {
    /// Appends the lines this process has not written yet.
    fn record(&self, lines: Vec<String>) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let new: Vec<String> = lines
            .into_iter()
            .filter(|l| seen.insert(l.clone()))
            .collect();
        if new.is_empty() {
            return;
        }
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .and_then(|mut f| f.write_all(format!("{}\n", new.join("\n")).as_bytes()));
        if let Err(e) = written {
            tracing::warn!(error = %e, file = %self.file.display(), "cannot record AWS operations");
        }
    }
}

fn sink() -> Option<&'static Sink> {
    static SINK: OnceLock<Option<Sink>> = OnceLock::new();
    SINK.get_or_init(|| {
        let dir = PathBuf::from(std::env::var_os(LOG_DIR_VAR)?);
        std::fs::create_dir_all(&dir).ok()?;
        Some(Sink {
            file: dir.join(format!("{}.log", std::process::id())),
            seen: Mutex::new(HashSet::new()),
        })
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_prefixes() {
        assert_eq!(key_prefix("CUST#01H#x"), "CUST#");
        assert_eq!(key_prefix("OUTBOX"), "OUTBOX");
        assert_eq!(key_prefix("LOGIN#a@b.c"), "LOGIN#");
    }
}
