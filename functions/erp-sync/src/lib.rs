//! The erp-sync function: inbound ERP batches (HTTP, API key), the erp-sync queue consumer
//! (`src/bin/erp-sync-worker.rs`), the scheduled periodic sync (`src/bin/erp-sync-schedule.rs`),
//! and the customer's documents and statement, which are ERP data. Handlers are thin: parse,
//! call `shared::sync` / `shared::documents`, answer. The contract is docs/erp-contract.md.

mod admin;
mod customer;
pub mod erp_http;
mod inbound;

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use axum::extract::DefaultBodyLimit;
use axum::Extension;
use shared::http::MAX_JSON_BODY;
use shared::routes::ApiRouter;
use shared::sync::runs::{self, RunTrigger};
use shared::sync::{SyncContext, SyncSettings};
use shared::AppState;

pub use erp_http::HttpErp;

/// Largest inbound batch body (Lambda takes 6 MB per request).
pub const MAX_BATCH_BODY: usize = 6 * 1024 * 1024;

/// The function's state: the sync context (app, queue client, settings) and the ERP client.
pub struct ErpSync {
    pub ctx: SyncContext,
    pub erp: HttpErp,
}

pub type SyncState = Arc<ErpSync>;

impl ErpSync {
    /// `sqs`: `None` builds the client from the environment on first use.
    pub fn new(
        app: AppState,
        sqs: Option<aws_sdk_sqs::Client>,
        settings: SyncSettings,
    ) -> SyncState {
        let erp = HttpErp::new(
            settings.erp_base_url.clone(),
            settings.erp_api_key_out.clone(),
        )
        .with_key_secret(settings.keys_secret.clone());
        Arc::new(Self {
            ctx: SyncContext::new(app, sqs, settings),
            erp,
        })
    }

    /// The cold start of the HTTP function: clients, and where its keys are (the session signing
    /// keys for the admin and customer routes, the ERP's inbound key), each read on first use.
    pub async fn cold_start_http() -> Result<SyncState, String> {
        shared::aws_ops::within("erp-sync", async {
            let (app, sdk) = shared::App::from_env_with_session_keys_and_sdk().await?;
            Ok(Self::with_keys(app, &sdk))
        })
        .await
    }

    /// The cold start of the queue consumer: clients and where the ERP keys are (no session keys).
    pub async fn cold_start_worker() -> Result<SyncState, String> {
        shared::aws_ops::within("erp-sync-worker", async {
            let (app, sdk) = shared::App::from_env_and_sdk().await?;
            Ok(Self::with_keys(app, &sdk))
        })
        .await
    }

    /// The cold start of the schedule: it only queues a pull, so it reads no secret.
    pub async fn cold_start_schedule() -> Result<SyncState, String> {
        let (app, sdk) = shared::App::from_env_and_sdk().await?;
        Ok(Self::new(
            app,
            Some(aws_sdk_sqs::Client::new(&sdk)),
            SyncSettings::from_env(),
        ))
    }

    /// With the ERP keys: the secret's, read on first use (`SyncSettings::erp_keys`).
    fn with_keys(app: AppState, sdk: &aws_config::SdkConfig) -> SyncState {
        let settings = SyncSettings::from_env().with_secret_keys(sdk);
        Self::new(app, Some(aws_sdk_sqs::Client::new(sdk)), settings)
    }

    /// Settings from the environment (`ERP_*`, `SELLER_*`; see `SyncSettings::from_env`).
    pub fn from_env(app: AppState) -> SyncState {
        Self::new(app, None, SyncSettings::from_env())
    }
}

/// The router and its OpenAPI description, built from the same route list so they never differ.
/// Handlers read the [`ErpSync`] from a request extension that [`router_with`] adds.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
    let (router, mut doc) = ApiRouter::new()
        .merge(inbound::routes().layer(DefaultBodyLimit::max(MAX_BATCH_BODY)))
        .merge(
            ApiRouter::new()
                .merge(admin::routes())
                .merge(customer::routes())
                .layer(DefaultBodyLimit::max(MAX_JSON_BODY)),
        )
        .split_for_parts();
    // The ERP's routes take an API key instead of a session token.
    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "erp_api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        );
    (router, doc)
}

/// The router with settings from the environment.
pub fn router(state: AppState) -> axum::Router {
    router_with(ErpSync::from_env(state))
}

pub fn router_with(sync: SyncState) -> axum::Router {
    let app = Arc::clone(&sync.ctx.app);
    // Requests run as this function's code (aws_ops: the IAM test attributes AWS calls).
    shared::http::with_problem_fallbacks(
        shared::aws_ops::layer(api().0.layer(Extension(sync)), "erp-sync").with_state(app),
    )
}

/// The `erp-sync` queue consumer: order events to the ERP, inbound chunks, pulls. Failed
/// messages are reported individually and retried with backoff.
pub async fn handle(sync: &ErpSync, event: SqsEvent) -> SqsBatchResponse {
    let work = shared::sync::worker::handle(&sync.ctx, &sync.erp, event);
    shared::aws_ops::within("erp-sync-worker", work).await
}

/// The schedule's work (every 30 minutes): queue a pull of the ERP's changes. Returns a
/// one-line summary for the scheduled binary and the local dev server.
pub async fn scheduled_run(sync: &ErpSync) -> Result<String, String> {
    let start = runs::start_run(&sync.ctx, RunTrigger::Schedule, None);
    let run = shared::aws_ops::within("erp-sync-schedule", start)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("sync run {} queued", run.id))
}
