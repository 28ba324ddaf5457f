//! Cursor checks for the staff routes' lists: a cursor is an opaque `LastEvaluatedKey`, and one
//! that is garbled or belongs to another partition must be a 422, never a DynamoDB error.

use crate::error::{AppError, AppResult};
use crate::store::decode_cursor;

/// Returns the cursor if it decodes and points into the partition `pk` (stored in `pk_attr`:
/// `PK` for the table, `GSI1PK`... for an index).
pub fn checked_cursor(
    cursor: Option<String>,
    pk_attr: &str,
    pk: &str,
) -> AppResult<Option<String>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let belongs = decode_cursor(&cursor)
        .and_then(|key| key.get(pk_attr).and_then(|v| v.as_s().ok()).cloned())
        .is_some_and(|value| value == pk);
    if belongs {
        Ok(Some(cursor))
    } else {
        Err(AppError::invalid(
            "cursor",
            "is not a cursor this list returned",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{encode_cursor, key_of};

    #[test]
    fn accepts_own_partition_only() {
        let cursor = encode_cursor(&key_of("ACT#a", "2024#x"));
        assert!(checked_cursor(Some(cursor.clone()), "PK", "ACT#a").is_ok());
        assert!(checked_cursor(Some(cursor), "PK", "ACT#b").is_err());
        assert!(checked_cursor(Some("%%%".into()), "PK", "ACT#a").is_err());
        assert_eq!(checked_cursor(None, "PK", "ACT#a").unwrap(), None);
    }
}
