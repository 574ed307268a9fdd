#!/usr/bin/env bash
# Kills (SIGKILL) or starts again the real Keycloak of a `make test` run, for the console's
# tests of Keycloak going down and coming back. Usage: test-control.sh kill|start
# OC_TEST_KEYCLOAK_CONTROL names the file scripts/test.sh wrote with the server's ports and state.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
source "$(dirname "$0")/lib.sh"
# port, management_port, data_dir, log
source "${OC_TEST_KEYCLOAK_CONTROL:?names the file describing the Keycloak of this test run}"
KC_PID_FILE=$data_dir/kc.pid
case ${1:-} in
  kill)
    kc_kill
    ;;
  start)
    kc_find_java
    KC_HOSTNAME_FROM_REQUEST=1 kc_start "$port" "$management_port" "$data_dir" "$log"
    kc_wait_ready "$management_port" "$KC_PID" "$log"
    ;;
  *)
    echo "usage: $0 kill|start" >&2
    exit 2
    ;;
esac
