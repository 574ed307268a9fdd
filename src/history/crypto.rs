//! Sealing the history's offline token with HISTORY_KEY.
//!
//! The associated data binds it to this purpose and to the
//! connection's rotation generation, so an old sealed token copied back into
//! the row does not open.

use crate::crypto::SealingKey;

fn associated_data(generation: i64) -> Vec<u8> {
    format!("offline-console history token v1 generation {generation}").into_bytes()
}

pub fn seal(key: &SealingKey, generation: i64, token: &str) -> Vec<u8> {
    crate::crypto::seal(key, &associated_data(generation), token.as_bytes())
}

/// `None` when the key or generation does not match or the data was altered.
pub fn open(key: &SealingKey, generation: i64, sealed: &[u8]) -> Option<String> {
    let plain = crate::crypto::open(key, &associated_data(generation), sealed)?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SealingKey {
        use base64::Engine as _;
        SealingKey::parse(&base64::engine::general_purpose::STANDARD.encode([byte; 32])).unwrap()
    }

    #[test]
    fn a_sealed_token_opens_only_with_its_key_and_generation() {
        let sealed = seal(&key(1), 3, "eyJhbGciOi.payload.signature");
        assert!(!sealed
            .windows(8)
            .any(|w| w == b"eyJhbGci" || w == b"signatur"));
        assert_eq!(
            open(&key(1), 3, &sealed).as_deref(),
            Some("eyJhbGciOi.payload.signature")
        );
        assert_eq!(open(&key(2), 3, &sealed), None, "another key");
        assert_eq!(open(&key(1), 2, &sealed), None, "an older generation");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open(&key(1), 3, &altered), None, "altered");
        assert_eq!(open(&key(1), 3, &sealed[..5]), None, "truncated");
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        assert_ne!(seal(&key(1), 0, "same"), seal(&key(1), 0, "same"));
    }
}
