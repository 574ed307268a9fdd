//! The list of active faults and how a request path selects one.

use std::sync::Arc;

use parking_lot::RwLock;

use serde::{Deserialize, Serialize};

/// Ten minutes: longer delays only hang tests.
const MAX_LATENCY_MS: u64 = 600_000;

/// Body of `POST /_sim/faults`; everything but `pathPrefix` is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSpec {
    pub path_prefix: String,
    #[serde(default)]
    pub latency_ms: u64,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub reset: bool,
    #[serde(default = "always")]
    pub rate: f64,
    /// Affect only the first `times` matching requests, then let requests through.
    #[serde(default)]
    pub times: Option<u64>,
    /// Let Keycloak handle the request, then drop the connection instead of answering.
    #[serde(default)]
    pub reset_after: bool,
    /// Let Keycloak handle the request, then answer its status with a body that is not JSON.
    #[serde(default)]
    pub malformed_body: bool,
}

fn always() -> f64 {
    1.0
}

/// A registered fault, as listed by `GET /_sim/faults`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: String,
    pub path_prefix: String,
    pub latency_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub reset: bool,
    pub rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reset_after: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub malformed_body: bool,
    /// How many requests the fault has affected so far.
    pub hits: u64,
}

impl FaultSpec {
    /// Checks the spec; the message is meant for the caller of `/_sim/faults`.
    pub fn validate(&self) -> Result<(), &'static str> {
        if !self.path_prefix.starts_with('/') {
            return Err("pathPrefix must start with '/'");
        }
        if self.path_prefix.starts_with("/_sim/") || self.path_prefix == "/_sim" {
            return Err("pathPrefix must not target the /_sim/ controls");
        }
        if let Some(status) = self.status {
            if !(400..=599).contains(&status) {
                return Err("status must be between 400 and 599");
            }
        }
        if self.latency_ms > MAX_LATENCY_MS {
            return Err("latencyMs must be at most 600000");
        }
        if !(0.0..=1.0).contains(&self.rate) {
            return Err("rate must be between 0.0 and 1.0");
        }
        Ok(())
    }
}

/// Shared, cheap to clone. Faults are few, so a list scanned in order is enough.
#[derive(Debug, Clone, Default)]
pub struct FaultRegistry {
    faults: Arc<RwLock<Vec<Fault>>>,
}

impl FaultRegistry {
    pub fn add(&self, spec: FaultSpec) -> Fault {
        let fault = Fault {
            id: crate::id::random_id().to_string(),
            path_prefix: spec.path_prefix,
            latency_ms: spec.latency_ms,
            status: spec.status,
            reset: spec.reset,
            rate: spec.rate,
            times: spec.times,
            reset_after: spec.reset_after,
            malformed_body: spec.malformed_body,
            hits: 0,
        };
        self.faults.write().push(fault.clone());
        fault
    }

    pub fn list(&self) -> Vec<Fault> {
        self.faults.read().clone()
    }

    /// Removes one fault; false when the id is unknown.
    pub fn remove(&self, id: &str) -> bool {
        let mut faults = self.faults.write();
        let before = faults.len();
        faults.retain(|fault| fault.id != id);
        faults.len() != before
    }

    pub fn clear(&self) {
        self.faults.write().clear();
    }

    /// The oldest fault whose prefix matches `path` and that still has uses left; the
    /// controls themselves are never faulted. It affects this request when `roll` (uniform
    /// in 0..1) is below its rate: the hit is counted and the fault returned.
    pub fn apply(&self, path: &str, roll: f64) -> Option<Fault> {
        if path.starts_with("/_sim/") {
            return None;
        }
        let mut faults = self.faults.write();
        let fault = faults.iter_mut().find(|fault| {
            path.starts_with(&fault.path_prefix) && fault.times.is_none_or(|t| fault.hits < t)
        })?;
        if roll >= fault.rate {
            return None;
        }
        fault.hits += 1;
        Some(fault.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prefix: &str) -> FaultSpec {
        serde_json::from_value(serde_json::json!({ "pathPrefix": prefix })).unwrap()
    }

    #[test]
    fn defaults_affect_every_request_without_delay() {
        let spec = spec("/admin");
        assert_eq!(
            (spec.latency_ms, spec.status, spec.reset, spec.rate),
            (0, None, false, 1.0)
        );
    }

    #[test]
    fn oldest_matching_fault_wins_and_sim_paths_are_exempt() {
        let registry = FaultRegistry::default();
        let first = registry.add(spec("/admin/realms/demo"));
        registry.add(spec("/admin"));
        let hit = registry.apply("/admin/realms/demo/users", 0.0).unwrap();
        assert_eq!((hit.id.as_str(), hit.hits), (first.id.as_str(), 1));
        assert_eq!(registry.apply("/realms/demo", 0.0), None);
        registry.add(spec("/"));
        assert_eq!(registry.apply("/_sim/faults", 0.0), None);
        assert!(registry.remove(&first.id));
        assert!(!registry.remove(&first.id));
        assert_eq!(
            registry
                .apply("/admin/realms/demo/users", 0.0)
                .unwrap()
                .path_prefix,
            "/admin"
        );
    }

    #[test]
    fn a_fault_with_times_stops_after_that_many_hits_and_misses_are_not_counted() {
        let registry = FaultRegistry::default();
        let mut twice = spec("/admin");
        twice.times = Some(2);
        twice.rate = 0.5;
        registry.add(twice);
        assert_eq!(registry.apply("/admin/x", 0.7), None, "the roll missed");
        assert_eq!(registry.apply("/admin/x", 0.1).unwrap().hits, 1);
        assert_eq!(registry.apply("/admin/x", 0.1).unwrap().hits, 2);
        assert_eq!(registry.apply("/admin/x", 0.1), None, "used up");
        assert_eq!(registry.list()[0].hits, 2);
    }

    #[test]
    fn validation_rejects_out_of_range_values() {
        let mut bad = spec("admin");
        assert_eq!(bad.validate(), Err("pathPrefix must start with '/'"));
        bad.path_prefix = "/_sim/clock".into();
        assert_eq!(
            bad.validate(),
            Err("pathPrefix must not target the /_sim/ controls")
        );
        bad.path_prefix = "/admin".into();
        bad.status = Some(200);
        assert_eq!(bad.validate(), Err("status must be between 400 and 599"));
        bad.status = Some(503);
        bad.rate = 1.5;
        assert_eq!(bad.validate(), Err("rate must be between 0.0 and 1.0"));
        bad.rate = 0.5;
        assert_eq!(bad.validate(), Ok(()));
        bad.latency_ms = 600_001;
        assert_eq!(bad.validate(), Err("latencyMs must be at most 600000"));
    }
}
