//! Lambda entry point of the HTTP routes (ERP inbound, sync admin, documents, statement):
//! build the clients and read the keys once, then serve the router.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let sync = erp_sync::ErpSync::cold_start_http().await?;
    lambda_http::run(erp_sync::router_with(sync)).await
}
