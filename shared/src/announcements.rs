//! Announcements (F13): general messages to every customer or to the ones with given tags,
//! shown in `/v1/me` between their start and end dates.
//!
//! All announcements share one partition (`ANNOUNCEMENTS` / `ANN#<id>`): a store has a handful
//! at a time, so `/v1/me` reads them all in one query and filters by date and audience.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult, FieldError};
use crate::staff::paging::checked_cursor;
use crate::store::{self, keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339, Name, Tag, Text};

/// Most tags one announcement may target.
pub const MAX_AUDIENCE_TAGS: usize = 20;

/// Who sees an announcement: `"all"` or `{"tags": ["vip", ...]}` (customers with any of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    All,
    Tags(Vec<Tag>),
}

/// By hand rather than derived: serde_json reports a number or a list where an enum is expected
/// as a syntax error (a 400 naming only `body`); this way any wrong shape is a 422 naming
/// `audience` (or `audience.tags[i]` for a bad tag).
impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AudienceVisitor;
        impl<'de> serde::de::Visitor<'de> for AudienceVisitor {
            type Value = Audience;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"all\" or {\"tags\": [...]}")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Audience, E> {
                match value {
                    "all" => Ok(Audience::All),
                    other => Err(E::unknown_variant(other, &["all", "tags"])),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Audience, A::Error> {
                let mut tags: Option<Vec<Tag>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "tags" || tags.is_some() {
                        return Err(serde::de::Error::unknown_field(&key, &["tags"]));
                    }
                    tags = Some(map.next_value()?);
                }
                tags.map(Audience::Tags)
                    .ok_or_else(|| serde::de::Error::missing_field("tags"))
            }
        }
        deserializer.deserialize_any(AudienceVisitor)
    }
}

impl Audience {
    pub fn includes(&self, customer_tags: &[Tag]) -> bool {
        match self {
            Audience::All => true,
            Audience::Tags(tags) => tags.iter().any(|t| customer_tags.contains(t)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Announcement {
    pub id: String,
    pub title: Name,
    pub body: Text,
    pub audience: Audience,
    /// Shown from this instant (inclusive)...
    pub starts_at: DateTime<Utc>,
    /// ...until this one (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Name of the staff member who wrote it.
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    /// Bumped by every change; updates are conditional on it, so none is lost.
    #[serde(default)]
    pub version: u64,
}

impl Announcement {
    /// Active for a customer with `customer_tags` at `now`: `starts_at <= now < ends_at`.
    pub fn is_active_for(&self, customer_tags: &[Tag], now: DateTime<Utc>) -> bool {
        self.starts_at <= now && now < self.ends_at && self.audience.includes(customer_tags)
    }

    fn keys(&self) -> Keys {
        Keys::new(keys::ANNOUNCEMENTS_PK, keys::announcement_sk(&self.id))
    }

    /// Every rule an announcement must satisfy, naming the offending field.
    fn validate(&self) -> AppResult<()> {
        let mut errors = Vec::new();
        if self.body.as_str().is_empty() {
            errors.push(FieldError::new("body", "must not be blank"));
        }
        if let Audience::Tags(tags) = &self.audience {
            if tags.is_empty() {
                errors.push(FieldError::new(
                    "audience.tags",
                    "must name at least one tag (or use \"all\")",
                ));
            } else if tags.len() > MAX_AUDIENCE_TAGS {
                errors.push(FieldError::new(
                    "audience.tags",
                    format!("must name at most {MAX_AUDIENCE_TAGS} tags"),
                ));
            }
        }
        if self.ends_at <= self.starts_at {
            errors.push(FieldError::new("ends_at", "must be after starts_at"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// Body of `POST /v1/admin/announcements`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewAnnouncement {
    pub title: Name,
    pub body: Text,
    pub audience: Audience,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Body of `PATCH /v1/admin/announcements/{id}`: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementPatch {
    pub title: Option<Name>,
    pub body: Option<Text>,
    pub audience: Option<Audience>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

fn map_missing(err: StoreError) -> AppError {
    match err {
        StoreError::ConditionFailed | StoreError::TransactionCanceled(_) => AppError::NotFound,
        other => other.into(),
    }
}

pub async fn create(store: &Store, new: NewAnnouncement, author: &str) -> AppResult<Announcement> {
    let now = now_rfc3339();
    let announcement = Announcement {
        id: new_id(),
        title: new.title,
        body: new.body,
        audience: new.audience,
        starts_at: new.starts_at,
        ends_at: new.ends_at,
        created_by: author.to_string(),
        created_at: now.clone(),
        updated_at: now,
        version: 1,
    };
    announcement.validate()?;
    store.put_new(&announcement.keys(), &announcement).await?;
    Ok(announcement)
}

pub async fn get(store: &Store, id: &str) -> AppResult<Announcement> {
    store
        .get(keys::ANNOUNCEMENTS_PK, &keys::announcement_sk(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// Newest first.
pub async fn list(
    store: &Store,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<Announcement>> {
    let cursor = checked_cursor(cursor, keys::PK, keys::ANNOUNCEMENTS_PK)?;
    Ok(store
        .query(
            QuerySpec::partition(keys::ANNOUNCEMENTS_PK)
                .newest_first()
                .limit(limit)
                .cursor(cursor),
        )
        .await?)
}

/// Applies a patch; the merged announcement is validated as a whole (a new `ends_at` is checked
/// against the stored `starts_at`), and written only if nobody changed it in between.
pub async fn update(store: &Store, id: &str, patch: AnnouncementPatch) -> AppResult<Announcement> {
    let current = get(store, id).await?;
    let mut next = current.clone();
    if let Some(title) = patch.title {
        next.title = title;
    }
    if let Some(body) = patch.body {
        next.body = body;
    }
    if let Some(audience) = patch.audience {
        next.audience = audience;
    }
    if let Some(starts_at) = patch.starts_at {
        next.starts_at = starts_at;
    }
    if let Some(ends_at) = patch.ends_at {
        next.ends_at = ends_at;
    }
    next.validate()?;
    if next == current {
        return Ok(current);
    }
    next.updated_at = now_rfc3339();
    next.version = current.version + 1;
    let put = tx_put_if_version(store, &next.keys(), &next, current.version)?;
    store.transact(vec![put]).await.map_err(|err| match err {
        StoreError::TransactionCanceled(_) => AppError::conflict(
            "changed-concurrently",
            "the announcement was changed or deleted meanwhile; reload it and try again",
        ),
        other => other.into(),
    })?;
    Ok(next)
}

pub async fn delete(store: &Store, id: &str) -> AppResult<()> {
    let delete = store.tx_delete(
        keys::ANNOUNCEMENTS_PK,
        &keys::announcement_sk(id),
        Some("attribute_exists(PK)"),
    )?;
    store.transact(vec![delete]).await.map_err(map_missing)
}

/// The announcements a customer with `customer_tags` sees at `now`, newest start first.
pub async fn active_for(
    store: &Store,
    customer_tags: &[Tag],
    now: DateTime<Utc>,
) -> AppResult<Vec<Announcement>> {
    let all: Vec<Announcement> = store
        .query_all(QuerySpec::partition(keys::ANNOUNCEMENTS_PK))
        .await?;
    let mut active: Vec<Announcement> = all
        .into_iter()
        .filter(|a| a.is_active_for(customer_tags, now))
        .collect();
    active.sort_by_key(|a| std::cmp::Reverse(a.starts_at));
    Ok(active)
}

/// A put that succeeds only if the stored item still has version `expected` (optimistic
/// concurrency for read-modify-write updates).
pub(crate) fn tx_put_if_version<T: Serialize>(
    store: &Store,
    keys: &Keys,
    entity: &T,
    expected: u64,
) -> Result<TransactWriteItem, StoreError> {
    let condition = if expected == 0 {
        // Items written before versioning have no attribute yet.
        "attribute_exists(PK) AND (attribute_not_exists(version) OR version = :expected)"
    } else {
        "attribute_exists(PK) AND version = :expected"
    };
    let put = Put::builder()
        .table_name(store.table())
        .set_item(Some(store::item(keys, entity)?))
        .condition_expression(condition)
        .expression_attribute_values(":expected", store::n(expected))
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn announcement(audience: Audience) -> Announcement {
        Announcement {
            id: "a".into(),
            title: Name::parse("Holiday hours").unwrap(),
            body: Text::parse("Closed on Monday").unwrap(),
            audience,
            starts_at: at("2030-01-01T00:00:00Z"),
            ends_at: at("2030-01-10T00:00:00Z"),
            created_by: "Ana".into(),
            created_at: String::new(),
            updated_at: String::new(),
            version: 1,
        }
    }

    #[test]
    fn window_is_start_inclusive_end_exclusive() {
        let a = announcement(Audience::All);
        assert!(!a.is_active_for(&[], at("2029-12-31T23:59:59Z")));
        assert!(a.is_active_for(&[], at("2030-01-01T00:00:00Z")));
        assert!(a.is_active_for(&[], at("2030-01-09T23:59:59Z")));
        assert!(!a.is_active_for(&[], at("2030-01-10T00:00:00Z")));
    }

    #[test]
    fn tag_audience_needs_any_shared_tag() {
        let vip = Tag::parse("vip").unwrap();
        let north = Tag::parse("north").unwrap();
        let a = announcement(Audience::Tags(vec![vip.clone(), north.clone()]));
        let now = at("2030-01-05T00:00:00Z");
        assert!(a.is_active_for(std::slice::from_ref(&north), now));
        assert!(!a.is_active_for(&[Tag::parse("south").unwrap()], now));
        assert!(!a.is_active_for(&[], now));
    }

    #[test]
    fn validation_names_fields() {
        let mut a = announcement(Audience::Tags(vec![]));
        a.ends_at = a.starts_at;
        a.body = Text::default();
        let AppError::Validation(errors) = a.validate().unwrap_err() else {
            panic!("validation expected")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["body", "audience.tags", "ends_at"]);
    }

    #[test]
    fn audience_json_shape() {
        let all: Audience = serde_json::from_str("\"all\"").unwrap();
        assert_eq!(all, Audience::All);
        let tags: Audience = serde_json::from_str(r#"{"tags":["VIP"]}"#).unwrap();
        assert_eq!(tags, Audience::Tags(vec![Tag::parse("vip").unwrap()]));
        for bad in ["\"some\"", "1", "[\"vip\"]", "{}", r#"{"tag":["vip"]}"#] {
            assert!(serde_json::from_str::<Audience>(bad).is_err(), "{bad}");
        }
        // Both shapes survive the stored (DynamoDB) form.
        for audience in [Audience::All, tags] {
            let stored = announcement(audience);
            let item: crate::store::Item = serde_dynamo::to_item(&stored).unwrap();
            let read: Announcement = serde_dynamo::from_item(item).unwrap();
            assert_eq!(read, stored);
        }
    }
}
