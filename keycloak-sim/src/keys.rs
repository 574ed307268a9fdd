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

pub struct RealmKey {
    kid: String,
    signer: SigningKey<Sha256>,
    verifier: VerifyingKey<Sha256>,
    jwk: Value,
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
    pub fn verify(&self, token: &str) -> Option<Value> {
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

/// Claims of a JWT without checking its signature (to find the issuing realm first).
pub fn peek_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
    claims.is_object().then_some(claims)
}
