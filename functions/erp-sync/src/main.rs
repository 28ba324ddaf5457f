//! Lambda entry point: build the clients once, then serve the router.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let state = shared::App::from_env().await?;
    lambda_http::run(erp_sync::router(state)).await
}
