#!/usr/bin/env bash
# `make bench`: builds in release mode when the binaries are missing or older than
# the sources, starts keycloak-sim and the console on their own ports, runs the
# measurements of scripts/bench/ and writes BENCHMARKS.md.
# Knobs: BENCH_RUNS, BENCH_PER_RUN, BENCH_LOAD_USERS, BENCH_LOAD_SECONDS, BENCH_LOAD_RUNS (timed runs of
# the load test, default 3), BENCH_BIG
# (size of the largest client, default 1000000), BENCH_MANY_USERS / BENCH_MANY_SECONDS (the
# issue-10 load, default 200 sessions for 60 s; 0 users skips it), BENCH_BULK (sessions of the
# bulk revocation job and the smaller export, default 100000; 0 skips both), BENCH_BULK_MATCH
# (username part the bulk job revokes, default empty: all; bk9: 11,111 of 100,000), BENCH_EXPORT_BIG=0
# (skip exporting the largest client), BENCH_CONSOLE_PORT, BENCH_SIM_PORT, BENCH_FLOOR_PORT,
# BENCH_SKIP_BUILD=1 (use the existing binaries and site as they are; noted in the report, with
# BENCH_CONSOLE_BIN / BENCH_SIM_BIN / LEPTOS_SITE_ROOT to pick them and BENCH_BUILD_NOTE to say
# where they come from), BENCH_COST=1 (measure only the console's cost per page with perf stat,
# scripts/bench/cost.mjs: BENCH_COST_USERS, BENCH_COST_PAGES, and BENCH_COST_PATHS=/signin,... or
# BENCH_COST_PAGE=i for given paths or one of the load test's pages; prints one JSON line, writes nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

console_bin=${BENCH_CONSOLE_BIN:-$CARGO_TARGET_DIR/release/offline-console}
sim_bin=${BENCH_SIM_BIN:-$CARGO_TARGET_DIR/release/keycloak-sim}
site_pkg="$LEPTOS_SITE_ROOT/pkg"
console_port=${BENCH_CONSOLE_PORT:-3290}
sim_port=${BENCH_SIM_PORT:-18290}
floor_port=${BENCH_FLOOR_PORT:-18291}
console_url="http://127.0.0.1:${console_port}"
sim_url="http://127.0.0.1:${sim_port}"

# Stale when a binary or the site is missing or any source is newer than the oldest output.
stale() {
  local oldest=$console_bin
  [ -x "$console_bin" ] && [ -x "$sim_bin" ] && [ -f "$site_pkg/offline-console.wasm" ] || return 0
  [ "$sim_bin" -ot "$oldest" ] && oldest=$sim_bin
  [ "$site_pkg/offline-console.wasm" -ot "$oldest" ] && oldest=$site_pkg/offline-console.wasm
  [ -n "$(find src style public Cargo.toml Cargo.lock keycloak-sim/src keycloak-sim/Cargo.toml \
    -newer "$oldest" -print -quit)" ]
}

if [ "${BENCH_SKIP_BUILD:-}" = 1 ]; then
  build_note="**Build:** existing release binaries reused as they are (BENCH_SKIP_BUILD=1): console built $(date -u -r "$console_bin" '+%F %R UTC'), keycloak-sim $(date -u -r "$sim_bin" '+%F %R UTC'), site $(date -u -r "$site_pkg/offline-console.wasm" '+%F %R UTC'). ${BENCH_BUILD_NOTE:-}"
elif stale; then
  echo "==> building (release)"
  bash scripts/ensure-tools.sh
  cargo leptos build --release --precompress --split
  cargo build --release --locked -p keycloak-sim
  # cargo leaves up-to-date outputs untouched; mark them current so the next run skips this.
  touch "$console_bin" "$sim_bin" "$site_pkg"/*
  build_note="**Build:** release build made by this run at commit $(git rev-parse --short HEAD)."
else
  build_note="**Build:** release binaries were newer than the sources (commit $(git rev-parse --short HEAD)); not rebuilt."
fi
# The load generator and the floor of item 2 are not what is measured: always built (a no-op when current).
cargo build --release --locked -p loadgen -p bench-floor
export LOADGEN_BIN=$CARGO_TARGET_DIR/release/loadgen
if git status --porcelain -- src style public Cargo.toml Cargo.lock keycloak-sim | grep -q .; then
  build_note="$build_note The working tree had uncommitted changes."
fi

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
node end2end/stack/patch-realms.mjs "$work" "$console_url" keycloak-sim/realms/master.json keycloak-sim/realms/demo.json

wait_for() {
  for _ in $(seq 1 300); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "not answering: $1" >&2
  return 1
}

echo "==> starting keycloak-sim on $sim_url and the console on $console_url (logs in $work)"
"$sim_bin" --port "$sim_port" --sim-api --import "$work/master.json" --import "$work/demo.json" >"$work/sim.log" 2>&1 &
sim_pid=$!
wait_for "$sim_url/realms/master/.well-known/openid-configuration"
KEYCLOAK_URL="$sim_url" \
OIDC_CLIENT_SECRET=offline-console-secret \
OIDC_CLIENT_SECRETS=master=offline-console-master-secret \
PUBLIC_URL="$console_url" \
BIND_ADDR="127.0.0.1:${console_port}" \
DATABASE_URL="sqlite://${work}/console.db" \
"$console_bin" >"$work/console.log" 2>&1 &
console_pid=$!
wait_for "$console_url/healthz"

if [ "${BENCH_COST:-}" = 1 ]; then
  command -v perf >/dev/null || { echo "make bench-cost needs perf (Debian: apt-get install linux-perf)" >&2; exit 1; }
  CONSOLE_URL="$console_url" SIM_URL="$sim_url" CONSOLE_PID="$console_pid" SIM_PID="$sim_pid" node scripts/bench/cost.mjs
  exit
fi
floor_url="http://127.0.0.1:${floor_port}"
KEYCLOAK_URL="$sim_url" BIND_ADDR="127.0.0.1:${floor_port}" "$CARGO_TARGET_DIR/release/bench-floor" >"$work/floor.log" 2>&1 &
wait_for "$floor_url/healthz"
echo "==> measuring (about 10 minutes with the defaults)"
mkdir -p target
export_routes=0
grep -rqs '"/export' src && export_routes=1
CONSOLE_URL="$console_url" SIM_URL="$sim_url" FLOOR_URL="$floor_url" CONSOLE_PID="$console_pid" SIM_PID="$sim_pid" SITE_PKG="$site_pkg" \
BUILD_NOTE="$build_note" EXPORT_ROUTES="$export_routes" \
RESULTS_JSON="$PWD/target/bench-results.json" OUT="$PWD/BENCHMARKS.md" \
  node scripts/bench/bench.mjs
sed -n '/^## Summary/,/^## 1/p' BENCHMARKS.md | head -n -1
echo "==> wrote BENCHMARKS.md (raw figures: target/bench-results.json)"
