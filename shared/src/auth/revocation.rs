//! Whether the holder of a valid session token still has the access the token claims.
//!
//! A token is signed for 60 minutes, but a wholesaler expects a revocation to hold at once:
//! - **Staff**: every request reads the staff item (one GetItem; staff traffic is low). A
//!   deactivated or deleted staff member is refused (`401`); a changed role applies at once
//!   (a demoted admin gets `403` on admin routes), and so does a changed name.
//! - **Staff acting as a customer** (F9): every request reads the staff item and the customer's
//!   profile together (one BatchGetItem): the staff member must still be active and still
//!   allowed to manage that customer (admin, or its assigned agent), else `401`.
//! - **Contacts**: the storefront's request budget (a catalog page is 3 requests) leaves no room
//!   for a read per request, so the contact item (access, permissions) and the customer's
//!   profile (status) are read together in one BatchGetItem and the verdict is kept in memory
//!   per container for [`Config::access_cache_ttl`](crate::config::Config), at most
//!   [`MAX_ACCESS_CACHE`] (30 s). A warm container therefore adds no request in steady state,
//!   and a blocked access, a deleted contact or a customer no longer `active` is refused
//!   (`401`) within 30 seconds on every container. The stored permissions replace the token's,
//!   so narrowing them takes effect within the same bound. Only a granted access is cached: a
//!   refused one is read again on the next request, so an access given back (unblocked, then a
//!   new login) works at once.
//! - **Ended sessions** (issue 11): the records read above also carry the login's "sessions
//!   valid after" time (set by a password change, a block or a deactivation: every session
//!   issued at or before it is ended, and stays ended after an unblock) and the ids of sessions
//!   ended by `POST /v1/auth/logout`. No request is added; a contact's logout holds at once on
//!   the container that served it and within the cache's TTL on the others.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{Permissions, Principal, PrincipalKind, StaffRole};
use crate::app::App;
use crate::config::MAX_ACCESS_CACHE;
use crate::customers::model::{AccessState, CustomerStatus};
use crate::error::{AppError, AppResult};
use crate::store::{self, keys};

/// Checks `principal` (whose token is valid) against the stored records and returns it with
/// the stored role / permissions applied, or `401` when its access was revoked.
pub async fn current(app: &App, mut principal: Principal) -> AppResult<Principal> {
    match (principal.kind, principal.impersonated_by.clone()) {
        (PrincipalKind::Staff, _) => {
            let staff = crate::staff::find(&app.store, &principal.sub).await?;
            match staff {
                Some(staff)
                    if staff.active
                        && SessionBounds {
                            valid_after: staff.sessions_valid_after,
                            ended: staff.ended_sessions.clone(),
                        }
                        .admit(&principal) =>
                {
                    principal.role = Some(staff.role);
                    principal.name = staff.name.to_string();
                    Ok(principal)
                }
                _ => Err(AppError::Unauthenticated),
            }
        }
        (PrincipalKind::Contact, Some(impersonator)) => {
            let customer_id = principal
                .customer_id
                .clone()
                .ok_or(AppError::Unauthenticated)?;
            if impersonator_may_act(app, &impersonator.staff_id, &customer_id, &principal).await? {
                Ok(principal)
            } else {
                Err(AppError::Unauthenticated)
            }
        }
        (PrincipalKind::Contact, None) => {
            let customer_id = principal
                .customer_id
                .clone()
                .ok_or(AppError::Unauthenticated)?;
            match contact_standing(app, &customer_id, &principal.sub).await? {
                Some((permissions, sessions)) if sessions.admit(&principal) => {
                    principal.permissions = permissions;
                    Ok(principal)
                }
                _ => Err(AppError::Unauthenticated),
            }
        }
    }
}

/// The "sessions valid after" time that ends every session issued so far, given the one stored
/// (`current`): now, or past `current` if that is not earlier (a login right after an earlier
/// end starts one second past it, so its `iat` may be ahead of the clock; this keeps it ended).
pub fn end_sessions_bound(current: Option<i64>) -> i64 {
    let now = chrono::Utc::now().timestamp();
    current.map_or(now, |bound| now.max(bound + 1))
}

/// Which sessions of a login are still live: those issued after `valid_after` (seconds since
/// the epoch) and not ended one by one (`ended`: session ids, from logouts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionBounds {
    pub valid_after: Option<i64>,
    pub ended: Vec<String>,
}

impl SessionBounds {
    pub fn admit(&self, principal: &Principal) -> bool {
        self.valid_after.is_none_or(|after| principal.iat > after)
            && principal
                .sid
                .as_ref()
                .is_none_or(|sid| !self.ended.contains(sid))
    }
}

/// What a check found: the contact's permissions and its sessions' bounds while its access
/// holds, `None` once revoked.
type Standing = Option<(Permissions, SessionBounds)>;

/// A granted access and when it was read.
#[derive(Clone)]
struct Cached {
    checked_at: Instant,
    permissions: Permissions,
    sessions: SessionBounds,
}

/// Entries kept per container before the oldest are dropped (a container serves far fewer
/// contacts; this only bounds memory).
const MAX_CACHED: usize = 10_000;

/// `(table, customer id, contact email)` -> the last verdict. The table is part of the key so
/// tests (one table each) never share an entry.
type CacheKey = (String, String, String);

fn cache() -> &'static Mutex<HashMap<CacheKey, Cached>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, Cached>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn lock() -> std::sync::MutexGuard<'static, HashMap<CacheKey, Cached>> {
    // A panic while holding the lock cannot leave the map inconsistent: keep using it.
    cache().lock().unwrap_or_else(|e| e.into_inner())
}

/// The configured TTL, never above the documented bound.
fn effective_ttl(config: &crate::config::Config) -> Duration {
    config.access_cache_ttl.min(MAX_ACCESS_CACHE)
}

fn cached(key: &CacheKey, ttl: Duration) -> Option<(Permissions, SessionBounds)> {
    let map = lock();
    let entry = map.get(key)?;
    (entry.checked_at.elapsed() < ttl).then(|| (entry.permissions, entry.sessions.clone()))
}

fn forget(key: &CacheKey) {
    lock().remove(key);
}

/// Drops this container's cached verdict on a contact, after a change its owner expects to
/// hold at once here (a logout, a new password).
pub fn forget_contact(store: &crate::store::Store, customer_id: &str, email: &str) {
    forget(&(
        store.table().to_string(),
        customer_id.to_string(),
        email.to_string(),
    ));
}

fn remember(key: CacheKey, permissions: Permissions, sessions: SessionBounds, ttl: Duration) {
    let mut map = lock();
    if map.len() >= MAX_CACHED {
        map.retain(|_, e| e.checked_at.elapsed() < ttl);
        if map.len() >= MAX_CACHED {
            map.clear();
        }
    }
    map.insert(
        key,
        Cached {
            checked_at: Instant::now(),
            permissions,
            sessions,
        },
    );
}

/// The contact's standing, from the cache while fresh, else read (one BatchGetItem).
async fn contact_standing(app: &App, customer_id: &str, email: &str) -> AppResult<Standing> {
    let ttl = effective_ttl(&app.config);
    let key = (
        app.store.table().to_string(),
        customer_id.to_string(),
        email.to_string(),
    );
    if let Some(found) = cached(&key, ttl) {
        return Ok(Some(found));
    }
    let standing = read_contact_standing(app, customer_id, email).await?;
    match &standing {
        Some((permissions, sessions)) if !ttl.is_zero() => {
            remember(key, *permissions, sessions.clone(), ttl)
        }
        Some(_) => {}
        None => forget(&key),
    }
    Ok(standing)
}

async fn read_contact_standing(app: &App, customer_id: &str, email: &str) -> AppResult<Standing> {
    let customer_pk = keys::customer_pk(customer_id);
    let contact_sk = keys::contact_sk(email);
    let items = app
        .store
        .batch_get_items(vec![
            (customer_pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
            (customer_pk, contact_sk.clone()),
        ])
        .await?;
    let mut customer: Option<CustomerState> = None;
    let mut contact: Option<ContactAccess> = None;
    for item in items {
        match item.get(keys::SK).and_then(|v| v.as_s().ok()) {
            Some(sk) if sk == keys::CUSTOMER_PROFILE_SK => customer = Some(store::from_item(item)?),
            Some(sk) if *sk == contact_sk => contact = Some(store::from_item(item)?),
            _ => {}
        }
    }
    Ok(match (customer, contact) {
        (Some(customer), Some(contact))
            if customer.status == Some(CustomerStatus::Active)
                && contact.access == AccessState::Active =>
        {
            // A customer's block ends its contacts' sessions too (it may be lifted later).
            let valid_after = contact
                .sessions_valid_after
                .max(customer.sessions_valid_after);
            Some((
                contact.permissions,
                SessionBounds {
                    valid_after,
                    ended: contact.ended_sessions,
                },
            ))
        }
        _ => None,
    })
}

/// Whether the staff member behind an impersonated session may still act as the customer:
/// active, and admin or the customer's assigned agent (as when the session was started), and
/// the session not ended (the staff member's own bounds: a logout, a new password).
async fn impersonator_may_act(
    app: &App,
    staff_id: &str,
    customer_id: &str,
    principal: &Principal,
) -> AppResult<bool> {
    let staff_pk = keys::staff_pk(staff_id);
    let customer_pk = keys::customer_pk(customer_id);
    let items = app
        .store
        .batch_get_items(vec![
            (staff_pk.clone(), keys::STAFF_SK.to_string()),
            (customer_pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
        ])
        .await?;
    let mut staff: Option<StaffState> = None;
    let mut customer: Option<CustomerState> = None;
    for item in items {
        match item.get(keys::PK).and_then(|v| v.as_s().ok()) {
            Some(pk) if *pk == staff_pk => staff = Some(store::from_item(item)?),
            Some(pk) if *pk == customer_pk => customer = Some(store::from_item(item)?),
            _ => {}
        }
    }
    Ok(match (staff, customer) {
        (Some(staff), Some(customer))
            if staff.active
                && SessionBounds {
                    valid_after: staff.sessions_valid_after,
                    ended: staff.ended_sessions.clone(),
                }
                .admit(principal) =>
        {
            match staff.role {
                Some(StaffRole::Admin) => true,
                Some(StaffRole::Agent) => customer.agent_id.as_deref() == Some(staff_id),
                None => false,
            }
        }
        _ => false,
    })
}

/// The few attributes the checks use; the rest of each item is ignored.
#[derive(serde::Deserialize)]
struct CustomerState {
    #[serde(default)]
    status: Option<CustomerStatus>,
    #[serde(default)]
    agent_id: Option<String>,
    #[serde(default)]
    sessions_valid_after: Option<i64>,
}

#[derive(serde::Deserialize)]
struct ContactAccess {
    access: AccessState,
    #[serde(default)]
    permissions: Permissions,
    #[serde(default)]
    sessions_valid_after: Option<i64>,
    #[serde(default)]
    ended_sessions: Vec<String>,
}

#[derive(serde::Deserialize)]
struct StaffState {
    #[serde(default)]
    active: bool,
    #[serde(default)]
    role: Option<StaffRole>,
    #[serde(default)]
    sessions_valid_after: Option<i64>,
    #[serde(default)]
    ended_sessions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(email: &str) -> CacheKey {
        ("unit-table".into(), "c1".into(), email.into())
    }

    #[test]
    fn a_granted_access_is_trusted_for_the_ttl_only() {
        let viewer = Permissions {
            place_orders: false,
            ..Permissions::all()
        };
        remember(
            key("a@x.co"),
            viewer,
            SessionBounds::default(),
            Duration::from_secs(30),
        );
        assert_eq!(
            cached(&key("a@x.co"), Duration::from_secs(30)),
            Some((viewer, SessionBounds::default()))
        );
        // The same entry is stale for a reader with a shorter TTL.
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(cached(&key("a@x.co"), Duration::from_millis(10)), None);
        forget(&key("a@x.co"));
        assert_eq!(cached(&key("a@x.co"), Duration::from_secs(30)), None);
        assert_eq!(cached(&key("nobody@x.co"), Duration::from_secs(30)), None);
    }

    #[test]
    fn sessions_end_by_time_or_by_id() {
        let session = Principal::staff("s1", "Ana", StaffRole::Admin, 60);
        let bounds = |valid_after: Option<i64>, ended: &[&str]| SessionBounds {
            valid_after,
            ended: ended.iter().map(|s| s.to_string()).collect(),
        };
        assert!(bounds(None, &[]).admit(&session));
        assert!(bounds(Some(session.iat - 1), &["other"]).admit(&session));
        assert!(!bounds(Some(session.iat), &[]).admit(&session));
        let sid = session.sid.clone().unwrap();
        assert!(!bounds(None, &[&sid]).admit(&session));
        // A login right after a password change starts after it, in the same second too.
        let later =
            Principal::staff("s1", "Ana", StaffRole::Admin, 60).issued_after(Some(session.iat));
        assert!(bounds(Some(session.iat), &[]).admit(&later));
        assert_eq!(later.exp - later.iat, 3600);
    }

    #[test]
    fn the_bound_holds_whatever_the_configuration() {
        let mut config = crate::config::Config::for_table("t", "b");
        assert_eq!(effective_ttl(&config), Duration::from_secs(30));
        config.access_cache_ttl = Duration::from_secs(3600);
        assert_eq!(effective_ttl(&config), Duration::from_secs(30));
        config.access_cache_ttl = Duration::from_secs(1);
        assert_eq!(effective_ttl(&config), Duration::from_secs(1));
    }
}
