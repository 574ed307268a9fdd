//! Realm signing keys: RS256 JWTs and the JWKS document.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rand::SeedableRng;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many verified tokens a key remembers; past that it starts over.
const VERIFIED_CAPACITY: usize = 4096;

pub struct RealmKey {
    kid: String,
    signer: SigningKey<Sha256>,
    verifier: VerifyingKey<Sha256>,
    jwk: Value,
    /// Claims of tokens whose signature this key has checked. A client sends the same bearer
    /// token on every call, and checking an RS256 signature costs more than the rest of an
    /// admin request. A signature never stops being valid, so this changes no answer: expiry,
    /// sessions and not-before are still checked on every use, by the callers. Only valid
    /// tokens get in, so forged ones cannot fill it.
    verified: Mutex<HashMap<String, Arc<Value>>>,
}

impl RealmKey {
    /// A 2048-bit RSA key derived from `seed`, so a journal replay recreates the same key.
    pub fn from_seed(seed: u64) -> RealmKey {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let private = RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation");
        let public = private.to_public_key();
        let n = public.n().to_bytes_be();
        let e = public.e().to_bytes_be();
        let kid = B64.encode(Sha256::digest([n.as_slice(), e.as_slice()].concat()));
        let jwk = json!({
            "kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig",
            "n": B64.encode(&n), "e": B64.encode(&e),
        });
        RealmKey {
            kid,
            signer: SigningKey::<Sha256>::new(private),
            verifier: VerifyingKey::<Sha256>::new(public),
            jwk,
            verified: Mutex::default(),
        }
    }

    pub fn jwk(&self) -> &Value {
        &self.jwk
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let signing_input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature = self.signer.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", B64.encode(signature.to_bytes()))
    }

    /// The claims of a token this key signed; `None` for anything malformed or forged.
    /// Shared, not copied: a remembered token's claims are read on every call it makes.
    pub fn verify(&self, token: &str) -> Option<Arc<Value>> {
        if let Some(claims) = self.verified().get(token) {
            return Some(Arc::clone(claims));
        }
        let claims = Arc::new(self.check_signature(token)?);
        let mut verified = self.verified();
        if verified.len() >= VERIFIED_CAPACITY {
            verified.clear();
        }
        verified.insert(token.to_owned(), Arc::clone(&claims));
        Some(claims)
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Value>>> {
        // The map holds only finished entries, so one left by a panicking thread is sound.
        self.verified
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check_signature(&self, token: &str) -> Option<Value> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let header: Value = serde_json::from_slice(&B64.decode(header).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let signature = Signature::try_from(B64.decode(signature).ok()?.as_slice()).ok()?;
        self.verifier
            .verify(signing_input.as_bytes(), &signature)
            .ok()?;
        let claims: Value = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
        claims.is_object().then_some(claims)
    }
}

/// The `iss` claim of a JWT, without checking its signature (to find the issuing realm
/// first). Reads only that claim: every admin call starts here.
pub fn peek_issuer(token: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Issuer {
        iss: String,
    }
    let payload = token.split('.').nth(1)?;
    let claims: Issuer = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
    Some(claims.iss)
}
