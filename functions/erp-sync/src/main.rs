//! Lambda entry point of the HTTP routes (ERP inbound, sync admin, documents, statement):
//! build the clients once, then serve the router.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    let sdk = aws_config::load_from_env().await;
    let sync = erp_sync::ErpSync::new(
        app,
        Some(aws_sdk_sqs::Client::new(&sdk)),
        shared::sync::SyncSettings::from_env(),
    );
    lambda_http::run(erp_sync::router_with(sync)).await
}
