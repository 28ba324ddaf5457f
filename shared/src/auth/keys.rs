//! The session signing keys as a function holds them.
//!
//! In AWS they live in Secrets Manager (`JWT_KEYS_SECRET_ID`), read by the first request that
//! verifies or signs a token (once, however many wait), not by the cold start: routes that need
//! no session (the visitors' catalog, health, account requests) never wait for Secrets Manager,
//! and a read that fails is not a failed init (API Gateway's bare 502 for every request that
//! meets it) but a 503 problem for that request; the next one reads again.
//! Locally and in tests the keys are given up front (`JWT_SECRET`).

use tokio::sync::OnceCell;

use super::jwt::SigningKeys;
use crate::error::{AppError, AppResult};

pub struct SessionKeys {
    keys: OnceCell<SigningKeys>,
    /// Where to read them when they were not given.
    #[cfg(feature = "secrets")]
    secret: Option<crate::secrets::SecretCell<SigningKeys>>,
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
            secret: Some(crate::secrets::SecretCell::new(sdk, id, |_, text| {
                SigningKeys::from_secret_json(text)
            })),
        }
    }

    /// The keys; reads the secret first when it has not been read yet (or the last read failed).
    pub async fn get(&self) -> AppResult<&SigningKeys> {
        #[cfg(feature = "secrets")]
        if let Some(secret) = &self.secret {
            return secret
                .get()
                .await
                .map_err(|_| AppError::Unavailable("sessions cannot be checked right now".into()));
        }
        self.keys
            .get()
            .ok_or_else(|| AppError::Internal("no session signing key is configured".into()))
    }
}
