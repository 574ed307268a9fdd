#!/usr/bin/env bash
# Runs the compatibility test: Keycloak's official JS admin client against the keycloak-sim binary.
# Usage: keycloak-sim/compat/run.sh   (from anywhere; honours CARGO_TARGET_DIR)
set -euo pipefail
compat_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$compat_dir/.."
cargo build -p keycloak-sim --bin keycloak-sim --quiet
target_dir="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')}"
export KEYCLOAK_SIM_BIN="$target_dir/debug/keycloak-sim"
cd "$compat_dir"
if [ ! -d node_modules/@keycloak/keycloak-admin-client ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node --test test/admin-client.test.js
