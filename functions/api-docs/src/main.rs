//! Lambda entry point: build the clients once, then serve the router.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let state = shared::App::from_env().await?;
    lambda_http::run(api_docs::router(state)).await
}
