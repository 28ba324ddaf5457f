//! The `reports` queue's consumer: keeps the sales report buckets up to date from the order
//! events (placed, claimed, fulfilled, cancelled, expired), each counted once however often it
//! is delivered. Failed messages are reported individually (`ReportBatchItemFailures`).

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| {
        let app = app.clone();
        // Boxed: the SDK futures nest deeper than the compiler's default layout limit.
        Box::pin(async move {
            Ok::<SqsBatchResponse, Error>(orders::handle_report_events(&app, event.payload).await)
        })
    }))
    .await
}
