#!/usr/bin/env bash
# `make keycloak`: the real Keycloak 26.7.3 on 127.0.0.1 with the demo realms, state kept in
# data/keycloak (a second start reuses it). Downloads and builds it once (cached outside the
# clone). KEYCLOAK_PORT (default 8080) and KEYCLOAK_MANAGEMENT_PORT (default 9000) move it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/keycloak/lib.sh

port=${KEYCLOAK_PORT:-8080}
management_port=${KEYCLOAK_MANAGEMENT_PORT:-9000}
data_dir=${KEYCLOAK_DATA_DIR:-data/keycloak}

kc_ensure_dist || exit 1
mkdir -p "$data_dir"
log="$data_dir/keycloak.log"
echo "==> starting Keycloak $KC_VERSION on http://127.0.0.1:$port (log: $log)"
kc_start "$port" "$management_port" "$data_dir" "$log" \
  keycloak-sim/realms/master.json keycloak-sim/realms/demo.json || exit 1
trap 'kc_stop; exit 0' INT TERM
trap kc_stop EXIT
kc_wait_ready "$management_port" "$KC_PID" "$log" || exit 1
cat <<MSG

  Keycloak $KC_VERSION is running:  http://127.0.0.1:$port
  its admin console:            http://127.0.0.1:$port/admin/master/console/
  health:                       http://127.0.0.1:$management_port/health/ready

  Logins (password = username unless stated):
    master realm   admin / admin          Keycloak administrator, cross-realm console administrator
    demo realm     realmadmin             realm administrator of "demo"
                   helpdesk               view-only (view-users, query-users, view-clients)
                   alice, bob, carol ...  end users (self-service at /me)
                   eve                    end user without the offline_access role

  State is kept in $data_dir (delete it to start from the realm files again).
  Press Ctrl-C to stop.
MSG
wait "$KC_PID"
