//! keycloak-sim
