//! Typed values that cannot hold invalid data. Each deserialises through its validating
//! constructor, so a bad value in a request is a 422 naming the field.

use serde::{Deserialize, Serialize};

macro_rules! string_value {
    ($name:ident, $check:expr) => {
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                let check: fn(String) -> Result<String, String> = $check;
                check(value).map($name)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn parse(value: impl Into<String>) -> Result<Self, String> {
                Self::try_from(value.into())
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// An email address, trimmed and lower-cased (emails identify logins, so `Ana@X.com` = `ana@x.com`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, format = "email")]
pub struct Email(String);

string_value!(Email, |raw| {
    let value = raw.trim().to_lowercase();
    let valid = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && local.len() <= 64
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.matches('@').count() == 1;
    if valid {
        Ok(value)
    } else {
        Err("is not a valid email address".into())
    }
});

/// A phone number in international form: digits only once spaces, dashes, dots and brackets
/// are removed, 8-15 of them (E.164), an optional leading `+` dropped. WhatsApp links need it so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "+52 55 1234 5678")]
pub struct Phone(String);

string_value!(Phone, |raw| {
    let digits: String = raw
        .trim()
        .trim_start_matches('+')
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("must be an international phone number with 8 to 15 digits".into())
    }
});

/// Free text that must not be blank, trimmed, at most 200 characters, on one line: no control
/// characters (line breaks, tabs, escapes) nor Unicode line separators. Names end up in email
/// subjects and sender names, in PDFs and CSV files, where a line break could forge a header
/// or a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String)]
pub struct Name(String);

string_value!(Name, |raw| {
    let value = raw.trim().to_string();
    if value.is_empty() {
        Err("must not be blank".into())
    } else if value.chars().count() > 200 {
        Err("must be at most 200 characters".into())
    } else if !is_one_line(&value) {
        Err("must be one line of text, without control characters".into())
    } else {
        Ok(value)
    }
});

/// No control character (C0, DEL, C1: line breaks, tabs, escapes) and no Unicode line or
/// paragraph separator.
pub fn is_one_line(value: &str) -> bool {
    !value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

/// Longer free text (messages, notes): at most 10,000 characters, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String)]
pub struct Text(String);

string_value!(Text, |raw| {
    if raw.chars().count() > 10_000 {
        Err("must be at most 10000 characters".into())
    } else {
        Ok(raw.trim().to_string())
    }
});

/// A tag: lower-case letters, digits, `-` and `_`, 1-40 characters.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "vip")]
pub struct Tag(String);

string_value!(Tag, |raw| {
    let value = raw.trim().to_lowercase();
    if !value.is_empty()
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(value)
    } else {
        Err("must be 1-40 characters of letters, digits, '-' or '_'".into())
    }
});

/// The languages emails and the portal speak (F25).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
pub enum Language {
    #[serde(rename = "es")]
    #[default]
    Es,
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "ro")]
    Ro,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::PtBr => "pt-BR",
            Language::Ro => "ro",
            Language::En => "en",
        }
    }
}

/// A new random identifier: time-ordered (UUIDv7), so lists sort by creation.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Now as RFC 3339 with milliseconds, UTC: sortable as a string, used in sort keys.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.com",
            "a@b",
            "a b@x.com",
            "a@@x.com",
            "a@x..com",
            "a@.x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("+52 (55) 1234-5678").unwrap().as_str(),
            "525512345678"
        );
        assert!(Phone::parse("12ab5678").is_err());
        assert!(Phone::parse("1234").is_err());
    }

    #[test]
    fn names_and_tags() {
        assert!(Name::parse("   ").is_err());
        assert_eq!(Name::parse(" Acme ").unwrap().as_str(), "Acme");
        assert_eq!(Tag::parse("VIP").unwrap().as_str(), "vip");
        assert!(Tag::parse("no spaces").is_err());
    }

    #[test]
    fn language_codes() {
        let l: Language = serde_json::from_str("\"pt-BR\"").unwrap();
        assert_eq!(l, Language::PtBr);
        assert!(serde_json::from_str::<Language>("\"fr\"").is_err());
    }
}
