//! ERP sync both ways (F29-F32). The contract is docs/erp-contract.md.
//!
//! - [`records`]: the inbound records (items, prices, stock, customers, documents) and their
//!   validation; [`version`]: how record versions compare.
//! - [`batches`]: inbound batches: validated, queued in chunks on the `erp-sync` queue,
//!   their status and per-row errors.
//! - [`apply`]: the worker's idempotent application of records (conditional on version).
//! - [`outbound`]: order events to the ERP, in order per order, marked when acknowledged.
//! - [`runs`]: the periodic pull of changes since a cursor, and its history.
//! - [`dead_letters`]: listing and replaying the `erp-sync` DLQ.
//! - [`worker`]: the queue consumer that dispatches all of the above.
//! - [`erp`]: the ERP's side of the contract as a trait, so the transport lives in the
//!   function crate and tests can use the reference simulator.

pub mod apply;
pub mod batches;
pub mod dead_letters;
pub mod erp;
pub mod outbound;
pub mod records;
pub mod runs;
pub mod version;
pub mod worker;

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::app::AppState;
use crate::documents::Party;
use crate::error::{AppError, AppResult};

/// A problem with one field of one record (`records[3].sku`, `changes.items[0].tax_rate`), as
/// stored in batch results and run histories.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RecordError {
    pub field: String,
    pub reason: String,
}

impl RecordError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl From<crate::error::FieldError> for RecordError {
    fn from(e: crate::error::FieldError) -> Self {
        Self::new(e.field, e.reason)
    }
}

/// Configuration of the sync, from the function's environment.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    /// The `erp-sync` queue (`ERP_SYNC_QUEUE_URL`): inbound chunks, pulls and order events.
    pub queue_url: Option<String>,
    /// Its dead-letter queue (`ERP_SYNC_DLQ_URL`).
    pub dlq_url: Option<String>,
    /// The key the ERP sends in `X-Api-Key` on the inbound routes (`ERP_API_KEY`). Unset:
    /// every inbound call is refused.
    pub inbound_api_key: Option<String>,
    /// The ERP's endpoint (`ERP_BASE_URL`) and the key the portal sends it (`ERP_API_KEY_OUT`).
    pub erp_base_url: Option<String>,
    pub erp_api_key_out: Option<String>,
    /// In AWS both ERP keys come from this secret instead (`ERP_KEYS_SECRET_ID`), read on first
    /// use: see [`SyncSettings::erp_keys`].
    pub keys_secret: Option<crate::secrets::ErpKeysSecret>,
    /// First retry delay after the ERP failed to answer (`ERP_RETRY_BASE_SECONDS`, default 30);
    /// each further attempt waits 4 times longer (30 s, 2 min, 8 min, 32 min, ...).
    pub retry_base_seconds: u64,
    /// While the ERP does not answer, an order event is put back with a delay doubling from
    /// `retry_base_seconds` up to this ceiling (`ERP_OUTAGE_MAX_DELAY_SECONDS`, default 900,
    /// SQS's longest message delay): at most this long after the ERP is back, all goes through.
    pub outage_max_delay_seconds: u64,
    /// An order event that has waited longer than this (`ERP_OUTAGE_MAX_HOURS`, default 72)
    /// for the ERP to answer, or for the event before it, is treated as failing: ordinary
    /// retries, then the DLQ.
    pub outage_max_hours: u64,
    /// The seller's fiscal data printed on documents that do not carry their issuer
    /// (`SELLER_LEGAL_NAME`, `SELLER_TAX_ID`, `SELLER_ADDRESS`).
    pub seller: Option<Party>,
    /// Records asked of the ERP per page of a pull (`runs::PAGE_LIMIT`; tests make it small to
    /// pull several pages).
    pub pull_page_size: u32,
}

impl Default for SyncSettings {
    /// Nothing configured, the retry timings of AWS.
    fn default() -> Self {
        Self {
            queue_url: None,
            dlq_url: None,
            inbound_api_key: None,
            erp_base_url: None,
            erp_api_key_out: None,
            keys_secret: None,
            retry_base_seconds: 30,
            outage_max_delay_seconds: 900,
            outage_max_hours: 72,
            seller: None,
            pull_page_size: runs::PAGE_LIMIT,
        }
    }
}

impl SyncSettings {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let seller = match (var("SELLER_LEGAL_NAME"), var("SELLER_TAX_ID")) {
            (Some(name), Some(tax_id)) => Some(Party {
                name,
                tax_id,
                address: var("SELLER_ADDRESS").map(|a| a.replace("\\n", "\n")),
            }),
            _ => None,
        };
        Self {
            queue_url: var("ERP_SYNC_QUEUE_URL"),
            dlq_url: var("ERP_SYNC_DLQ_URL"),
            inbound_api_key: var("ERP_API_KEY"),
            erp_base_url: var("ERP_BASE_URL"),
            erp_api_key_out: var("ERP_API_KEY_OUT"),
            keys_secret: None,
            retry_base_seconds: var("ERP_RETRY_BASE_SECONDS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30),
            outage_max_delay_seconds: var("ERP_OUTAGE_MAX_DELAY_SECONDS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(900),
            outage_max_hours: var("ERP_OUTAGE_MAX_HOURS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(72),
            seller,
            pull_page_size: runs::PAGE_LIMIT,
        }
    }

    /// With the ERP keys of the secret the function's environment names (`ERP_KEYS_SECRET_ID`,
    /// AWS), read on first use; without it the `ERP_API_KEY*` variables stay (local runs).
    pub fn with_secret_keys(mut self, sdk: &aws_config::SdkConfig) -> Self {
        self.keys_secret = crate::secrets::ErpKeysSecret::from_env(sdk);
        self
    }

    /// The ERP keys in force: the secret's when there is one (read now if it was not yet),
    /// else the configured ones. A secret that cannot be read is `Unavailable` (a 503 problem;
    /// an order event is retried).
    pub async fn erp_keys(&self) -> AppResult<crate::secrets::ErpKeys> {
        match &self.keys_secret {
            Some(secret) => secret.get().await.cloned().map_err(|_| {
                AppError::Unavailable("the ERP's keys cannot be read right now".into())
            }),
            None => Ok(crate::secrets::ErpKeys {
                inbound: self.inbound_api_key.clone(),
                outbound: self.erp_api_key_out.clone(),
            }),
        }
    }

    /// Whether `presented` is the inbound key in force.
    pub async fn inbound_key_matches(&self, presented: Option<&str>) -> AppResult<bool> {
        Ok(keys_match(
            self.erp_keys().await?.inbound.as_deref(),
            presented,
        ))
    }

    /// How long a message waits before its next attempt after the ERP failed to answer:
    /// `base * 4^(attempt - 1)`, at most 12 hours (SQS's longest visibility timeout).
    pub fn retry_delay_seconds(&self, attempt: u32) -> i32 {
        let factor = 4u64.saturating_pow(attempt.saturating_sub(1));
        self.retry_base_seconds
            .saturating_mul(factor)
            .min(12 * 3600) as i32
    }
}

/// What the sync's domain functions need: the app (store, bus), the queue client and settings.
pub struct SyncContext {
    pub app: AppState,
    pub settings: SyncSettings,
    sqs: OnceCell<aws_sdk_sqs::Client>,
}

impl SyncContext {
    /// `sqs`: a client to use; `None` builds one from the environment on first use (so the
    /// HTTP router can be built synchronously, as every function's `router(state)` is).
    pub fn new(app: AppState, sqs: Option<aws_sdk_sqs::Client>, settings: SyncSettings) -> Self {
        Self {
            app,
            settings,
            sqs: match sqs {
                // Recorded, so tests can compare the actions with the IAM policy (aws_ops).
                Some(client) => OnceCell::new_with(Some(crate::aws_ops::sqs(client))),
                None => OnceCell::new(),
            },
        }
    }

    pub async fn sqs(&self) -> &aws_sdk_sqs::Client {
        self.sqs
            .get_or_init(|| async {
                crate::aws_ops::sqs(aws_sdk_sqs::Client::new(&crate::aws::load_from_env().await))
            })
            .await
    }

    pub fn store(&self) -> &crate::store::Store {
        &self.app.store
    }

    pub fn queue_url(&self) -> Result<&str, AppError> {
        self.settings
            .queue_url
            .as_deref()
            .ok_or_else(|| AppError::Unavailable("ERP_SYNC_QUEUE_URL is not configured".into()))
    }
}

/// Whether `presented` is `expected`. Compares SHA-256 digests in constant time, so neither the
/// key's content nor its length leaks through timing.
fn keys_match(expected: Option<&str>, presented: Option<&str>) -> bool {
    let (Some(expected), Some(presented)) = (expected, presented) else {
        return false;
    };
    let a = Sha256::digest(expected.as_bytes());
    let b = Sha256::digest(presented.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_compare_exactly() {
        let key = Some("s3cret-key");
        assert!(keys_match(key, Some("s3cret-key")));
        assert!(!keys_match(key, Some("s3cret-kez")));
        assert!(!keys_match(key, Some("")));
        assert!(!keys_match(key, None));
        assert!(!keys_match(None, Some("")));
    }

    #[test]
    fn retries_back_off_exponentially_up_to_twelve_hours() {
        let settings = SyncSettings {
            retry_base_seconds: 30,
            ..Default::default()
        };
        assert_eq!(settings.retry_delay_seconds(1), 30);
        assert_eq!(settings.retry_delay_seconds(2), 120);
        assert_eq!(settings.retry_delay_seconds(3), 480);
        assert_eq!(settings.retry_delay_seconds(40), 43_200);
    }
}
