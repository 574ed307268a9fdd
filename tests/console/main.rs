//! The console's integration tests, one module per area, in one binary: each extra test
//! binary would link the whole application again. Each test spawns the real console on port
//! 0 with a fresh database (`support::spawn_app`) against keycloak-sim or, with
//! `OC_TEST_KEYCLOAK=real`, a real Keycloak.

mod support;

mod admin_sessions;
mod admin_signin;
mod audit_log;
mod authorization;
mod crash;
mod demo;
mod faults;
mod fuzz;
mod health;
mod history;
mod policy;
mod power_tools;
mod self_service;
mod startup;
