# Functions to run a throwaway PostgreSQL from Debian's packages on loopback, in a directory
# of its own. Sourced, not run. Every failure prints one line starting with "postgres:".

pg_fail() { echo "postgres: $*" >&2; return 1; }

# Finds Debian's server binaries (installing the package when missing). Sets PG_BIN.
pg_ensure() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/postgres" ]; then
    echo "==> installing PostgreSQL (Debian)"
    { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } \
      || pg_fail "installing Debian's postgresql package failed" || return 1
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
}

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts a new cluster in a temporary directory of its own on 127.0.0.1:PORT, with DATABASE
# owned by USER (password = user name). Usage: pg_start PORT DATABASE USER. Sets PG_DIR and
# PG_PORT; pg_stop removes the directory.
pg_start() {
  local port=$1 database=$2 user=$3
  pg_ensure || return 1
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    pg_fail "port $port on 127.0.0.1 is already in use"
    return 1
  fi
  # Its own directory under the system's temporary one, whose parents every user may pass.
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/offline-console-postgres.XXXXXX")
  [ "$(id -u)" != 0 ] || chown postgres "$PG_DIR"
  PG_PORT=$port
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale \
    >"$PG_DIR/initdb.log" 2>&1 || pg_fail "initdb failed (see $PG_DIR/initdb.log)" || return 1
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200" start \
    >/dev/null || pg_fail "the server did not start (see $PG_DIR/postgres.log)" || return 1
  pg_psql postgres -c "CREATE ROLE \"$user\" LOGIN PASSWORD '$user'" >/dev/null \
    && pg_psql postgres -c "CREATE DATABASE \"$database\" OWNER \"$user\"" >/dev/null \
    || pg_fail "creating the database $database failed" || return 1
}

# psql as the superuser on the server of pg_start. Usage: pg_psql DATABASE [psql options...]
pg_psql() {
  local database=$1
  shift
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$database" "$@"
}

# Stops the server of pg_start (fast shutdown: open sessions are ended) and removes its files.
pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  [ ! -f "$PG_DIR/data/postmaster.pid" ] || pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# The server's version, e.g. "15.14".
pg_version() {
  "$PG_BIN/postgres" --version | awk '{ print $3 }'
}
