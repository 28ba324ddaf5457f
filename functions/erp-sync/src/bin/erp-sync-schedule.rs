//! The periodic sync (EventBridge schedule, every 30 minutes by default): queues a pull of the
//! ERP's changes since the last cursor; the queue consumer runs it and records it in the run
//! history. Overlapping runs are safe: the cursor only moves forward, conditionally.

use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let sync = erp_sync::ErpSync::cold_start_schedule().await?;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<serde_json::Value>| {
        let sync = sync.clone();
        async move {
            let summary = erp_sync::scheduled_run(&sync).await?;
            tracing::info!(%summary, "scheduled sync");
            Ok::<_, lambda_runtime::Error>(serde_json::json!({ "summary": summary }))
        }
    }))
    .await
}
