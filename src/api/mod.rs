//! Server functions, grouped by domain. Each is thin: check the caller,
//! validate input, call a service, map errors.
