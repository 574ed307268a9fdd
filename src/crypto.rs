//! Sealing secrets the console keeps at rest (ChaCha20-Poly1305).
//!
//! A sealed value is a fresh random 12-byte nonce followed by the ciphertext and tag. Each
//! caller binds it to its purpose and its row through the associated data, so a sealed value
//! copied into another row, or back from an older one, does not open.

use std::fmt;

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;

/// A 256-bit key; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SealingKey([u8; 32]);

impl SealingKey {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 32 bytes from the operating system's random source.
    pub fn generate() -> Self {
        SealingKey(ChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// 32 bytes in standard base64 (padding optional).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(raw)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(raw))
            .map_err(|_| {
                "is not base64; generate a key with `openssl rand -base64 32`".to_owned()
            })?;
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            format!(
                "must be 32 bytes in base64 but is {} bytes; generate one with `openssl rand -base64 32`",
                bytes.len()
            )
        })?;
        Ok(SealingKey(key))
    }

    /// The form `parse` reads, for a key file.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(**redacted**)")
    }
}

pub fn seal(key: &SealingKey, associated_data: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.bytes()));
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: associated_data,
            },
        )
        .expect("ChaCha20-Poly1305 encrypts any message shorter than 256 GiB");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    out
}

/// `None` when the key or the associated data does not match, or the data was altered.
pub fn open(key: &SealingKey, associated_data: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    ChaCha20Poly1305::new(Key::from_slice(key.bytes()))
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: associated_data,
            },
        )
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_associated_data() {
        let key = SealingKey::generate();
        let sealed = seal(&key, b"row 1", b"eyJhbGciOi.payload.signature");
        assert!(!sealed.windows(8).any(|w| w == b"eyJhbGci"));
        assert_eq!(
            open(&key, b"row 1", &sealed).as_deref(),
            Some(&b"eyJhbGciOi.payload.signature"[..])
        );
        assert_eq!(open(&SealingKey::generate(), b"row 1", &sealed), None);
        assert_eq!(open(&key, b"row 2", &sealed), None, "another row");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open(&key, b"row 1", &altered), None, "altered");
        assert_eq!(open(&key, b"row 1", &sealed[..5]), None, "truncated");
    }

    #[test]
    fn keys_round_trip_through_base64_and_are_never_printed() {
        let key = SealingKey::generate();
        assert_eq!(SealingKey::parse(&key.to_base64()), Ok(key.clone()));
        assert!(!format!("{key:?}").contains(&key.to_base64()));
        assert_ne!(key, SealingKey::generate());
    }
}
