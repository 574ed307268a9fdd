# Functions to fetch, build and run the real Keycloak server. Sourced, not run;
# needs scripts/env.sh first. Every failure prints one line starting with
# "keycloak:" that names the problem, then returns non-zero.

KC_VERSION=${KC_VERSION:-26.7.3}
# The dependency plugin is pinned so that a download behaves the same on every machine.
KC_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
KC_CACHE_DIR=${KC_CACHE_DIR:-$OC_CACHE_DIR/keycloak}
KC_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The database: dev-file (an H2 file in each server's data directory) or postgres (KC_DB_URL,
# a jdbc:postgresql:// URL, with KC_DB_USERNAME and KC_DB_PASSWORD). The database is fixed at
# `kc.sh build` time, so each kind has its own unpacked copy and neither rebuilds the other.
KC_DB=${KC_DB:-dev-file}
case "$KC_DB" in
  dev-file) KC_HOME=$KC_CACHE_DIR/keycloak-$KC_VERSION ;;
  postgres) KC_HOME=$KC_CACHE_DIR/keycloak-$KC_VERSION-postgres ;;
  *) echo "keycloak: KC_DB must be dev-file or postgres, not '$KC_DB'" >&2; return 1 ;;
esac
# Options fixed at `kc.sh build` time; a change rebuilds the server once.
KC_BUILD_OPTIONS=(--db="$KC_DB" --health-enabled=true --metrics-enabled=false)
# One node with a local cache: the default clustered cache waits some 20 s at each start for the
# node of the last run, whose entry its shutdown cannot remove from the embedded database.
KC_RUN_OPTIONS=(--cache=local)

kc_fail() { echo "keycloak: $*" >&2; return 1; }

# Picks a Java of 17 or newer: JAVA_HOME if set, then Temurin 25, then `java` on PATH.
kc_find_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent/bin/java)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ { print $2 }')
    if [ "${major%%.*}" -ge 17 ] 2>/dev/null; then
      export JAVA_HOME=$candidate
      return 0
    fi
  done
  kc_fail "Java 17 or newer is needed and none was found (install openjdk-17-jre-headless or set JAVA_HOME)"
}

# Downloads the distribution once through Maven, checks its SHA-256 and unpacks it.
kc_ensure_dist() {
  kc_find_java || return 1
  local archive_name="keycloak-quarkus-dist-$KC_VERSION.tar.gz"
  local sums="$KC_SCRIPTS_DIR/$archive_name.sha256"
  [ -f "$sums" ] || kc_fail "no committed SHA-256 for Keycloak $KC_VERSION ($sums is missing)" || return 1
  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    command -v mvn >/dev/null || kc_fail "Maven is needed to download Keycloak and mvn is not on PATH (install the maven package)" || return 1
    mkdir -p "$KC_CACHE_DIR/download"
    if [ ! -f "$KC_CACHE_DIR/download/$archive_name" ]; then
      echo "==> downloading Keycloak $KC_VERSION (org.keycloak:keycloak-quarkus-dist, about 170 MB)"
      if ! mvn -B -q "$KC_DEPENDENCY_PLUGIN:copy" \
        -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" \
        -DoutputDirectory="$KC_CACHE_DIR/download" >"$KC_CACHE_DIR/download/mvn.log" 2>&1; then
        rm -f "$KC_CACHE_DIR/download/$archive_name"
        kc_fail "downloading org.keycloak:keycloak-quarkus-dist:$KC_VERSION with Maven failed (see $KC_CACHE_DIR/download/mvn.log)"
        return 1
      fi
    fi
    if ! (cd "$KC_CACHE_DIR/download" && sha256sum --check --status "$sums"); then
      rm -f "$KC_CACHE_DIR/download/$archive_name"
      kc_fail "the downloaded $archive_name does not match the SHA-256 in $sums (deleted; run again to download anew)"
      return 1
    fi
    local unpack
    unpack=$(mktemp -d "$KC_CACHE_DIR/unpack.XXXXXX")
    tar -xzf "$KC_CACHE_DIR/download/$archive_name" -C "$unpack" || { rm -rf "$unpack"; kc_fail "unpacking $archive_name failed"; return 1; }
    rm -rf "$KC_HOME"
    mv "$unpack/keycloak-$KC_VERSION" "$KC_HOME" && rmdir "$unpack"
  fi
  local stamp="$KC_HOME/.built-with"
  if [ "$(cat "$stamp" 2>/dev/null)" != "${KC_BUILD_OPTIONS[*]}" ]; then
    echo "==> kc.sh build ${KC_BUILD_OPTIONS[*]} (once per option set)"
    "$KC_HOME/bin/kc.sh" build "${KC_BUILD_OPTIONS[@]}" >"$KC_CACHE_DIR/build.log" 2>&1 \
      || kc_fail "kc.sh build failed (see $KC_CACHE_DIR/build.log)" || return 1
    echo "${KC_BUILD_OPTIONS[*]}" >"$stamp"
  fi
}

# Starts Keycloak in the background. Usage: kc_start PORT MANAGEMENT_PORT DATA_DIR LOG [REALM_FILE...]
# State (the H2 database, unless KC_DB=postgres) lives in DATA_DIR, so a second start with it finds the same realms;
# realm files are imported at the first start only (Keycloak skips realms that exist).
# Sets KC_PID.
kc_start() {
  local port=$1 management_port=$2 data_dir=$3 log=$4
  shift 4
  # Another server on these ports would answer the readiness check in this one's place.
  local taken
  for taken in "$port" "$management_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$taken") 2>/dev/null; then
      kc_fail "port $taken on 127.0.0.1 is already in use (set KEYCLOAK_PORT / KEYCLOAK_MANAGEMENT_PORT)"
      return 1
    fi
  done
  mkdir -p "$data_dir/h2" "$data_dir/import"
  data_dir=$(cd "$data_dir" && pwd)
  local database=(--db-url="jdbc:h2:file:$data_dir/h2/keycloakdb;NON_KEYWORDS=VALUE")
  if [ "$KC_DB" = postgres ]; then
    [ -n "${KC_DB_URL:-}" ] || kc_fail "KC_DB=postgres needs KC_DB_URL (jdbc:postgresql://host:port/database)" || return 1
    database=(--db-url="$KC_DB_URL" --db-username="${KC_DB_USERNAME:-keycloak}" --db-password="${KC_DB_PASSWORD:-keycloak}")
  fi
  rm -f "$data_dir"/import/*.json
  # The import command reads files named <realm>-realm.json.
  local realm
  for realm in "$@"; do cp "$realm" "$data_dir/import/$(basename "$realm" .json)-realm.json"; done
  # --import-realm reads only the distribution's data/import; a link there per start would
  # race with another instance, so the files are imported with the import command instead.
  if [ "$#" -gt 0 ] && [ ! -f "$data_dir/imported" ]; then
    echo "==> importing $(cd "$data_dir/import" && echo *.json) into $data_dir"
    # The import command opens the management interface too: same host and port as the server.
    "$KC_HOME/bin/kc.sh" import --optimized "${KC_RUN_OPTIONS[@]}" --dir "$data_dir/import" --override true \
      --http-management-host=127.0.0.1 --http-management-port="$management_port" \
      "${database[@]}" >"$log.import" 2>&1 \
      || kc_fail "importing the realms failed (see $log.import)" || return 1
    touch "$data_dir/imported"
  fi
  # A fixed hostname by default; KC_HOSTNAME_FROM_REQUEST=1 takes it from each request's Host
  # instead, so that a proxy in front (the tests' fault proxy) gets URLs and tokens of its own.
  local hostname=(--hostname="http://127.0.0.1:$port")
  [ "${KC_HOSTNAME_FROM_REQUEST:-}" != 1 ] || hostname=(--hostname-strict=false)
  KC_BOOTSTRAP_ADMIN_USERNAME=${KC_BOOTSTRAP_ADMIN_USERNAME:-admin} \
  KC_BOOTSTRAP_ADMIN_PASSWORD=${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin} \
  "$KC_HOME/bin/kc.sh" start --optimized "${KC_RUN_OPTIONS[@]}" \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$port" \
    --http-management-host=127.0.0.1 --http-management-port="$management_port" \
    "${hostname[@]}" "${database[@]}" \
    >"$log" 2>&1 </dev/null &
  KC_PID=$!
  # kc_stop reads it too, so that a server restarted by another process is stopped as well.
  KC_PID_FILE=$data_dir/kc.pid
  echo "$KC_PID" >"$KC_PID_FILE"
}

# Stops the server started by kc_start and waits for it. kc.sh runs Java as its child, so the
# child gets the signal too.
kc_stop() {
  local pid=${KC_PID:-}
  [ -z "${KC_PID_FILE:-}" ] || [ ! -f "$KC_PID_FILE" ] || pid=$(cat "$KC_PID_FILE")
  [ -n "$pid" ] || return 0
  pkill -TERM -P "$pid" 2>/dev/null
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # Not this shell's child when another process restarted it: wait until it is gone.
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do sleep 0.2; waited=$((waited + 1)); done
  KC_PID=""
}

# Kills the server of kc_start at once (SIGKILL, Java and kc.sh), as a crash would.
kc_kill() {
  local pid
  pid=$(cat "$KC_PID_FILE")
  pkill -KILL -P "$pid" 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# Waits until Keycloak's readiness check passes. Usage: kc_wait_ready MANAGEMENT_PORT PID LOG [SECONDS]
kc_wait_ready() {
  local management_port=$1 pid=$2 log=$3 limit=${4:-180}
  local waited=0
  until curl -fsS "http://127.0.0.1:$management_port/health/ready" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      kc_fail "Keycloak exited while starting: $(grep -m1 -E 'ERROR|Exception' "$log" || tail -n1 "$log")"
      return 1
    fi
    [ "$waited" -lt $((limit * 5)) ] || { kc_fail "Keycloak was not ready after ${limit}s (see $log)"; return 1; }
    sleep 0.2
    waited=$((waited + 1))
  done
}
