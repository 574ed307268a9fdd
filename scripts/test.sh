#!/usr/bin/env bash
# The whole test suite: formatting, lints, every Rust test, the conformance suite and
# Keycloak's JS admin client against keycloak-sim and against the real Keycloak 26.7.3, the
# console's integration suites on both, and the Playwright suite against a release build on
# both. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/ensure-tools.sh --browser || { echo "0 passed, 1 failed"; exit 1; }

# One real Keycloak for the whole run, with fresh state on ports of its own; it starts now
# so that its start overlaps the lints. Each suite then makes (and deletes) realms of its own.
# A machine where it cannot run fails those suites loudly: they are never skipped.
real_port=${REAL_KEYCLOAK_PORT:-18480}
real_management_port=${REAL_KEYCLOAK_MANAGEMENT_PORT:-19480}
real_url="http://127.0.0.1:$real_port"
real_dir=$(mktemp -d)
real_problem=""
source scripts/keycloak/lib.sh
if bash scripts/ensure-tools.sh --keycloak >"$real_dir/setup.log" 2>&1; then
  kc_find_java
  # The console's tests reach it through fault proxies of their own (tests/console/support/fault_proxy.rs).
  export KC_HOSTNAME_FROM_REQUEST=1
  # What scripts/keycloak/test-control.sh needs to kill and restart it for a test.
  printf 'port=%s\nmanagement_port=%s\ndata_dir=%s\nlog=%s\n' "$real_port" "$real_management_port" \
    "$real_dir/state" "$real_dir/keycloak.log" >"$real_dir/control.env"
  kc_start "$real_port" "$real_management_port" "$real_dir/state" "$real_dir/keycloak.log" \
    keycloak-sim/realms/master.json keycloak-sim/realms/demo.json 2>>"$real_dir/setup.log" \
    || real_problem=$(grep -m1 '^keycloak:' "$real_dir/setup.log")
else
  real_problem=$(grep -m1 -E '^(keycloak|ensure-tools):' "$real_dir/setup.log" || tail -n1 "$real_dir/setup.log")
fi
stop_real_keycloak() {
  kc_stop
  rm -rf "$real_dir"
}
trap stop_real_keycloak EXIT

passed=0
failed=0
log_dir=$(mktemp -d)
failures=() # names, repeated just before the last line so a log's tail names them
count() { passed=$((passed + $1)); failed=$((failed + $2)); }

# A step that is one check: it passes or fails as a whole.
check() {
  local name=$1; shift
  echo "==> $name"
  if "$@"; then count 1 0; else echo "FAILED: $name"; count 0 1; failures+=("$name"); fi
}

check "cargo fmt --check" cargo fmt --all --check
check "clippy (server and tests)" cargo clippy --workspace --all-targets --locked -- -D warnings
check "clippy (browser bundle)" cargo clippy -p offline-console --lib --locked \
  --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# Tests of the real Keycloak only (tests/real-keycloak-only.txt says why) are left out here.
real_only=()
while read -r module name; do [ -n "$name" ] && real_only+=(--skip "$module::$name"); done \
  < <(grep -v '^#' tests/real-keycloak-only.txt | awk 'NF { print $1, $2 }')
echo "==> cargo test --workspace (keycloak-sim; $(( ${#real_only[@]} / 2 )) real-Keycloak-only tests left out)"
cargo test --workspace --locked --no-fail-fast -- --exact "${real_only[@]}" 2>&1 | tee "$log_dir/cargo-test.log"
status=${PIPESTATUS[0]}
read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$log_dir/cargo-test.log")
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; failures+=("cargo test (did not build, or a test binary crashed)"); fi
count "$p" "$f"
mapfile -t -O "${#failures[@]}" failures < <(sed -n 's/^test \(.*\) \.\.\. FAILED$/cargo test: \1/p' "$log_dir/cargo-test.log")

echo "==> Keycloak's JS admin client against keycloak-sim"
keycloak-sim/compat/run.sh 2>&1 | tee "$log_dir/compat.log"
status=${PIPESTATUS[0]}
read -r p f < <(awk '/^# pass / { p = $3 } /^# fail / { f = $3 } END { print p + 0, f + 0 }' "$log_dir/compat.log")
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
count "$p" "$f"
[ "$f" -eq 0 ] || failures+=("Keycloak's JS admin client against keycloak-sim")

# The console's integration suites that meet Keycloak, once more against the real server: one
# test at a time (each gets a fresh demo realm), without the tests listed as simulator-only.
# crash, fuzz and startup meet no Keycloak (or start their own simulators).
real_suites=(admin_sessions admin_signin audit_log authorization faults health history policy power_tools self_service)
simulator_only=0
run_console_suites_on_real() {
  local listed skips=() module name
  listed=$(grep -v '^#' tests/simulator-only.txt | awk 'NF { print $1, $2 }')
  # A name on the list that no longer exists is an error: the list would hide nothing, wrongly.
  local known
  known=$(cargo test --locked --test console -- --list 2>/dev/null | sed -n 's/: test$//p')
  while read -r module name; do
    [ -n "$name" ] || continue
    if ! grep -qx "$module::$name" <<<"$known"; then
      echo "FAILED: tests/simulator-only.txt names $module $name, which is not a test"
      count 0 1
      failures+=("tests/simulator-only.txt: unknown test $module $name")
    fi
    skips+=("$module::$name")
    simulator_only=$((simulator_only + 1))
  done <<<"$listed"
  # The suites' tests by exact name, less the simulator-only ones.
  local args=() test
  while read -r test; do
    [ -n "$test" ] || continue
    printf '%s\n' "${skips[@]}" | grep -qx "$test" && continue
    args+=("$test")
  done < <(grep -E "^($(IFS='|'; echo "${real_suites[*]}"))::" <<<"$known")
  echo "==> the console's suites against the real Keycloak ($simulator_only simulator-only tests left out, see tests/simulator-only.txt)"
  OC_TEST_KEYCLOAK=real OC_TEST_KEYCLOAK_URL="$real_url" OC_TEST_KEYCLOAK_CONTROL="$real_dir/control.env" \
    cargo test --locked --no-fail-fast --test console -- --test-threads=1 --exact "${args[@]}" 2>&1 | tee "$log_dir/console-real.log"
  local status=${PIPESTATUS[0]} p f
  read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$log_dir/console-real.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; failures+=("the console's suites on the real Keycloak (did not build, or a test binary crashed)"); fi
  count "$p" "$f"
  mapfile -t -O "${#failures[@]}" failures < <(sed -n 's/^test \(.*\) \.\.\. FAILED$/on the real Keycloak: \1/p' "$log_dir/console-real.log")
}

echo "==> the real Keycloak $KC_VERSION at $real_url"
if [ -z "$real_problem" ] && ! kc_wait_ready "$real_management_port" "$KC_PID" "$real_dir/keycloak.log" 2>"$real_dir/ready.log"; then
  real_problem=$(cat "$real_dir/ready.log")
fi
if [ -n "$real_problem" ]; then
  echo "FAILED: the real Keycloak is not available: ${real_problem:-see the setup log}"
  sed 's/^/  setup: /' "$real_dir/setup.log" | tail -n 20
  count 0 3
  failures+=("conformance suite against the real Keycloak (no server: $real_problem)" "Keycloak's JS admin client against the real Keycloak (no server)" "the console's suites against the real Keycloak (no server)")
else
  echo "==> conformance suite against the real Keycloak"
  KEYCLOAK_CONFORMANCE_URL="$real_url" cargo test -p keycloak-sim --test conformance --locked --no-fail-fast 2>&1 | tee "$log_dir/conformance-real.log"
  status=${PIPESTATUS[0]}
  read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$log_dir/conformance-real.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  count "$p" "$f"
  mapfile -t -O "${#failures[@]}" failures < <(sed -n 's/^test \(.*\) \.\.\. FAILED$/conformance on the real Keycloak: \1/p' "$log_dir/conformance-real.log")

  echo "==> Keycloak's JS admin client against the real Keycloak"
  (cd keycloak-sim/compat && KEYCLOAK_CONFORMANCE_URL="$real_url" node --test test/admin-client.test.js) 2>&1 | tee "$log_dir/compat-real.log"
  status=${PIPESTATUS[0]}
  read -r p f < <(awk '/^# pass / { p = $3 } /^# fail / { f = $3 } END { print p + 0, f + 0 }' "$log_dir/compat-real.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  count "$p" "$f"
  [ "$f" -eq 0 ] || failures+=("Keycloak's JS admin client against the real Keycloak")

  run_console_suites_on_real
fi

# The Playwright suite against the release build; `backend` names the log and the failures.
playwright_skipped=0
run_playwright() {
  local title=$1 backend=$2 log="$log_dir/e2e-$2.log" status p f skipped
  echo "==> $title"
  (cd end2end && E2E_SIM_BIN="$CARGO_TARGET_DIR/release/keycloak-sim" \
    E2E_CONSOLE_BIN="$CARGO_TARGET_DIR/release/offline-console" \
    npx playwright test) 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  read -r p f skipped < <(awk '/^ *[0-9]+ passed/ { p = $1 } /^ *[0-9]+ failed/ { f = $1 } /^ *[0-9]+ flaky/ { f += $1 } /^ *[0-9]+ skipped/ { s = $1 } END { print p + 0, f + 0, s + 0 }' "$log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  count "$p" "$f"
  [ "$backend" = sim ] || playwright_skipped=$skipped
  mapfile -t -O "${#failures[@]}" failures < <(grep -E '^ +[0-9]+\) ' "$log" | sed "s/^ *[0-9]*) /Playwright ($backend): /" | sort -u)
}

echo "==> release build (cargo leptos build --release --precompress --split, keycloak-sim)"
if cargo leptos build --release --precompress --split && cargo build --release --locked -p keycloak-sim; then
  count 1 0
  run_playwright "Playwright (Chromium)" sim
  if [ -z "$real_problem" ]; then
    E2E_KEYCLOAK=real E2E_KEYCLOAK_URL="$real_url" \
      run_playwright "Playwright (Chromium) against the real Keycloak" real
  else
    echo "FAILED: Playwright against the real Keycloak: no server ($real_problem)"
    count 0 1
    failures+=("Playwright against the real Keycloak (no server)")
  fi
else
  echo "FAILED: release build"
  count 0 1
  failures+=("release build")
fi

rm -rf "$log_dir"
[ "$simulator_only" -eq 0 ] || echo "not run on the real Keycloak: $simulator_only simulator-only tests (tests/simulator-only.txt says why)"
[ "$playwright_skipped" -eq 0 ] || echo "not run on the real Keycloak: $playwright_skipped Playwright tests (test.skip(realKeycloak, …) in end2end/tests says why)"
for failure in "${failures[@]}"; do echo "failed: $failure"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
