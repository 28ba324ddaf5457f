//! Lambda entry point of the scheduled outbox sweep (an EventBridge schedule invokes it).

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_runtime::run(service_fn(
        |_: LambdaEvent<EventBridgeEvent<serde_json::Value>>| {
            let app = app.clone();
            async move {
                let relayed = notifications::sweep(&app).await?;
                Ok::<_, Error>(serde_json::json!({ "relayed": relayed }))
            }
        },
    ))
    .await
}
