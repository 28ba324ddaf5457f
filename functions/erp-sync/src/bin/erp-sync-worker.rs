//! Lambda entry point of the `erp-sync` queue consumer: order events to the ERP, inbound
//! chunks, sync runs. Failed messages are reported individually (ReportBatchItemFailures) and
//! retried with backoff; after the queue's maxReceiveCount they move to the DLQ.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let sync = erp_sync::ErpSync::cold_start_worker().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| {
        let sync = sync.clone();
        // Boxed: the SDK futures nest deeper than the compiler's default layout limit.
        Box::pin(async move {
            Ok::<SqsBatchResponse, Error>(erp_sync::handle(&sync, event.payload).await)
        })
    }))
    .await
}
