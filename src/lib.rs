//! offline-console
