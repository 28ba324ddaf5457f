//! The session signing keys as a function holds them.
//!
//! In AWS they live in Secrets Manager (`JWT_KEYS_SECRET_ID`). The cold start starts reading them
//! in the background ([`crate::App::from_env_with_session_keys`]) instead of waiting for them:
//! routes that need no session (the visitors' catalog, health, account requests) answer without
//! the read, and the first request that verifies or signs a token waits for the same read. A read
//! that fails is no longer a crashed cold start (API Gateway's bare 502 on every request until
//! Lambda replaces the instance): that request gets a 503 problem and the next one reads again.
//! Locally and in tests the keys are given up front (`JWT_SECRET`).

use tokio::sync::OnceCell;

use super::jwt::SigningKeys;
use crate::error::{AppError, AppResult};

pub struct SessionKeys {
    keys: OnceCell<SigningKeys>,
    /// Where to read them when they were not given: the SDK configuration and the secret's id.
    #[cfg(feature = "secrets")]
    secret: Option<(aws_config::SdkConfig, String)>,
}

impl SessionKeys {
    /// Keys known now (`JWT_SECRET`, tests). Without a key, [`SessionKeys::get`] fails.
    pub fn given(keys: SigningKeys) -> Self {
        Self {
            keys: if keys.has_keys() {
                OnceCell::new_with(Some(keys))
            } else {
                OnceCell::new()
            },
            #[cfg(feature = "secrets")]
            secret: None,
        }
    }

    /// Keys read from the secret `id` on first use (once, however many callers wait for it).
    #[cfg(feature = "secrets")]
    pub fn from_secret(sdk: &aws_config::SdkConfig, id: String) -> Self {
        Self {
            keys: OnceCell::new(),
            secret: Some((sdk.clone(), id)),
        }
    }

    /// The keys; reads the secret first when it has not been read yet (or the last read failed).
    pub async fn get(&self) -> AppResult<&SigningKeys> {
        #[cfg(feature = "secrets")]
        if let Some((sdk, id)) = &self.secret {
            return self
                .keys
                .get_or_try_init(|| async {
                    let text = crate::secrets::read(sdk, id).await?;
                    SigningKeys::from_secret_json(&text)
                })
                .await
                .map_err(|error| {
                    tracing::error!(%error, "the session signing keys cannot be read");
                    AppError::Unavailable("sessions cannot be checked right now".into())
                });
        }
        self.keys
            .get()
            .ok_or_else(|| AppError::Internal("no session signing key is configured".into()))
    }
}
