//! The reference ERP as a standalone server (for `make dev`):
//!
//! `ERP_SIM_PORT` (default 4000), `ERP_SIM_API_KEY` (the key callers must send in `X-Api-Key`;
//! the portal's `ERP_API_KEY_OUT`; unset: any caller), `ERP_SIM_DEMO=0` to start without the
//! demo changes. Ctrl-C stops it (an ERP outage); its state is in memory only.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    shared::telemetry::init();
    let port = std::env::var("ERP_SIM_PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(4000);
    let api_key = std::env::var("ERP_SIM_API_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    let simulator = erp_simulator::Simulator::new(api_key);
    if std::env::var("ERP_SIM_DEMO")
        .map(|v| v != "0")
        .unwrap_or(true)
    {
        simulator.load_demo();
    }
    let running = simulator.start(&format!("127.0.0.1:{port}")).await?;
    println!("erp-simulator listening on {}", running.url());
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
    Ok(())
}
