//! Staff users (F8): admins and agents. Each has a `STAFF#<id>` item (listed through GSI1
//! `STAFF` / email) and a `LOGIN#<email>` login, written together in one transaction: an email
//! has one login across staff and contacts.
//!
//! The staff tools built on them live beside: acting as a customer ([`impersonation`]) and the
//! customer care actions (notes, emails to a customer, the activity report: [`customer_care`]).

pub mod customer_care;
pub mod impersonation;
pub mod paging;

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use crate::accounts::invitations::{self, Invitee};
use crate::accounts::login::{Login, LoginOwner, LoginStatus};
use crate::announcements::tx_put_if_version;
use crate::auth::password::{hash_password, validate_new_password};
use crate::auth::{Principal, StaffRole};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::messaging::DomainEvent;
use crate::store::{self, keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339, Email, Name};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffUser {
    pub id: String,
    pub email: Email,
    pub name: Name,
    pub role: StaffRole,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
    /// Bumped by every change; updates are conditional on it, so none is lost.
    #[serde(default)]
    pub version: u64,
    /// Sessions issued at or before this time (seconds since the epoch) are ended: set by a
    /// deactivation or a new password (see `auth::revocation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions_valid_after: Option<i64>,
    /// Ids of sessions ended by a logout.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended_sessions: Vec<String>,
}

impl StaffUser {
    fn new(email: Email, name: Name, role: StaffRole) -> Self {
        let now = now_rfc3339();
        Self {
            id: new_id(),
            email,
            name,
            role,
            active: true,
            created_at: now.clone(),
            updated_at: now,
            version: 1,
            sessions_valid_after: None,
            ended_sessions: Vec::new(),
        }
    }

    pub fn keys(&self) -> Keys {
        Keys::new(keys::staff_pk(&self.id), keys::STAFF_SK)
            .gsi1(keys::STAFF_INDEX_PK, self.email.as_str())
    }
}

/// Body of `POST /v1/admin/staff`. Without a password the new staff member is invited by email.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewStaffUser {
    pub email: Email,
    pub name: Name,
    pub role: StaffRole,
    #[serde(default)]
    pub password: Option<String>,
}

/// Body of `PATCH /v1/admin/staff/{id}`: only the fields given change. `active: false`
/// deactivates the staff member and blocks its login.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatch {
    pub name: Option<Name>,
    pub role: Option<StaffRole>,
    pub active: Option<bool>,
}

fn new_login(user: &StaffUser, status: LoginStatus, password_hash: Option<String>) -> Login {
    Login {
        email: user.email.clone(),
        owner: LoginOwner::Staff {
            staff_id: user.id.clone(),
        },
        status,
        password_hash,
        pending_token_hash: None,
        failed_attempts: 0,
        retry_at: None,
        sessions_valid_after: None,
        last_login_at: None,
        created_at: user.created_at.clone(),
        updated_at: user.created_at.clone(),
    }
}

fn login_keys(email: &Email) -> Keys {
    Keys::new(keys::login_pk(email.as_str()), keys::LOGIN_SK)
}

/// Writes the staff item, its login (only if the email has none) and `extra` actions in one
/// transaction.
async fn insert(
    store: &Store,
    user: &StaffUser,
    login: &Login,
    extra: Vec<TransactWriteItem>,
) -> AppResult<()> {
    let mut actions = vec![
        store.tx_put_new(&user.keys(), user)?,
        store.tx_put_new(&login_keys(&user.email), login)?,
    ];
    actions.extend(extra);
    store.transact(actions).await.map_err(|err| match err {
        StoreError::TransactionCanceled(reasons)
            if reasons.get(1).and_then(|r| r.as_deref()) == Some("ConditionalCheckFailed") =>
        {
            AppError::Conflict {
                code: "email-in-use",
                message: "this email already has a login (staff or contact)".into(),
                errors: vec![crate::FieldError::new("email", "already has a login")],
            }
        }
        other => other.into(),
    })
}

/// Creates a staff user and its login. With a password the login is active at once (the dev
/// seed, the `create-admin` command); without one it is `invited` with no link yet, and the
/// person sets a password through the password-reset flow (or an admin creates the user through
/// the API, which emails an invitation: [`invite_staff_user`]).
pub async fn create_staff_user(
    store: &Store,
    email: Email,
    name: Name,
    role: StaffRole,
    password: Option<&str>,
) -> AppResult<StaffUser> {
    let user = StaffUser::new(email, name, role);
    let login = match password {
        Some(password) => {
            validate_new_password("password", password)?;
            new_login(
                &user,
                LoginStatus::Active,
                Some(hash_password(password).await?),
            )
        }
        None => new_login(&user, LoginStatus::Invited, None),
    };
    insert(store, &user, &login, Vec::new()).await?;
    Ok(user)
}

/// Creates a staff user whose login is `invited`, with a single-use, expiring link to set a
/// password: the token record, the login and the `AccessInvited` event are written in the same
/// transaction as the staff item. Returns the user and the committed events, to relay.
pub async fn invite_staff_user(
    store: &Store,
    config: &Config,
    email: Email,
    name: Name,
    role: StaffRole,
) -> AppResult<(StaffUser, Vec<DomainEvent>)> {
    let settings = crate::settings::load(store).await?;
    let user = StaffUser::new(email, name, role);
    let invitation = invitations::prepare(
        config,
        &Invitee {
            email: &user.email,
            name: user.name.as_str(),
            language: settings.default_language,
            phone: None,
            customer_id: None,
            store_name: &settings.store_name,
        },
    );
    let login = Login::invited(
        user.email.clone(),
        LoginOwner::Staff {
            staff_id: user.id.clone(),
        },
        &invitation.token.hash,
    );
    let extra = vec![
        invitation.token.tx_put(store)?,
        invitation.event.outbox_put(store)?,
    ];
    insert(store, &user, &login, extra).await?;
    Ok((user, vec![invitation.event]))
}

pub async fn find(store: &Store, id: &str) -> Result<Option<StaffUser>, StoreError> {
    store.get(&keys::staff_pk(id), keys::STAFF_SK).await
}

pub async fn get(store: &Store, id: &str) -> AppResult<StaffUser> {
    find(store, id).await?.ok_or(AppError::NotFound)
}

/// The staff member behind a staff principal, if still active (`401` otherwise). The
/// [`Principal`] extractor already refuses a deactivated staff member on every request
/// (`auth::revocation`); this loads the record for routes that need its details.
pub async fn current(store: &Store, principal: &Principal) -> AppResult<StaffUser> {
    principal.require_staff()?;
    match find(store, &principal.sub).await? {
        Some(user) if user.active => Ok(user),
        _ => Err(AppError::Unauthenticated),
    }
}

/// Staff users ordered by email.
pub async fn list(store: &Store, limit: i32, cursor: Option<String>) -> AppResult<Page<StaffUser>> {
    let cursor = paging::checked_cursor(cursor, "GSI1PK", keys::STAFF_INDEX_PK)?;
    Ok(store
        .query(
            QuerySpec::index(keys::GSI1, keys::STAFF_INDEX_PK)
                .limit(limit)
                .cursor(cursor),
        )
        .await?)
}

/// Applies a patch. Changing `active` changes the login in the same transaction: deactivating
/// blocks it (and voids a pending invitation link); reactivating restores it (`active` if a
/// password was ever set, `invited` otherwise, and the person then uses password reset).
/// An admin cannot deactivate or demote themself, so a store never loses its last admin by
/// accident.
pub async fn update(
    store: &Store,
    id: &str,
    patch: StaffPatch,
    acting: &Principal,
) -> AppResult<StaffUser> {
    let current = get(store, id).await?;
    if acting.sub == current.id
        && (patch.active == Some(false) || patch.role == Some(StaffRole::Agent))
    {
        return Err(AppError::conflict(
            "own-access",
            "you cannot deactivate or demote yourself; ask another admin",
        ));
    }
    let mut next = current.clone();
    if let Some(name) = patch.name {
        next.name = name;
    }
    if let Some(role) = patch.role {
        next.role = role;
    }
    if let Some(active) = patch.active {
        next.active = active;
    }
    if next == current {
        return Ok(current);
    }
    next.updated_at = now_rfc3339();
    next.version = current.version + 1;
    if current.active && !next.active {
        // Ends every session, for good: a later reactivation does not bring them back.
        next.sessions_valid_after = Some(crate::auth::revocation::end_sessions_bound(
            current.sessions_valid_after,
        ));
    }
    let mut actions = vec![tx_put_if_version(
        store,
        &next.keys(),
        &next,
        current.version,
    )?];
    if next.active != current.active {
        actions.push(login_status_change(store, &next).await?);
    }
    store.transact(actions).await.map_err(|err| match err {
        StoreError::TransactionCanceled(_) => AppError::conflict(
            "changed-concurrently",
            "the staff user or its login changed meanwhile; reload and try again",
        ),
        other => other.into(),
    })?;
    Ok(next)
}

/// The login update that follows a staff user's (de)activation, conditional on the status read.
async fn login_status_change(store: &Store, user: &StaffUser) -> AppResult<TransactWriteItem> {
    let pk = keys::login_pk(user.email.as_str());
    let login: Login = store
        .get(&pk, keys::LOGIN_SK)
        .await?
        .ok_or_else(|| AppError::internal(format!("staff {} has no login", user.id)))?;
    let status = if !user.active {
        LoginStatus::Blocked
    } else if login.password_hash.is_some() {
        LoginStatus::Active
    } else {
        LoginStatus::Invited
    };
    let mut values = vec![
        (":status", store::s(status.as_str())),
        (":previous", store::s(login.status.as_str())),
        (":now", store::s(&now_rfc3339())),
    ];
    // The login keeps the staff item's session bound, so a later login starts after it.
    let update = match user.sessions_valid_after {
        Some(after) if !user.active => {
            values.push((":after", store::n(after)));
            "SET #status = :status, updated_at = :now, sessions_valid_after = :after REMOVE pending_token_hash"
        }
        _ => "SET #status = :status, updated_at = :now REMOVE pending_token_hash",
    };
    Ok(store.tx_update(
        &pk,
        keys::LOGIN_SK,
        update,
        Some("attribute_exists(PK) AND #status = :previous"),
        &[("#status", "status")],
        values,
    )?)
}
