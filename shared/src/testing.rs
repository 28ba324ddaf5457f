//! Test support (feature `testing`): a fresh stack per test on the running DynamoDB Local and
//! moto server (`make test` starts both). Every test gets its own table, bus and queues, so
//! tests run in parallel and never see each other's data.

use std::sync::Arc;

use crate::app::{App, AppState};
use crate::config::Config;
use crate::localstack::{provision, Provisioned, ResourceNames};

pub struct TestEnv {
    pub app: AppState,
    pub names: ResourceNames,
    pub queues: Provisioned,
    pub sdk: aws_config::SdkConfig,
}

/// The SDK configuration for the local stack. Endpoints come from the standard variables
/// (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`), with the test ports as defaults.
pub async fn local_sdk_config() -> aws_config::SdkConfig {
    let ddb = std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap_or_else(|_| "http://127.0.0.1:8010".into());
    let moto = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:5010".into());
    // SAFETY of set_var: tests set the same values in every thread before any client reads them.
    unsafe {
        std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", &ddb);
        std::env::set_var("AWS_ENDPOINT_URL", &moto);
    }
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "local"))
        .load()
        .await
}

impl TestEnv {
    pub async fn new() -> Self {
        let sdk = local_sdk_config().await;
        let prefix = format!("t-{}", &crate::types::new_id()[20..]);
        let names = ResourceNames::with_prefix(&prefix);
        let config = Config::for_table(&names.table, &names.bus);
        let queues = provision(&sdk, &names, &config.sender_email)
            .await
            .unwrap_or_else(|e| panic!("local stack not reachable (run `make test`, which starts DynamoDB Local and moto): {e}"));
        let app = App::new(config, &sdk);
        Self { app, names, queues, sdk }
    }

    pub fn app(&self) -> AppState {
        Arc::clone(&self.app)
    }
}
