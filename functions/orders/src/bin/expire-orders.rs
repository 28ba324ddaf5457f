//! The scheduled expiry (EventBridge schedule, every 5 minutes by default): expires placed
//! orders nobody claimed in time and answered quotes past their validity, and finishes or undoes
//! what crashed placements left behind. Overlapping runs are safe: every change is conditional.

use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move {
            let summary = orders::expire_due_orders(app).await?;
            if !summary.is_empty() {
                tracing::info!(%summary, "expiry run");
            }
            Ok::<_, lambda_runtime::Error>(serde_json::json!({ "summary": summary }))
        }
    }))
    .await
}
