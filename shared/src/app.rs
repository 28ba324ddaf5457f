//! The state every function shares: configuration and SDK clients, built once per cold start.

use std::sync::Arc;

use crate::config::Config;
use crate::messaging::EventBus;
use crate::store::Store;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub events: EventBus,
    pub ses: aws_sdk_sesv2::Client,
}

pub type AppState = Arc<App>;

impl App {
    /// Builds the clients from the standard AWS environment (`AWS_ENDPOINT_URL*` points them at
    /// the local stack) and the configuration from the function's environment.
    pub async fn from_env() -> Result<AppState, String> {
        let config = Config::from_env()?;
        let sdk = aws_config::load_from_env().await;
        Ok(Self::new(config, &sdk))
    }

    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> AppState {
        Arc::new(Self {
            store: Store::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name),
            events: EventBus::new(
                aws_sdk_eventbridge::Client::new(sdk),
                &config.event_bus_name,
            ),
            ses: aws_sdk_sesv2::Client::new(sdk),
            config,
        })
    }
}
