#!/usr/bin/env bash
# `make bench-keycloak`: the console side by side with Keycloak's own admin console, on one real
# Keycloak backed by PostgreSQL (Debian's server, started here on loopback). Seeds a bench realm
# through the token endpoint, then measures time to first rows in Chromium, first-load weight,
# the console's overhead over direct REST reads, and 64 administrators under load. Writes
# BENCHMARKS-keycloak.md (raw figures: target/bench-keycloak-results.json).
# Knobs: BENCH_KC_SIZES (default 10,1000,10000,100000), BENCH_KC_SEED_SECONDS (seeding budget,
# default 900), BENCH_KC_RUNS (browser runs per size, default 5), BENCH_KC_PER_RUN (requests per
# overhead run, default 100), BENCH_KC_LOAD_SECONDS (default 30), BENCH_KC_PORT,
# BENCH_KC_CONSOLE_PORT, BENCH_KC_PG_PORT, BENCH_SKIP_BUILD=1 (use the release binaries as they are).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Keycloak on PostgreSQL, as production Keycloak runs (its own build of the distribution).
export KC_DB=postgres
bash scripts/ensure-tools.sh --browser --keycloak
source scripts/keycloak/lib.sh
source scripts/postgres/lib.sh

console_bin=$CARGO_TARGET_DIR/release/offline-console
kc_port=${BENCH_KC_PORT:-18390}
kc_management_port=$((kc_port + 1))
console_port=${BENCH_KC_CONSOLE_PORT:-3390}
pg_port=${BENCH_KC_PG_PORT:-15490}
console_url="http://127.0.0.1:${console_port}"
kc_url="http://127.0.0.1:${kc_port}"

if [ "${BENCH_SKIP_BUILD:-}" = 1 ] && [ -x "$console_bin" ]; then
  build_note="existing release binary reused (built $(date -u -r "$console_bin" '+%F %R UTC'))"
else
  echo "==> building (release)"
  cargo leptos build --release --precompress --split
  build_note="release build of commit $(git rev-parse --short HEAD)"
fi
cargo build --release --locked -p loadgen
export LOADGEN_BIN=$CARGO_TARGET_DIR/release/loadgen
if git status --porcelain -- src style public Cargo.toml Cargo.lock | grep -q .; then
  build_note="$build_note, with uncommitted changes"
fi

work=$(mktemp -d)
cleanup() {
  [ -z "${console_pid:-}" ] || kill "$console_pid" 2>/dev/null || true
  kc_stop 2>/dev/null || true
  pg_stop || true
  rm -rf "$work"
}
trap cleanup EXIT

pg_ensure
echo "==> starting PostgreSQL $(pg_version) on 127.0.0.1:$pg_port"
pg_start "$pg_port" keycloak keycloak
kc_ensure_dist
node end2end/stack/patch-realms.mjs "$work" "$console_url" keycloak-sim/realms/master.json
echo "==> starting Keycloak $KC_VERSION on $kc_url (PostgreSQL; log: $work/keycloak.log)"
KC_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/keycloak" KC_DB_USERNAME=keycloak KC_DB_PASSWORD=keycloak \
  kc_start "$kc_port" "$kc_management_port" "$work/kc" "$work/keycloak.log" "$work/master.json"
kc_wait_ready "$kc_management_port" "$KC_PID" "$work/keycloak.log" 240
kc_java_pid=$(pgrep -P "$KC_PID" java || echo "$KC_PID")

KEYCLOAK_URL="$kc_url" \
OIDC_CLIENT_SECRET=offline-console-secret \
OIDC_CLIENT_SECRETS=master=offline-console-master-secret \
PUBLIC_URL="$console_url" \
BIND_ADDR="127.0.0.1:${console_port}" \
DATABASE_URL="sqlite://${work}/console.db" \
"$console_bin" >"$work/console.log" 2>&1 &
console_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$console_url/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

mkdir -p target
KEYCLOAK_URL="$kc_url" CONSOLE_URL="$console_url" CONSOLE_PID="$console_pid" KEYCLOAK_PID="$kc_java_pid" \
KEYCLOAK_VERSION="$KC_VERSION" JAVA_VERSION="$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)" \
POSTGRES_VERSION="$(pg_version)" BUILD_NOTE="$build_note" COMMIT="$(git rev-parse --short HEAD)" \
RESULTS_JSON="$PWD/target/bench-keycloak-results.json" OUT="$PWD/BENCHMARKS-keycloak.md" \
  node scripts/bench/keycloak/main.mjs
echo "==> wrote BENCHMARKS-keycloak.md (raw figures: target/bench-keycloak-results.json)"
