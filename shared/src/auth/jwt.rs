//! Compact HS256 JWTs (RFC 7519), enough for our own short-lived session tokens and nothing more.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::Sha256;

/// The keys that sign and verify session tokens, each with a key id (`kid`, in the token's
/// header), so the key can rotate without logging everyone out: tokens are signed with the
/// current key, and verified with whichever key their `kid` names. In AWS the set is a Secrets
/// Manager secret, `{"signing_kid": "k2", "k2": "<key>", "k1": "<older key>"}` (see
/// `crate::secrets`); locally, one key from `JWT_SECRET` with the id `local`.
#[derive(Clone)]
pub struct SigningKeys {
    signing_kid: String,
    keys: std::collections::BTreeMap<String, Vec<u8>>,
}

/// Shortest accepted key: HS256 wants at least 256 bits; 32 characters of a random string.
pub const MIN_KEY_LEN: usize = 32;

impl SigningKeys {
    /// One key, signing and verifying.
    pub fn single(kid: &str, key: &[u8]) -> Self {
        Self {
            signing_kid: kid.into(),
            keys: [(kid.to_string(), key.to_vec())].into(),
        }
    }

    /// The secret's JSON: `signing_kid` names the signing key; every other string field is a key
    /// by its id. Refuses a missing signing key and keys shorter than [`MIN_KEY_LEN`].
    pub fn from_secret_json(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|_| "the signing keys secret is not JSON")?;
        let object = value
            .as_object()
            .ok_or("the signing keys secret is not a JSON object")?;
        let signing_kid = object
            .get("signing_kid")
            .and_then(|v| v.as_str())
            .ok_or("the signing keys secret has no signing_kid")?
            .to_string();
        let mut keys = std::collections::BTreeMap::new();
        for (kid, key) in object.iter().filter(|(k, _)| *k != "signing_kid") {
            let key = key
                .as_str()
                .ok_or_else(|| format!("signing key {kid} is not a string"))?;
            if key.len() < MIN_KEY_LEN {
                return Err(format!(
                    "signing key {kid} is shorter than {MIN_KEY_LEN} characters"
                ));
            }
            keys.insert(kid.clone(), key.as_bytes().to_vec());
        }
        if !keys.contains_key(&signing_kid) {
            return Err(format!(
                "the signing key {signing_kid} is not in the secret"
            ));
        }
        Ok(Self { signing_kid, keys })
    }

    /// No key: a function that neither signs nor verifies session tokens.
    pub fn none() -> Self {
        Self {
            signing_kid: String::new(),
            keys: Default::default(),
        }
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The id of the key new tokens are signed with.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    pub fn sign<C: Serialize>(&self, claims: &C) -> String {
        // Only functions loaded with keys serve the routes that sign (see `crate::secrets`).
        let key = self
            .keys
            .get(&self.signing_kid)
            .expect("this function has no session signing key");
        let header = serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": self.signing_kid});
        sign_with(&header, claims, key)
    }

    /// Verifies the signature (constant time) with the key the header's `kid` names, then
    /// decodes the claims. A token without a known `kid` is refused. Expiry is checked by the
    /// caller, which knows the clock.
    pub fn verify<C: DeserializeOwned>(&self, token: &str) -> Option<C> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header_json: serde_json::Value =
            serde_json::from_slice(&B64.decode(header).ok()?).ok()?;
        if header_json.get("alg")?.as_str()? != "HS256" {
            return None;
        }
        let key = self.keys.get(header_json.get("kid")?.as_str()?)?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&B64.decode(signature).ok()?).ok()?;
        serde_json::from_slice(&B64.decode(payload).ok()?).ok()
    }
}

impl std::fmt::Debug for SigningKeys {
    /// Names the key ids, never the keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys")
            .field("signing_kid", &self.signing_kid)
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn sign_with<C: Serialize>(header: &serde_json::Value, claims: &C, key: &[u8]) -> String {
    let header = B64.encode(header.to_string());
    let payload = B64.encode(serde_json::to_vec(claims).expect("claims serialise"));
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(signing_input.as_bytes());
    let signature = B64.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

pub fn sign<C: Serialize>(claims: &C, keys: &SigningKeys) -> String {
    keys.sign(claims)
}

pub fn verify<C: DeserializeOwned>(token: &str, keys: &SigningKeys) -> Option<C> {
    keys.verify(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "k1-0123456789abcdef0123456789abcdef";
    const K2: &str = "k2-0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip_and_tamper() {
        let keys = SigningKeys::single("a", K1.as_bytes());
        let claims = serde_json::json!({"sub": "x", "exp": 1});
        let token = keys.sign(&claims);
        assert_eq!(keys.verify::<serde_json::Value>(&token), Some(claims));
        let other = SigningKeys::single("a", K2.as_bytes());
        assert_eq!(other.verify::<serde_json::Value>(&token), None);
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'A');
        assert_eq!(keys.verify::<serde_json::Value>(&tampered), None);
    }

    /// Rotation: a token signed with the old key stays valid while the old key is in the set;
    /// new tokens carry the new kid; once the old key is removed, its tokens are refused.
    #[test]
    fn rotation_keeps_older_tokens_valid_until_their_key_is_removed() {
        let before =
            SigningKeys::from_secret_json(&format!(r#"{{"signing_kid":"k1","k1":"{K1}"}}"#))
                .unwrap();
        let old_token = before.sign(&serde_json::json!({"sub": "x"}));
        let during = SigningKeys::from_secret_json(&format!(
            r#"{{"signing_kid":"k2","k2":"{K2}","k1":"{K1}"}}"#
        ))
        .unwrap();
        assert!(during.verify::<serde_json::Value>(&old_token).is_some());
        let new_token = during.sign(&serde_json::json!({"sub": "y"}));
        let header: serde_json::Value =
            serde_json::from_slice(&B64.decode(new_token.split('.').next().unwrap()).unwrap())
                .unwrap();
        assert_eq!(header["kid"], "k2");
        let after =
            SigningKeys::from_secret_json(&format!(r#"{{"signing_kid":"k2","k2":"{K2}"}}"#))
                .unwrap();
        assert!(after.verify::<serde_json::Value>(&new_token).is_some());
        assert!(after.verify::<serde_json::Value>(&old_token).is_none());
    }

    #[test]
    fn tokens_without_a_known_kid_are_refused() {
        let keys = SigningKeys::single("a", K1.as_bytes());
        let header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
        let no_kid = sign_with(&header, &serde_json::json!({"sub": "x"}), K1.as_bytes());
        assert!(keys.verify::<serde_json::Value>(&no_kid).is_none());
        let header = serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "zz"});
        let unknown = sign_with(&header, &serde_json::json!({"sub": "x"}), K1.as_bytes());
        assert!(keys.verify::<serde_json::Value>(&unknown).is_none());
    }

    #[test]
    fn bad_secrets_are_refused() {
        for bad in [
            "not json",
            r#"{"k1":"0123456789abcdef0123456789abcdef"}"#,
            r#"{"signing_kid":"k9","k1":"0123456789abcdef0123456789abcdef"}"#,
            r#"{"signing_kid":"k1","k1":"short"}"#,
        ] {
            assert!(SigningKeys::from_secret_json(bad).is_err(), "{bad}");
        }
    }
}
