//! Test fixtures (feature `testing`): staff users and their logins written straight to the
//! table, and session tokens signed with the app's key.

use crate::accounts::login::{login_keys, Login, LoginOwner};
use crate::app::App;
use crate::auth::{password::hash_password, Permissions, Principal, StaffRole};
use crate::customers::model::{AccessState, Contact};
use crate::staff::StaffUser;
use crate::store::{keys, Keys};
use crate::types::{new_id, now_rfc3339, Email, Name};

/// A session token for a staff member. Requests check the staff item behind it (active, role),
/// so write one first ([`put_staff`], [`put_staff_with_id`]) or use [`staff_session`].
pub fn staff_token(app: &App, staff_id: &str, name: &str, role: StaffRole) -> String {
    Principal::staff(staff_id, name, role, 30).token(&app.config.jwt_secret)
}

/// Writes an active staff user and, with a password, its active login. Returns the user.
pub async fn put_staff(
    app: &App,
    email: &str,
    name: &str,
    role: StaffRole,
    password: Option<&str>,
) -> StaffUser {
    put_staff_with_id(app, &new_id(), email, name, role, password).await
}

/// Like [`put_staff`], with a chosen id (tests that name their staff, e.g. `admin-1`).
pub async fn put_staff_with_id(
    app: &App,
    id: &str,
    email: &str,
    name: &str,
    role: StaffRole,
    password: Option<&str>,
) -> StaffUser {
    let now = now_rfc3339();
    // Built from JSON so fields the staff model adds later take their defaults.
    let user: StaffUser = serde_json::from_value(serde_json::json!({
        "id": id,
        "email": Email::parse(email).expect("fixture email"),
        "name": Name::parse(name).expect("fixture name"),
        "role": role,
        "active": true,
        "created_at": now,
        "updated_at": now,
    }))
    .expect("staff fixture");
    let k = Keys::new(keys::staff_pk(&user.id), keys::STAFF_SK)
        .gsi1(keys::STAFF_INDEX_PK, user.email.as_str());
    app.store.put(&k, &user).await.expect("put staff");
    if let Some(password) = password {
        let login = Login::active(
            user.email.clone(),
            LoginOwner::Staff {
                staff_id: user.id.clone(),
            },
            hash_password(password).await.expect("hash"),
        );
        app.store
            .put(&login_keys(user.email.as_str()), &login)
            .await
            .expect("put login");
    }
    user
}

/// How many items the table holds (tests check that refused input wrote nothing).
pub async fn item_count(app: &App) -> usize {
    let mut count = 0usize;
    let mut start = None;
    loop {
        let out = app
            .store
            .client()
            .scan()
            .table_name(app.store.table())
            .set_exclusive_start_key(start)
            .select(aws_sdk_dynamodb::types::Select::Count)
            .send()
            .await
            .expect("scan");
        count += out.count as usize;
        match out.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => return count,
        }
    }
}

/// A price list's `PL#<id>`/`META` item, as the pricing function writes it.
pub async fn put_price_list(app: &App, id: &str, currency: &str) {
    let item = serde_json::json!({
        "id": id, "name": format!("List {id}"), "currency": currency, "updated_at": now_rfc3339(),
    });
    app.store
        .put(&Keys::new(keys::price_list_pk(id), keys::META_SK), &item)
        .await
        .expect("put price list");
}

/// A warehouse's `WH#<id>`/`META` item, as the catalog function writes it.
pub async fn put_warehouse(app: &App, id: &str) {
    let item = serde_json::json!({
        "id": id, "name": format!("Warehouse {id}"), "active": true, "updated_at": now_rfc3339(),
    });
    app.store
        .put(&Keys::new(keys::warehouse_pk(id), keys::META_SK), &item)
        .await
        .expect("put warehouse");
}

/// Receives from a queue until a message whose EventBridge `detail-type` is `kind` arrives
/// (deleting what it reads), or `None` after `seconds`. Returns the event (`detail`).
pub async fn receive_event(
    sdk: &aws_config::SdkConfig,
    queue_url: &str,
    kind: &str,
    seconds: u64,
) -> Option<serde_json::Value> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        let out = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        for m in out.messages.unwrap_or_default() {
            if let Some(receipt) = m.receipt_handle() {
                let _ = sqs
                    .delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(receipt)
                    .send()
                    .await;
            }
            let body: serde_json::Value =
                serde_json::from_str(m.body().unwrap_or("null")).unwrap_or_default();
            if body["detail-type"] == kind {
                return Some(body["detail"].clone());
            }
        }
    }
    None
}

/// The `token` query parameter of a link (`.../set-password?token=...`).
pub fn token_of(url: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let raw = query
        .split('&')
        .find_map(|p| p.strip_prefix("token="))
        .expect("link has a token");
    urlencoding::decode(raw).expect("decodable").into_owned()
}

/// A staff user in the table (no login) and a session token for it: staff routes check that
/// the staff member behind a token still exists and is active.
pub async fn staff_session(
    app: &App,
    email: &str,
    name: &str,
    role: StaffRole,
) -> (StaffUser, String) {
    let user = put_staff(app, email, name, role, None).await;
    let token = staff_token(app, &user.id, name, role);
    (user, token)
}

/// Writes a contact of `customer_id` whose access is active (with these permissions) and
/// returns a session token for it: requests check the contact's access and its customer's
/// status, so a contact session needs both records (the customer must be `active`).
pub async fn contact_session(
    app: &App,
    customer_id: &str,
    email: &str,
    name: &str,
    permissions: Permissions,
) -> String {
    let mut contact = Contact::new(
        customer_id,
        Email::parse(email).expect("fixture email"),
        Name::parse(name).expect("fixture name"),
    );
    contact.access = AccessState::Active;
    contact.permissions = permissions;
    app.store
        .put(
            &Keys::new(
                keys::customer_pk(customer_id),
                keys::contact_sk(contact.email.as_str()),
            ),
            &contact,
        )
        .await
        .expect("put contact");
    Principal::contact(contact.email.as_str(), name, customer_id, permissions, 60)
        .token(&app.config.jwt_secret)
}
