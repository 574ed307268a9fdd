#!/usr/bin/env bash
# Runs the console on the embedded default: keycloak-sim with the demo realms
# (state kept in data/keycloak-sim) and the console against it (data/).
# KEYCLOAK=real runs the same console against the real Keycloak instead (data/keycloak).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/ensure-tools.sh

console_port=${CONSOLE_PORT:-3000}
sim_port=${SIM_PORT:-8180}
backend=${KEYCLOAK:-sim}
case "$backend" in sim | real) ;; *) echo "demo: KEYCLOAK must be sim or real, not '$backend'" >&2; exit 2 ;; esac

if [ "$backend" = real ]; then
  source scripts/keycloak/lib.sh
  kc_ensure_dist || exit 1
fi

echo "==> building (release)"
cargo leptos build --release --precompress --split
[ "$backend" = real ] || cargo build --release --locked -p keycloak-sim

trap '[ "$backend" = real ] && kc_stop; kill 0 2>/dev/null' EXIT INT TERM
if [ "$backend" = real ]; then
  kc_port=${KEYCLOAK_PORT:-8080}
  kc_management_port=${KEYCLOAK_MANAGEMENT_PORT:-9000}
  mkdir -p data/keycloak
  echo "==> starting Keycloak $KC_VERSION on http://127.0.0.1:$kc_port (log: data/keycloak/keycloak.log)"
  kc_start "$kc_port" "$kc_management_port" data/keycloak data/keycloak/keycloak.log \
    keycloak-sim/realms/master.json keycloak-sim/realms/demo.json || exit 1
  kc_wait_ready "$kc_management_port" "$KC_PID" data/keycloak/keycloak.log || exit 1
  keycloak_url="http://127.0.0.1:$kc_port"
  keycloak_line="Keycloak $KC_VERSION (real):       $keycloak_url  (its admin console: $keycloak_url/admin/master/console/)"
else
  mkdir -p data/keycloak-sim
  "$CARGO_TARGET_DIR/release/keycloak-sim" --port "$sim_port" --sim-api --data-dir data/keycloak-sim \
    --import keycloak-sim/realms/master.json --import keycloak-sim/realms/demo.json &
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:${sim_port}/realms/master/.well-known/openid-configuration" >/dev/null 2>&1 && break
    sleep 0.1
  done
  keycloak_url="http://127.0.0.1:${sim_port}"
  keycloak_line="keycloak-sim (Keycloak API): $keycloak_url"
fi

# History's token is stored encrypted with this key; generated once, kept with the data.
if [ ! -s data/history.key ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 > data/history.key)
fi

export KEYCLOAK_URL="${KEYCLOAK_URL:-$keycloak_url}"
export HISTORY_KEY="${HISTORY_KEY:-$(cat data/history.key)}"
export OIDC_CLIENT_SECRET="${OIDC_CLIENT_SECRET:-offline-console-secret}"
export OIDC_CLIENT_SECRETS="${OIDC_CLIENT_SECRETS:-master=offline-console-master-secret}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:${console_port}}"
export BIND_ADDR="${BIND_ADDR:-127.0.0.1:${console_port}}"

# Offline sessions of varied ages and a few weeks of history, so every page has something
# to show; a second run keeps what is there.
echo "==> seeding the demo realm"
"$CARGO_TARGET_DIR/release/offline-console" seed-demo
"$CARGO_TARGET_DIR/release/offline-console" &

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${console_port}/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
cat <<MSG

  offline-console is running:  http://127.0.0.1:${console_port}
  ${keycloak_line}

  Logins (password = username unless stated):
    master realm   admin / admin          cross-realm administrator (and Keycloak's own admin)
    demo realm     realmadmin             realm administrator of "demo"
                   helpdesk               view-only (view-users, query-users, view-clients)
                   alice, bob, carol ...  end users (self-service at /me)
                   eve                    end user without the offline_access role
                   mobile1, print1 ...    seeded end users with offline sessions (grant-user1 ... on a real Keycloak)

  Press Ctrl-C to stop.
MSG
wait
