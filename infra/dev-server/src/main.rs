//! The local dev server: every function of the portal in one process, on the local stack.
//!
//! - `serve`: provisions the table, bus, queues and rules (idempotent), seeds the demo data once,
//!   serves every function's axum router on one port, polls the queues and hands each batch to
//!   its consumer as a real `SqsEvent` (deleting only what succeeded), and runs the schedules.
//!   The handlers are the same code Lambda runs.
//! - `bootstrap`: provisioning only. `seed`: demo data only.
//! - `create-admin --email E --name N [--password P]`: the first admin of a real deployment.

mod seed;

use std::process::ExitCode;

use dev_server::{erp_sync_state, merged_router, spawn_background, Schedules};
use shared::config::Config;
use shared::localstack::{provision, Provisioned, ResourceNames};
use shared::{App, AppState};

const USAGE: &str = "usage: dev-server <command>
  serve                                         provision, seed once, serve the API, poll queues, run schedules
  bootstrap                                     create the table, bus, queues and rules (idempotent)
  seed                                          load the demo data (once; skipped when already there)
  create-admin --email E --name N [--password P]
                                                create a staff admin in TABLE_NAME (real AWS credentials)";

#[tokio::main]
async fn main() -> ExitCode {
    shared::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve().await,
        Some("bootstrap") => bootstrap().await.map(|_| ()),
        Some("seed") => seed_only().await,
        Some("create-admin") => create_admin(&args[1..]).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dev-server: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The local commands create demo users with a published password: refuse to run them against
/// anything but the local stack.
fn require_local_stack() -> Result<(), String> {
    match std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
        Ok(url) if url.contains("127.0.0.1") || url.contains("localhost") => Ok(()),
        Ok(url) => Err(format!(
            "AWS_ENDPOINT_URL_DYNAMODB={url} is not a local endpoint; serve/bootstrap/seed only run on the local stack (use `make dev`)"
        )),
        Err(_) => Err(
            "AWS_ENDPOINT_URL_DYNAMODB is not set; serve/bootstrap/seed only run on the local stack (use `make dev`)"
                .into(),
        ),
    }
}

fn local_names(config: &Config) -> ResourceNames {
    let mut names = ResourceNames::with_prefix(&config.table_name);
    names.bus = config.event_bus_name.clone();
    names
}

/// Configuration, SDK clients and the provisioned local resources.
async fn bootstrap() -> Result<(AppState, Provisioned), String> {
    require_local_stack()?;
    let config = Config::from_env()?;
    let sdk = shared::aws::load_from_env().await;
    // As the HTTP functions do: `JWT_KEYS_SECRET_ID` (a secret in moto) or `JWT_SECRET`.
    let session_keys = shared::secrets::session_keys(&sdk, &config.jwt_secret)?;
    let names = local_names(&config);
    let provisioned = provision(&sdk, &names, &config.sender_email).await?;
    tracing::info!(table = %names.table, bus = %names.bus, "local resources ready");
    Ok((
        App::with_session_keys(config, &sdk, session_keys),
        provisioned,
    ))
}

/// The erp-sync function's settings from the environment, as Lambda reads them.
fn local_erp_sync(
    app: &AppState,
    sqs: &aws_sdk_sqs::Client,
    provisioned: &Provisioned,
) -> erp_sync::SyncState {
    erp_sync_state(
        app,
        sqs,
        provisioned,
        shared::sync::SyncSettings::from_env(),
    )
}

async fn seed_only() -> Result<(), String> {
    let (app, provisioned) = bootstrap().await?;
    let sqs = aws_sdk_sqs::Client::new(&shared::aws::load_from_env().await);
    let router = merged_router(&app, &local_erp_sync(&app, &sqs, &provisioned));
    seed::run(&app, &router, &provisioned).await?;
    Ok(())
}

async fn serve() -> Result<(), String> {
    let schedules = Schedules::from_env()?;
    let (app, provisioned) = bootstrap().await?;
    let sqs = aws_sdk_sqs::Client::new(&shared::aws::load_from_env().await);
    let erp = local_erp_sync(&app, &sqs, &provisioned);
    let router = merged_router(&app, &erp);
    let seeded = seed::run(&app, &router, &provisioned).await?;
    // The web UI beside the API (after the seed, which only calls the API).
    let dist = dev_server::ui::dist_dir();
    if !dist.join("index.html").is_file() {
        tracing::warn!(dist = %dist.display(), "the web UI is not built (make dev builds it); serving the API only");
    }
    let router = dev_server::ui::with_ui(router, &dist);

    let mut background = tokio::task::JoinSet::new();
    spawn_background(&mut background, &app, &erp, &sqs, &provisioned, &schedules).await?;

    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}"))
        .await
        .map_err(|e| {
            format!("cannot listen on {host}:{port}: {e} (set API_PORT to use another port)")
        })?;
    print_banner(&port, &seeded, erp.ctx.settings.erp_base_url.as_deref());

    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
        .await
        .map_err(|e| format!("server: {e}"))?;
    // Pollers and schedules stop with the process; an interrupted batch is redelivered and the
    // consumers are idempotent.
    background.abort_all();
    Ok(())
}

/// `erp_base_url`: the ERP the portal talks to (locally, the simulator `make dev` starts).
fn print_banner(port: &str, seeded: &seed::Summary, erp_base_url: Option<&str>) {
    let api = format!("http://localhost:{port}");
    let moto = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:5000".into());
    println!();
    println!("  B2B portal dev server");
    println!("  web portal       {api}/            (staff console: {api}/admin)");
    println!("  API              {api}/v1/...");
    println!("  health           {api}/v1/health");
    println!("  OpenAPI          {api}/v1/openapi.json");
    println!("  sent emails      {moto}/moto-api/  (raw: {moto}/moto-api/data.json, key \"ses\")");
    if let Some(erp) = erp_base_url.map(|url| url.trim_end_matches('/')) {
        println!("  ERP (simulator)  {erp}   orders it received: {erp}/received");
        println!("                   make erp-stop / make erp-start play an ERP outage");
    }
    println!("  demo logins      (password {})", seed::DEMO_PASSWORD);
    for (who, email) in &seeded.logins {
        println!("    {who:<15}{email}");
    }
    println!("  Ctrl-C stops the server and the local stack it started.");
    println!();
}

/// `create-admin`: the first admin of a deployed stack, straight into its table.
async fn create_admin(args: &[String]) -> Result<(), String> {
    let mut email = None;
    let mut name = None;
    let mut password = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--email" => email = Some(value.clone()),
            "--name" => name = Some(value.clone()),
            "--password" => password = Some(value.clone()),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    let (Some(email), Some(name)) = (email, name) else {
        return Err(format!("--email and --name are required\n{USAGE}"));
    };
    seed::create_admin(&email, &name, password.as_deref()).await
}
