//! Compact HS256 JWTs (RFC 7519), enough for our own short-lived session tokens and nothing more.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::Sha256;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

pub fn sign<C: Serialize>(claims: &C, secret: &[u8]) -> String {
    let header = B64.encode(HEADER);
    let payload = B64.encode(serde_json::to_vec(claims).expect("claims serialise"));
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(signing_input.as_bytes());
    let signature = B64.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Verifies the signature (constant time) and the header, then decodes the claims.
/// Expiry is checked by the caller, which knows the clock.
pub fn verify<C: DeserializeOwned>(token: &str, secret: &[u8]) -> Option<C> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header_json: serde_json::Value = serde_json::from_slice(&B64.decode(header).ok()?).ok()?;
    if header_json.get("alg")?.as_str()? != "HS256" {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&B64.decode(signature).ok()?).ok()?;
    serde_json::from_slice(&B64.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let claims = serde_json::json!({"sub": "x", "exp": 1});
        let token = sign(&claims, b"k1");
        assert_eq!(verify::<serde_json::Value>(&token, b"k1"), Some(claims));
        assert_eq!(verify::<serde_json::Value>(&token, b"k2"), None);
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'A');
        assert_eq!(verify::<serde_json::Value>(&tampered, b"k1"), None);
    }
}
