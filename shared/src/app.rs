//! The state every function shares: configuration and SDK clients, built once per cold start.

use std::sync::Arc;

use crate::auth::keys::SessionKeys;
use crate::config::Config;
use crate::messaging::EventBus;
use crate::store::Store;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub events: EventBus,
    /// The session signing keys (see [`SessionKeys`]): verify and sign tokens with these.
    pub session_keys: SessionKeys,
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
        Ok(Self::from_env_and_sdk().await?.0)
    }

    /// For the functions that sign or verify session tokens: also names their signing keys
    /// (Secrets Manager in AWS, read on first use; `JWT_SECRET` locally; see [`SessionKeys`]).
    #[cfg(feature = "secrets")]
    pub async fn from_env_with_session_keys() -> Result<AppState, String> {
        Ok(Self::from_env_with_session_keys_and_sdk().await?.0)
    }

    /// [`App::from_env_with_session_keys`], and the SDK configuration it was built from (for
    /// the function's other clients: one configuration per cold start).
    #[cfg(feature = "secrets")]
    pub async fn from_env_with_session_keys_and_sdk(
    ) -> Result<(AppState, aws_config::SdkConfig), String> {
        let config = Config::from_env()?;
        let sdk = crate::aws::load_from_env().await;
        let session_keys = crate::secrets::session_keys(&sdk, &config.jwt_secret)?;
        Ok((Self::with_session_keys(config, &sdk, session_keys), sdk))
    }

    /// [`App::from_env`], and the SDK configuration it was built from.
    pub async fn from_env_and_sdk() -> Result<(AppState, aws_config::SdkConfig), String> {
        let config = Config::from_env()?;
        let sdk = crate::aws::load_from_env().await;
        Ok((Self::new(config, &sdk), sdk))
    }

    /// With the configuration's own keys (`JWT_SECRET`, tests).
    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> AppState {
        let session_keys = SessionKeys::given(config.jwt_secret.clone());
        Self::with_session_keys(config, sdk, session_keys)
    }

    /// With session keys from elsewhere than the configuration (a secret).
    pub fn with_session_keys(
        config: Config,
        sdk: &aws_config::SdkConfig,
        session_keys: SessionKeys,
    ) -> AppState {
        Arc::new(Self {
            session_keys,
            // Every client records the actions it issues (see aws_ops), for the IAM test.
            store: Store::new(crate::aws_ops::dynamodb(sdk), &config.table_name),
            events: EventBus::new(crate::aws_ops::eventbridge(sdk), &config.event_bus_name),
            #[cfg(feature = "ses")]
            ses: crate::aws_ops::ses(sdk),
            config,
        })
    }
}
