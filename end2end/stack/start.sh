#!/usr/bin/env bash
# Starts keycloak-sim (demo realms, virtual clock API) and the console for the
# Playwright suite, with the console's redirect URIs pointed at its test port.
# E2E_KEYCLOAK=real with E2E_KEYCLOAK_URL uses a real Keycloak 26 instead: its demo
# realm is made afresh and master's console client pointed here (stack/prepare-real.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${E2E_CONSOLE_BIN:?set by make test}"
: "${LEPTOS_SITE_ROOT:?set by make test}"
console_port=${E2E_CONSOLE_PORT:-3100}
sim_port=${E2E_SIM_PORT:-18180}
console_url="http://127.0.0.1:${console_port}"
# The console's JSON log, scanned for secrets by secrets.spec.ts.
console_log=${E2E_CONSOLE_LOG:-/tmp/offline-console-e2e-${console_port}.log}
: > "$console_log"

work=$(mktemp -d)
trap 'kill 0 2>/dev/null; rm -rf "$work"' EXIT
node stack/patch-realms.mjs "$work" "$console_url" ../keycloak-sim/realms/master.json ../keycloak-sim/realms/demo.json

if [ "${E2E_KEYCLOAK:-sim}" = real ]; then
  keycloak_url=${E2E_KEYCLOAK_URL:?E2E_KEYCLOAK=real needs E2E_KEYCLOAK_URL}
  node stack/prepare-real.mjs "$work" "$console_url" "$keycloak_url"
else
  : "${E2E_SIM_BIN:?set by make test}"
  keycloak_url="http://127.0.0.1:${sim_port}"
  "$E2E_SIM_BIN" --port "$sim_port" --sim-api --import "$work/master.json" --import "$work/demo.json" &
  for _ in $(seq 1 100); do
    curl -fsS "$keycloak_url/realms/master/.well-known/openid-configuration" >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

KEYCLOAK_URL="$keycloak_url" \
OIDC_CLIENT_SECRET=offline-console-secret \
OIDC_CLIENT_SECRETS=master=offline-console-master-secret \
PUBLIC_URL="$console_url" \
BIND_ADDR="127.0.0.1:${console_port}" \
DATABASE_URL="sqlite://${work}/console.db" \
LOG_FORMAT=json \
HISTORY_KEY="${E2E_HISTORY_KEY:-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}" \
"$E2E_CONSOLE_BIN" | tee -a "$console_log" &
wait
