//! Sealing the history's offline token with HISTORY_KEY (ChaCha20-Poly1305).
//!
//! A sealed token is a fresh random 12-byte nonce followed by the ciphertext
//! and tag. The associated data binds it to this purpose and to the
//! connection's rotation generation, so an old sealed token copied back into
//! the row does not open.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::config::HistoryKey;

const NONCE_LEN: usize = 12;

fn associated_data(generation: i64) -> Vec<u8> {
    format!("offline-console history token v1 generation {generation}").into_bytes()
}

pub fn seal(key: &HistoryKey, generation: i64, token: &str) -> Vec<u8> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.bytes()));
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = associated_data(generation);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: token.as_bytes(),
                aad: &aad,
            },
        )
        .expect("ChaCha20-Poly1305 encrypts any message shorter than 256 GiB");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    out
}

/// `None` when the key or generation does not match or the data was altered.
pub fn open(key: &HistoryKey, generation: i64, sealed: &[u8]) -> Option<String> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.bytes()));
    let aad = associated_data(generation);
    let plain = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> HistoryKey {
        use base64::Engine as _;
        HistoryKey::parse(&base64::engine::general_purpose::STANDARD.encode([byte; 32])).unwrap()
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
