//! Secrets read once per instance from AWS Secrets Manager, only by the functions that need
//! them (each such function's environment names its secret, and its IAM policy allows reading
//! that secret only): the session signing keys (`JWT_KEYS_SECRET_ID`) and the ERP keys
//! (`ERP_KEYS_SECRET_ID`). Nothing secret sits in a function's environment, where
//! `lambda:GetFunctionConfiguration` would show it. Without those variables (the dev server,
//! tests, tools) the keys come from `JWT_SECRET`, `ERP_API_KEY` and `ERP_API_KEY_OUT`.

use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::auth::jwt::SigningKeys;
use crate::auth::keys::SessionKeys;

/// The variable naming the signing keys' secret (its ARN in AWS).
pub const SESSION_KEYS_VAR: &str = "JWT_KEYS_SECRET_ID";
/// The variable naming the ERP keys' secret: `{"inbound": "...", "outbound": "..."}`.
pub const ERP_KEYS_VAR: &str = "ERP_KEYS_SECRET_ID";

fn secret_id(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

/// The secret's text (`SecretString`).
pub async fn read(sdk: &aws_config::SdkConfig, id: &str) -> Result<String, String> {
    crate::aws_ops::secrets(sdk)
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| format!("cannot read the secret {id}: {e:?}"))?
        .secret_string
        .ok_or_else(|| format!("the secret {id} has no SecretString"))
}

/// The session signing keys: read from the secret named by `JWT_KEYS_SECRET_ID` on first use
/// when it is set (see [`SessionKeys`]), else `fallback` (the `JWT_SECRET` key of a local run),
/// which must then hold a key.
pub fn session_keys(
    sdk: &aws_config::SdkConfig,
    fallback: &SigningKeys,
) -> Result<SessionKeys, String> {
    match secret_id(SESSION_KEYS_VAR) {
        Some(id) => Ok(SessionKeys::from_secret(sdk, id)),
        None if fallback.has_keys() => Ok(SessionKeys::given(fallback.clone())),
        None => Err(format!(
            "{SESSION_KEYS_VAR} (or JWT_SECRET locally) is not set"
        )),
    }
}

/// The ERP's keys: the one it presents on `/v1/erp/*` and the one the portal sends it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ErpKeys {
    pub inbound: Option<String>,
    pub outbound: Option<String>,
}

impl std::fmt::Debug for ErpKeys {
    /// Says which keys are set, never their values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErpKeys")
            .field("inbound", &self.inbound.is_some())
            .field("outbound", &self.outbound.is_some())
            .finish()
    }
}

/// A secret read on first use, not at cold start: once however many callers wait, again after
/// a failed read (which is logged).
pub struct SecretCell<T> {
    value: OnceCell<T>,
    sdk: aws_config::SdkConfig,
    id: String,
    /// The value of the secret's text (`id`, text).
    parse: fn(&str, &str) -> Result<T, String>,
}

impl<T> SecretCell<T> {
    pub fn new(
        sdk: &aws_config::SdkConfig,
        id: String,
        parse: fn(&str, &str) -> Result<T, String>,
    ) -> Self {
        Self {
            value: OnceCell::new(),
            sdk: sdk.clone(),
            id,
            parse,
        }
    }

    /// The value, read now if it was not yet.
    pub async fn get(&self) -> Result<&T, String> {
        self.value
            .get_or_try_init(|| async { (self.parse)(&self.id, &read(&self.sdk, &self.id).await?) })
            .await
            .map_err(|error| {
                tracing::error!(%error, "a secret cannot be read");
                error
            })
    }
}

/// The ERP keys' secret (`ERP_KEYS_SECRET_ID`) as a function holds it: read on first use (the
/// inbound routes, the queue consumer's ERP calls); clones share the read.
#[derive(Clone)]
pub struct ErpKeysSecret(Arc<SecretCell<ErpKeys>>);

impl std::fmt::Debug for ErpKeysSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ErpKeysSecret").field(&self.0.id).finish()
    }
}

impl ErpKeysSecret {
    /// The secret the environment names (`None` when it names none: then the `ERP_API_KEY*`
    /// variables are in force).
    pub fn from_env(sdk: &aws_config::SdkConfig) -> Option<Self> {
        secret_id(ERP_KEYS_VAR).map(|id| Self(Arc::new(SecretCell::new(sdk, id, erp_keys_of))))
    }

    /// The keys, read now if they were not yet.
    pub async fn get(&self) -> Result<&ErpKeys, String> {
        self.0.get().await
    }
}

/// The ERP keys of the secret `id`'s text. An empty key counts as unset.
fn erp_keys_of(id: &str, text: &str) -> Result<ErpKeys, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| format!("the secret {id} is not JSON"))?;
    let key = |name: &str| {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Ok(ErpKeys {
        inbound: key("inbound"),
        outbound: key("outbound"),
    })
}
