//! The reference ERP as a standalone server (for `make dev`, started by
//! `infra/scripts/erp-sim.sh`):
//!
//! `ERP_SIM_PORT` (default 4000), `ERP_SIM_API_KEY` (the key callers must send in `X-Api-Key`;
//! the portal's `ERP_API_KEY_OUT`; unset: any caller), `ERP_SIM_STATE_FILE` (where it keeps
//! what it received between runs; unset: memory only), `ERP_SIM_DEMO=0` to start without the
//! demo changes (loaded once, when there is no saved state). Ctrl-C or SIGTERM stops it (an
//! ERP outage).

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
    let mut simulator = erp_simulator::Simulator::new(api_key);
    let mut restored = false;
    if let Some(path) = std::env::var_os("ERP_SIM_STATE_FILE").filter(|p| !p.is_empty()) {
        (simulator, restored) = simulator.with_state_file(path)?;
    }
    let demo = std::env::var("ERP_SIM_DEMO")
        .map(|v| v != "0")
        .unwrap_or(true);
    if demo && !restored {
        simulator.load_demo();
    }
    let running = simulator.start(&format!("127.0.0.1:{port}")).await?;
    println!(
        "erp-simulator listening on {} ({})",
        running.url(),
        if restored {
            "state restored"
        } else {
            "fresh state"
        }
    );
    shutdown_signal().await;
    running.stop().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM (what `kill` and the dev scripts send).
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
