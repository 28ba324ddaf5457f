//! Runtime configuration, read once from the environment at cold start.

use std::env;

use crate::auth::jwt::{SigningKeys, MIN_KEY_LEN};

#[derive(Clone, Debug)]
pub struct Config {
    pub table_name: String,
    pub event_bus_name: String,
    /// The session tokens' HS256 keys, by key id. Never a literal in the repo: from Secrets
    /// Manager in AWS, read at cold start by the functions that need them only (see
    /// `crate::secrets`); from `JWT_SECRET` locally (`.local/`, generated on first run).
    /// (The field keeps its old name: `principal.token(&config.jwt_secret)` reads as before.)
    pub jwt_secret: SigningKeys,
    /// Base of links in emails (invitation, password reset), e.g. `https://shop.example.com`.
    pub public_base_url: String,
    /// Sender of every email; must be verified in SES.
    pub sender_email: String,
    pub session_minutes: i64,
    pub invitation_hours: i64,
    pub reset_minutes: i64,
    /// How long a container trusts its last check of a contact's access and customer status
    /// (see `auth::revocation`): a revoked contact is refused within this time. At most
    /// [`MAX_ACCESS_CACHE`]; tests shorten it.
    pub access_cache_ttl: std::time::Duration,
}

/// The upper bound of [`Config::access_cache_ttl`]: a revocation reaches every warm container
/// within 30 seconds, whatever the environment says.
pub const MAX_ACCESS_CACHE: std::time::Duration = std::time::Duration::from_secs(30);

impl Config {
    pub fn from_env() -> Result<Self, String> {
        // The local fallback; in AWS the keys come from Secrets Manager (`App::from_env_with`).
        let jwt_secret = match env::var("JWT_SECRET") {
            Ok(s) if s.len() < MIN_KEY_LEN => {
                return Err(format!(
                    "JWT_SECRET must be at least {MIN_KEY_LEN} characters"
                ))
            }
            Ok(s) => SigningKeys::single("local", s.as_bytes()),
            Err(_) => SigningKeys::none(),
        };
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            event_bus_name: env::var("EVENT_BUS_NAME").unwrap_or_else(|_| "b2b-portal".into()),
            jwt_secret,
            public_base_url: env::var("PUBLIC_BASE_URL")
                .unwrap_or_else(|_| "http://localhost:3000".into()),
            sender_email: env::var("SENDER_EMAIL")
                .unwrap_or_else(|_| "no-reply@example.com".into()),
            session_minutes: number("SESSION_MINUTES", 60),
            invitation_hours: number("INVITATION_HOURS", 72),
            reset_minutes: number("PASSWORD_RESET_MINUTES", 30),
            access_cache_ttl: std::time::Duration::from_secs(
                number("ACCESS_CACHE_SECONDS", 30).clamp(0, MAX_ACCESS_CACHE.as_secs() as i64)
                    as u64,
            ),
        })
    }

    /// A configuration for tests and tools, pointing at the given table and bus.
    pub fn for_table(table_name: &str, event_bus_name: &str) -> Self {
        Self {
            table_name: table_name.into(),
            event_bus_name: event_bus_name.into(),
            jwt_secret: SigningKeys::single("test", b"test-secret-that-is-long-enough-for-hs256!"),
            public_base_url: "http://localhost:3000".into(),
            sender_email: "no-reply@example.com".into(),
            session_minutes: 60,
            invitation_hours: 72,
            reset_minutes: 30,
            access_cache_ttl: MAX_ACCESS_CACHE,
        }
    }
}

fn required(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("{name} is not set"))
}

fn number(name: &str, default: i64) -> i64 {
    env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
