//! Lambda entry point: build the clients once, then serve the router.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let state = accounts::cold_start().await?;
    lambda_http::run(accounts::router(state)).await
}
