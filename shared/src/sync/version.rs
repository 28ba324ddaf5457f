//! Record versions. Every ERP record carries either a monotonic `version` number or its
//! `modified_at` time; both are stored as one string whose order is the version order, so a
//! DynamoDB condition `version < :v` (string comparison) decides which record is newer.
//!
//! - numbers: `n` + 20 digits, zero-padded (`n00000000000000000042`);
//! - times: `t` + UTC RFC 3339 with microseconds (`t2025-01-15T10:30:00.000000Z`).
//!
//! An ERP uses one or the other per kind; if it switches from numbers to times, times win
//! (`t` sorts after `n`).

use chrono::{DateTime, SecondsFormat, Utc};

/// Parses `version` / `modified_at` of a record into the stored form. `Err` names the field.
pub fn normalize(
    version: Option<u64>,
    modified_at: Option<&str>,
) -> Result<String, (&'static str, String)> {
    match (version, modified_at) {
        (Some(number), _) => Ok(number_version(number)),
        (None, Some(raw)) => DateTime::parse_from_rfc3339(raw.trim())
            .map(|t| time_version(t.with_timezone(&Utc)))
            .map_err(|_| {
                (
                    "modified_at",
                    "must be an RFC 3339 date-time such as 2025-01-15T10:30:00Z".to_string(),
                )
            }),
        (None, None) => Err((
            "version",
            "is required (a version number, or modified_at)".to_string(),
        )),
    }
}

pub fn number_version(number: u64) -> String {
    format!("n{number:020}")
}

pub fn time_version(time: DateTime<Utc>) -> String {
    format!("t{}", time.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// Whether `incoming` replaces `stored` (strictly newer; nothing stored yet counts as older).
pub fn is_newer(incoming: &str, stored: Option<&str>) -> bool {
    stored.is_none_or(|stored| incoming > stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_order_is_version_order() {
        let v = |n| normalize(Some(n), None).unwrap();
        assert!(v(9) < v(10));
        assert!(v(10) < v(100_000));
        let t = |s: &str| normalize(None, Some(s)).unwrap();
        assert!(t("2025-01-15T10:30:00Z") < t("2025-01-15T10:30:00.5Z"));
        // Offsets are normalised to UTC before comparing.
        assert_eq!(t("2025-01-15T12:30:00+02:00"), t("2025-01-15T10:30:00Z"));
        assert!(t("2025-01-15T09:00:00-05:00") > t("2025-01-15T10:30:00Z"));
        assert!(is_newer(&v(2), Some(&v(1))));
        assert!(!is_newer(&v(2), Some(&v(2))));
        assert!(is_newer(&v(0), None));
    }

    #[test]
    fn a_version_is_required_and_times_must_parse() {
        assert_eq!(normalize(None, None).unwrap_err().0, "version");
        assert_eq!(
            normalize(None, Some("yesterday")).unwrap_err().0,
            "modified_at"
        );
        assert_eq!(
            normalize(Some(7), Some("garbage")).unwrap(),
            "n00000000000000000007"
        );
    }
}
