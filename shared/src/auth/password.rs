//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{AppError, AppResult};

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 128;

pub fn validate_new_password(field: &str, password: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Err(AppError::invalid(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if chars > MAX_PASSWORD_LEN {
        return Err(AppError::invalid(
            field,
            format!("must be at most {MAX_PASSWORD_LEN} characters"),
        ));
    }
    Ok(())
}

/// Hashes on a blocking thread: argon2 is CPU-bound by design.
pub async fn hash_password(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// Verifies a password. With `None` (no such login) it still spends the same work on a dummy
/// hash, so the answer time does not reveal whether an email exists.
pub async fn verify_password(password: &str, stored_hash: Option<&str>) -> bool {
    // A real argon2id hash of a random, unknowable password.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Q1zA4Xo0kYh1n3nTnAq7J9m9h2m6yqk8s9wQe0J0b5E";
    #[cfg(feature = "testing")]
    if let Some(hash) = stored_hash {
        checks::record(hash);
    }
    let password = password.to_owned();
    let exists = stored_hash.is_some();
    let hash = stored_hash.unwrap_or(DUMMY).to_owned();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && exists
    })
    .await
    .unwrap_or(false)
}

/// Test support: how many times a stored hash was really checked (a guess evaluated), so a
/// test can prove the login throttle bounds the guesses whatever the timing.
#[cfg(feature = "testing")]
pub mod checks {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    fn counts() -> &'static Mutex<HashMap<String, u64>> {
        static COUNTS: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
        COUNTS.get_or_init(|| Mutex::new(HashMap::new()))
    }

    pub(super) fn record(hash: &str) {
        let mut map = counts().lock().unwrap_or_else(|e| e.into_inner());
        *map.entry(hash.to_string()).or_default() += 1;
    }

    /// Checks against this stored hash so far (hashes are salted, so one per login).
    pub fn of(hash: &str) -> u64 {
        let map = counts().lock().unwrap_or_else(|e| e.into_inner());
        map.get(hash).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash_password("correct horse battery").await.unwrap();
        let b = hash_password("correct horse battery").await.unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&a)).await);
        assert!(!verify_password("wrong horse battery", Some(&a)).await);
        assert!(!verify_password("anything", None).await);
    }

    #[test]
    fn length_rules() {
        assert!(validate_new_password("password", "short").is_err());
        assert!(validate_new_password("password", "long enough!").is_ok());
    }
}
