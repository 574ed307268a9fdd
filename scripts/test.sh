#!/usr/bin/env bash
# The whole test suite: formatting, lints, every Rust test, the keycloak-sim
# compatibility test with Keycloak's JS admin client, and the Playwright suite
# against a release build. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/ensure-tools.sh --browser || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
log_dir=$(mktemp -d)
count() { passed=$((passed + $1)); failed=$((failed + $2)); }

# A step that is one check: it passes or fails as a whole.
check() {
  local name=$1; shift
  echo "==> $name"
  if "$@"; then count 1 0; else echo "FAILED: $name"; count 0 1; fi
}

check "cargo fmt --check" cargo fmt --all --check
check "clippy (server and tests)" cargo clippy --workspace --all-targets --locked -- -D warnings
check "clippy (browser bundle)" cargo clippy -p offline-console --lib --locked \
  --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

echo "==> cargo test --workspace"
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log_dir/cargo-test.log"
status=${PIPESTATUS[0]}
read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$log_dir/cargo-test.log")
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # did not build, or a test binary crashed
count "$p" "$f"

echo "==> Keycloak's JS admin client against keycloak-sim"
keycloak-sim/compat/run.sh 2>&1 | tee "$log_dir/compat.log"
status=${PIPESTATUS[0]}
read -r p f < <(awk '/^# pass / { p = $3 } /^# fail / { f = $3 } END { print p + 0, f + 0 }' "$log_dir/compat.log")
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
count "$p" "$f"

echo "==> release build (cargo leptos build --release --precompress --split, keycloak-sim)"
if cargo leptos build --release --precompress --split && cargo build --release --locked -p keycloak-sim; then
  count 1 0
  echo "==> Playwright (Chromium)"
  (cd end2end && E2E_SIM_BIN="$CARGO_TARGET_DIR/release/keycloak-sim" \
    E2E_CONSOLE_BIN="$CARGO_TARGET_DIR/release/offline-console" \
    npx playwright test) 2>&1 | tee "$log_dir/e2e.log"
  status=${PIPESTATUS[0]}
  read -r p f < <(awk '/^ *[0-9]+ passed/ { p = $1 } /^ *[0-9]+ failed/ { f = $1 } /^ *[0-9]+ flaky/ { f += $1 } END { print p + 0, f + 0 }' "$log_dir/e2e.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  count "$p" "$f"
else
  echo "FAILED: release build"
  count 0 1
fi

rm -rf "$log_dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
