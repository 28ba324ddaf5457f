//! Lambda entry point: build the clients once, then serve the router.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let state = orders::cold_start().await?;
    lambda_http::run(orders::router(state)).await
}
