//! Counts the DynamoDB requests a client sends, by operation name, so tests and the bench can
//! prove how many requests a route costs (e.g. "a catalog page is at most 3 requests, never a
//! Scan"). It is an SDK interceptor: every attempt that goes on the wire is recorded, retries
//! included, so nothing escapes the count.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The operations sent so far (e.g. `["BatchGetItem", "Query", "BatchGetItem"]`), shared by
/// every clone.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter {
    sent: Arc<Mutex<Vec<String>>>,
}

impl RequestCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets what was counted so far (call before the request being measured).
    pub fn reset(&self) {
        self.lock().clear();
    }

    /// Every operation sent since the last reset, in order.
    pub fn operations(&self) -> Vec<String> {
        self.lock().clone()
    }

    pub fn total(&self) -> usize {
        self.lock().len()
    }

    /// How many requests of one operation (`"Scan"`, `"Query"`...).
    pub fn count(&self, operation: &str) -> usize {
        self.lock().iter().filter(|op| *op == operation).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A panic while holding the lock cannot leave the Vec inconsistent: keep counting.
        self.sent.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_string())
            .unwrap_or_else(|| "unknown".into());
        self.lock().push(operation);
        Ok(())
    }
}

/// A DynamoDB client built from `sdk` that reports every request to the returned counter.
pub fn counting_client(sdk: &aws_config::SdkConfig) -> (aws_sdk_dynamodb::Client, RequestCounter) {
    let counter = RequestCounter::new();
    let config = aws_sdk_dynamodb::config::Builder::from(sdk)
        .interceptor(counter.clone())
        .interceptor(crate::aws_ops::Recorder)
        .build();
    (aws_sdk_dynamodb::Client::from_conf(config), counter)
}
