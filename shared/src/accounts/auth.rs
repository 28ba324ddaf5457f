//! Login (F7), invitation acceptance and password reset. Every failure of a login answers the
//! same 401 and takes the same time (unknown email, wrong password, locked, blocked, inactive
//! customer), so nothing reveals whether an email exists. Five consecutive failures lock the
//! login for fifteen minutes, during which the password is not even checked.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::login::{self, Login, LoginOwner, LoginStatus};
use super::tokens::{self, TokenPurpose};
use crate::auth::password::{hash_password, validate_new_password, verify_password};
use crate::auth::Principal;
use crate::config::Config;
use crate::customers::model::{AccessState, Contact, CustomerStatus};
use crate::customers::{contacts, profile};
use crate::error::{AppError, AppResult};
use crate::messaging::{event_types, DomainEvent};
use crate::staff::StaffUser;
use crate::store::{self, keys, Store};
use crate::types::{now_rfc3339, Email, Language};

/// Consecutive failures that lock a login.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// Longer passwords are refused before any hashing (argon2 cost grows with input).
const MAX_PASSWORD_INPUT: usize = 1024;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: Email,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Session {
    /// Bearer token (HS256 JWT).
    pub token: String,
    pub expires_at: String,
    pub principal: Principal,
}

/// The one answer to every failed login.
fn failed() -> AppError {
    AppError::Unauthenticated
}

fn is_locked(login: &Login, now: DateTime<Utc>) -> bool {
    login
        .locked_until
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|until| until.with_timezone(&Utc) > now)
}

/// Logs in with email and password; returns the session.
pub async fn login(store: &Store, config: &Config, input: LoginRequest) -> AppResult<Session> {
    if input.password.len() > MAX_PASSWORD_INPUT {
        return Err(AppError::invalid("password", "is too long"));
    }
    let email = input.email.as_str();
    let Some(login) = login::get(store, email).await? else {
        // Same work as a real check, so the time does not tell the email is unknown.
        verify_password(&input.password, None).await;
        return Err(failed());
    };
    if is_locked(&login, Utc::now()) {
        verify_password(&input.password, None).await;
        return Err(failed());
    }
    if !verify_password(&input.password, login.password_hash.as_deref()).await {
        record_failure(store, email).await?;
        return Err(failed());
    }
    if login.status != LoginStatus::Active {
        return Err(failed());
    }
    let principal = match &login.owner {
        LoginOwner::Contact { customer_id } => {
            let customer = profile::get(store, customer_id).await?;
            let contact = contacts::get(store, customer_id, email).await?;
            match (customer, contact) {
                (Some(customer), Some(contact))
                    if customer.status == CustomerStatus::Active
                        && contact.access == AccessState::Active =>
                {
                    Principal::contact(
                        email,
                        contact.name.as_str(),
                        customer_id,
                        contact.permissions,
                        config.session_minutes,
                    )
                }
                _ => return Err(failed()),
            }
        }
        LoginOwner::Staff { staff_id } => {
            let staff: Option<StaffUser> =
                store.get(&keys::staff_pk(staff_id), keys::STAFF_SK).await?;
            match staff {
                Some(staff) if staff.active => Principal::staff(
                    staff_id,
                    staff.name.as_str(),
                    staff.role,
                    config.session_minutes,
                ),
                _ => return Err(failed()),
            }
        }
    };
    let now = now_rfc3339();
    store
        .transact(vec![store.tx_update(
            &keys::login_pk(email),
            keys::LOGIN_SK,
            "SET failed_attempts = :zero, last_login_at = :now REMOVE locked_until",
            Some("attribute_exists(PK)"),
            &[],
            vec![(":zero", store::n(0)), (":now", store::s(&now))],
        )?])
        .await?;
    if let LoginOwner::Contact { customer_id } = &login.owner {
        touch_contact(store, customer_id, email, &now).await;
        crate::activity::record(store, &principal, "login", json!({})).await;
    }
    Ok(Session {
        token: principal.token(&config.jwt_secret),
        expires_at: principal
            .expires_at()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        principal,
    })
}

/// F6 last access; best effort (a failed write must not fail the login).
async fn touch_contact(store: &Store, customer_id: &str, email: &str, now: &str) {
    let update = store.tx_update(
        &keys::customer_pk(customer_id),
        &keys::contact_sk(email),
        "SET last_access_at = :now",
        Some("attribute_exists(PK)"),
        &[],
        vec![(":now", store::s(now))],
    );
    let result = match update {
        Ok(action) => store.transact(vec![action]).await,
        Err(e) => Err(e),
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "contact last access not recorded");
    }
}

/// Counts a failure atomically; the fifth in a row locks the login and restarts the count.
async fn record_failure(store: &Store, email: &str) -> AppResult<()> {
    let out = store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(&keys::login_pk(email), keys::LOGIN_SK)))
        .update_expression("ADD failed_attempts :one")
        .condition_expression("attribute_exists(PK)")
        .expression_attribute_values(":one", store::n(1))
        .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
        .send()
        .await;
    let attempts = match out {
        Ok(out) => out
            .attributes
            .and_then(|a| a.get("failed_attempts").cloned())
            .and_then(|v| v.as_n().ok().and_then(|n| n.parse::<u32>().ok()))
            .unwrap_or(0),
        Err(err) => {
            tracing::warn!(error = ?err, "failed login not counted");
            return Ok(());
        }
    };
    if attempts >= MAX_FAILED_ATTEMPTS {
        let until = (Utc::now() + Duration::minutes(LOCK_MINUTES))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        store
            .transact(vec![store.tx_update(
                &keys::login_pk(email),
                keys::LOGIN_SK,
                "SET locked_until = :until, failed_attempts = :zero",
                Some("attribute_exists(PK)"),
                &[],
                vec![(":until", store::s(&until)), (":zero", store::n(0))],
            )?])
            .await?;
        tracing::warn!("login locked after repeated failures");
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The `token` query parameter of the emailed link.
    pub token: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PasswordSet {
    pub email: Email,
    pub status: &'static str,
}

/// F7: sets the password with an invitation token and activates the access. The token is
/// consumed in the same transaction, so a second use fails.
pub async fn accept_invitation(store: &Store, input: SetPassword) -> AppResult<PasswordSet> {
    set_password_with_token(store, input, TokenPurpose::Invitation).await
}

/// Sets a password with a token of `purpose`: the token must be the login's pending one, and is
/// consumed with the change. An invited login (and its contact's access) becomes active, so a
/// reset link also serves someone who lost their invitation.
async fn set_password_with_token(
    store: &Store,
    input: SetPassword,
    purpose: TokenPurpose,
) -> AppResult<PasswordSet> {
    validate_new_password("password", &input.password)?;
    let (hash, record) = tokens::load_valid(store, &input.token, purpose).await?;
    let usable = |status: LoginStatus| match purpose {
        TokenPurpose::Invitation => status == LoginStatus::Invited,
        TokenPurpose::PasswordReset => {
            matches!(status, LoginStatus::Active | LoginStatus::Invited)
        }
    };
    let login = login::get(store, record.email.as_str())
        .await?
        .filter(|l| usable(l.status) && l.pending_token_hash.as_deref() == Some(&hash))
        .ok_or_else(tokens::invalid_token)?;
    let password_hash = hash_password(&input.password).await?;
    let mut actions = vec![
        tokens::tx_consume(store, &hash)?,
        store.tx_update(
            &keys::login_pk(login.email.as_str()),
            keys::LOGIN_SK,
            "SET #status = :active, password_hash = :password, failed_attempts = :zero, updated_at = :now REMOVE pending_token_hash, locked_until",
            Some("#status = :expected AND pending_token_hash = :hash"),
            &[("#status", "status")],
            vec![
                (":active", store::s(LoginStatus::Active.as_str())),
                (":expected", store::s(login.status.as_str())),
                (":password", store::s(&password_hash)),
                (":hash", store::s(&hash)),
                (":zero", store::n(0)),
                (":now", store::s(&now_rfc3339())),
            ],
        )?,
    ];
    if let (LoginStatus::Invited, LoginOwner::Contact { customer_id }) =
        (login.status, &login.owner)
    {
        actions.push(store.tx_update(
            &keys::customer_pk(customer_id),
            &keys::contact_sk(login.email.as_str()),
            "SET #access = :active",
            Some("#access = :invited"),
            &[("#access", "access")],
            vec![
                (":active", store::s(AccessState::Active.as_str())),
                (":invited", store::s(AccessState::Invited.as_str())),
            ],
        )?);
    }
    match store.transact(actions).await {
        Ok(()) => Ok(PasswordSet {
            email: login.email,
            status: match purpose {
                TokenPurpose::Invitation => "active",
                TokenPurpose::PasswordReset => "password_changed",
            },
        }),
        Err(e) if profile::any_condition_failed(&e) => Err(tokens::invalid_token()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: Email,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResetReceipt {
    pub status: &'static str,
    pub message: &'static str,
}

pub const RESET_RECEIPT: ResetReceipt = ResetReceipt {
    status: "accepted",
    message: "If this email has an active access, a link to choose a new password is on its way.",
};

/// Who the reset email greets, in which language; `None` when this login gets no reset.
async fn reset_recipient(
    store: &Store,
    login: &Login,
) -> AppResult<Option<(String, Language, Option<String>)>> {
    match &login.owner {
        LoginOwner::Contact { customer_id } => {
            let customer = profile::get(store, customer_id).await?;
            let contact: Option<Contact> =
                contacts::get(store, customer_id, login.email.as_str()).await?;
            Ok(match (customer, contact) {
                (Some(c), Some(contact))
                    if c.status == CustomerStatus::Active && contact.has_access() =>
                {
                    Some((
                        contact.name.to_string(),
                        contact.language.unwrap_or(c.language),
                        Some(c.id),
                    ))
                }
                _ => None,
            })
        }
        LoginOwner::Staff { staff_id } => {
            let staff: Option<StaffUser> =
                store.get(&keys::staff_pk(staff_id), keys::STAFF_SK).await?;
            let language = crate::settings::load(store).await?.default_language;
            Ok(staff
                .filter(|s| s.active)
                .map(|s| (s.name.to_string(), language, None)))
        }
    }
}

/// Requests a reset link. Always the same answer; only an active or invited login (of an
/// active customer's contact with access, or of an active staff member) gets a token, which
/// replaces any earlier one, and a `PasswordResetRequested` event, in one transaction.
pub async fn request_password_reset(
    store: &Store,
    config: &Config,
    input: PasswordResetRequest,
) -> AppResult<Vec<DomainEvent>> {
    let Some(login) = login::get(store, input.email.as_str()).await? else {
        return Ok(Vec::new());
    };
    if !matches!(login.status, LoginStatus::Active | LoginStatus::Invited) {
        return Ok(Vec::new());
    }
    let Some((name, language, customer_id)) = reset_recipient(store, &login).await? else {
        return Ok(Vec::new());
    };
    let token = tokens::issue(
        TokenPurpose::PasswordReset,
        &login.email,
        Duration::minutes(config.reset_minutes),
    );
    let reset_url = tokens::reset_url(&config.public_base_url, &token.token);
    let event = DomainEvent::new(
        event_types::PASSWORD_RESET_REQUESTED,
        customer_id.as_deref(),
        json!({
            "email": login.email,
            "name": name,
            "language": language,
            "customer_id": customer_id,
            "reset_url": reset_url,
            "expires_at": token.record.expires_at,
        }),
    );
    let mut actions = vec![
        store.tx_update(
            &keys::login_pk(login.email.as_str()),
            keys::LOGIN_SK,
            "SET pending_token_hash = :hash, updated_at = :now",
            Some("#status = :expected"),
            &[("#status", "status")],
            vec![
                (":hash", store::s(&token.hash)),
                (":expected", store::s(login.status.as_str())),
                (":now", store::s(&now_rfc3339())),
            ],
        )?,
        token.tx_put(store)?,
        event.outbox_put(store)?,
    ];
    if let Some(old) = &login.pending_token_hash {
        actions.push(store.tx_delete(&keys::token_pk(old), keys::TOKEN_SK, None)?);
    }
    match store.transact(actions).await {
        Ok(()) => Ok(vec![event]),
        // Blocked meanwhile: no email, and the same answer.
        Err(e) if profile::any_condition_failed(&e) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Sets a new password with a reset token, consuming it; also lifts a login lock.
pub async fn confirm_password_reset(store: &Store, input: SetPassword) -> AppResult<PasswordSet> {
    set_password_with_token(store, input, TokenPurpose::PasswordReset).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_window() {
        let mut login = Login::invited(
            Email::parse("a@b.co").unwrap(),
            LoginOwner::Staff {
                staff_id: "s".into(),
            },
            "h",
        );
        let now = Utc::now();
        assert!(!is_locked(&login, now));
        login.locked_until = Some((now + Duration::minutes(1)).to_rfc3339());
        assert!(is_locked(&login, now));
        assert!(!is_locked(&login, now + Duration::minutes(2)));
    }
}
