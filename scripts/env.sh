# Shared environment for the make targets. Sourced, not run.
# Build outputs live outside the clone so that reruns (and CI on this machine) are incremental.
# Incremental caches grow by gigabytes per checkout; CI builds each crate once anyway.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export OC_CACHE_DIR="${OC_CACHE_DIR:-$HOME/.cache/offline-console}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$OC_CACHE_DIR/target}"
export OC_TOOLS_DIR="${OC_TOOLS_DIR:-$OC_CACHE_DIR/tools}"
export PATH="$HOME/.cargo/bin:$OC_TOOLS_DIR/node_modules/.bin:$PATH"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$PWD/target/site}"
