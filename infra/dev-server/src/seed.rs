//! Demo data for `make dev`, loaded once (a `SEED#demo` marker item records it).
//!
//! Staff users are created with `shared::staff::create_staff_user` (there is no one to log in
//! as before them); everything else goes through the public HTTP API on the merged router,
//! in-process, as the admin, so the seed can never drift from what the API accepts.

use serde_json::{json, Value};
use shared::auth::StaffRole;
use shared::localstack::Provisioned;
use shared::store::Keys;
use shared::types::{Email, Name};
use shared::{AppError, AppState};

/// Password of every demo login (documented in README.md; local stack only).
pub const DEMO_PASSWORD: &str = "demo-password-1";
pub const DEMO_ADMIN: &str = "admin@example.com";
pub const DEMO_AGENT: &str = "agent@example.com";

const MARKER_PK: &str = "SEED#demo";
const MARKER_SK: &str = "SEED";

/// What `make dev` prints at startup.
pub struct Summary {
    pub logins: Vec<(&'static str, &'static str)>,
}

fn summary() -> Summary {
    Summary {
        logins: vec![("admin", DEMO_ADMIN), ("agent", DEMO_AGENT)],
    }
}

/// The router, called in-process like API Gateway would, with a bearer token.
struct Api<'a> {
    router: &'a axum::Router,
    token: Option<String>,
}

impl Api<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        use tower::ServiceExt;
        let mut req = axum::http::Request::builder().method(method).uri(path);
        if let Some(token) = &self.token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(axum::body::Body::from(
                body.map(|b| b.to_string()).unwrap_or_default(),
            ))
            .map_err(|e| e.to_string())?;
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .map_err(|e| e.to_string())?;
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            Ok(json)
        } else {
            Err(format!(
                "seed: {method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            ))
        }
    }
}

/// Loads the demo data unless already there. Returns the logins to print.
pub async fn run(
    app: &AppState,
    router: &axum::Router,
    _provisioned: &Provisioned,
) -> Result<Summary, String> {
    if app
        .store
        .get_item(MARKER_PK, MARKER_SK)
        .await
        .map_err(|e| format!("seed marker: {e}"))?
        .is_some()
    {
        tracing::info!("demo data already loaded");
        return Ok(summary());
    }
    tracing::info!("loading demo data");

    staff_user(app, DEMO_ADMIN, "Ana Admin", StaffRole::Admin).await?;
    staff_user(app, DEMO_AGENT, "Arturo Agent", StaffRole::Agent).await?;

    let mut api = Api {
        router,
        token: None,
    };
    let login = api
        .call(
            "POST",
            "/v1/auth/login",
            Some(json!({"email": DEMO_ADMIN, "password": DEMO_PASSWORD})),
        )
        .await?;
    api.token = Some(
        login["token"]
            .as_str()
            .ok_or("seed: login answered no token")?
            .to_string(),
    );

    let mut settings = api.call("GET", "/v1/admin/settings", None).await?;
    settings["store_name"] = json!("Demo Wholesale");
    settings["seller_notification_emails"] = json!(["sales@example.com"]);
    settings["b2b_mode"] = json!(true);
    api.call("PUT", "/v1/admin/settings", Some(settings))
        .await?;

    let now = chrono::Utc::now();
    api.call(
        "POST",
        "/v1/admin/announcements",
        Some(json!({
            "title": "Welcome to the new ordering portal",
            "body": "Order online at your own prices, 24/7. Questions? Reply to any of our emails.",
            "audience": "all",
            "starts_at": now.to_rfc3339(),
            "ends_at": (now + chrono::Duration::days(365)).to_rfc3339(),
        })),
    )
    .await?;

    app.store
        .put(
            &Keys::new(MARKER_PK, MARKER_SK),
            &json!({"seeded_at": shared::types::now_rfc3339()}),
        )
        .await
        .map_err(|e| format!("seed marker: {e}"))?;
    tracing::info!("demo data loaded");
    Ok(summary())
}

/// A staff user with the demo password; an earlier, interrupted seed may have made it already.
async fn staff_user(
    app: &AppState,
    email: &str,
    name: &str,
    role: StaffRole,
) -> Result<(), String> {
    let email = Email::parse(email).map_err(|e| format!("seed: {e}"))?;
    let name = Name::parse(name).map_err(|e| format!("seed: {e}"))?;
    match shared::staff::create_staff_user(&app.store, email, name, role, Some(DEMO_PASSWORD)).await
    {
        Ok(_) => Ok(()),
        Err(AppError::Conflict { .. }) => Ok(()),
        Err(err) => Err(format!("seed staff user: {err:?}")),
    }
}

/// `create-admin`: the first admin of a real deployment (standard AWS credential chain,
/// `TABLE_NAME`).
pub async fn create_admin(email: &str, name: &str, password: Option<&str>) -> Result<(), String> {
    let table = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set".to_string())?;
    let sdk = aws_config::load_from_env().await;
    let store = shared::store::Store::new(aws_sdk_dynamodb::Client::new(&sdk), &table);
    let email = Email::parse(email).map_err(|e| format!("--email: {e}"))?;
    let name = Name::parse(name).map_err(|e| format!("--name: {e}"))?;
    let user = shared::staff::create_staff_user(&store, email, name, StaffRole::Admin, password)
        .await
        .map_err(|e| format!("{e:?}"))?;
    println!(
        "admin {} created (id {}) in table {table}",
        user.email.as_str(),
        user.id
    );
    Ok(())
}
