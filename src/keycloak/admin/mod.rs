//! Admin REST API (`/admin/realms/...`), called with the signed-in
//! administrator's own access token so that Keycloak's permissions decide.
//! The endpoints are grouped by resource; the answers' types are in `types`.

mod clients;
mod realms;
mod sessions;
mod types;
mod users;

use std::sync::Arc;

use super::{Bearer, KcError, Keycloak};
use crate::model::ids::RealmName;
pub use types::*;

/// Admin calls made with one caller's token.
pub struct Admin<'a, B: Bearer> {
    kc: &'a Keycloak,
    bearer: &'a B,
}

impl Keycloak {
    pub fn admin<'a, B: Bearer>(&'a self, bearer: &'a B) -> Admin<'a, B> {
        Admin { kc: self, bearer }
    }
}

impl<B: Bearer> Admin<'_, B> {
    fn url(&self, realm: &RealmName, rest: &[&str]) -> url::Url {
        let mut segments = vec!["admin", "realms", realm.as_str()];
        segments.extend_from_slice(rest);
        self.kc.url(&segments)
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: url::Url) -> Result<T, KcError> {
        self.kc.get_json(url, self.bearer).await
    }

    /// `get` through the short-lived per-caller cache (see `cache`); errors are not kept.
    async fn get_cached<T>(&self, url: url::Url) -> Result<Arc<T>, KcError>
    where
        T: serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        let Some(caller) = self.bearer.cache_identity() else {
            return self.get(url).await.map(Arc::new);
        };
        let key = format!("{caller} {url}");
        if let Some(hit) = self.kc.cache.get(&key) {
            return Ok(hit);
        }
        let generation = self.kc.cache.generation();
        let value: Arc<T> = Arc::new(self.get(url).await?);
        self.kc.cache.put(key, generation, value.clone());
        Ok(value)
    }
}
