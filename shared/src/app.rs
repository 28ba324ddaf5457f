//! The state every function shares: configuration and SDK clients, built once per cold start.

use std::sync::Arc;

use crate::config::Config;
use crate::messaging::EventBus;
use crate::store::Store;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub events: EventBus,
    /// Only in the functions that send email (feature `ses`).
    #[cfg(feature = "ses")]
    pub ses: aws_sdk_sesv2::Client,
}

pub type AppState = Arc<App>;

impl App {
    /// Builds the clients from the standard AWS environment (`AWS_ENDPOINT_URL*` points them at
    /// the local stack) and the configuration from the function's environment.
    /// For functions that read no secret (queue consumers, schedules, the API docs).
    pub async fn from_env() -> Result<AppState, String> {
        let config = Config::from_env()?;
        let sdk = crate::aws::load_from_env().await;
        Ok(Self::new(config, &sdk))
    }

    /// For the functions that sign or verify session tokens: also reads the signing keys, once
    /// (Secrets Manager in AWS, `JWT_SECRET` locally; see `crate::secrets`).
    #[cfg(feature = "secrets")]
    pub async fn from_env_with_session_keys() -> Result<AppState, String> {
        let mut config = Config::from_env()?;
        let sdk = crate::aws::load_from_env().await;
        config.jwt_secret = crate::secrets::session_keys(&sdk, &config.jwt_secret).await?;
        Ok(Self::new(config, &sdk))
    }

    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> AppState {
        Arc::new(Self {
            // Every client records the actions it issues (see aws_ops), for the IAM test.
            store: Store::new(crate::aws_ops::dynamodb(sdk), &config.table_name),
            events: EventBus::new(crate::aws_ops::eventbridge(sdk), &config.event_bus_name),
            #[cfg(feature = "ses")]
            ses: crate::aws_ops::ses(sdk),
            config,
        })
    }
}
