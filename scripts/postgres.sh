# Sourced by run.sh and test.sh: a project-local PostgreSQL cluster under .data/, on loopback only.
# Idempotent: a running cluster is reused, an initialised one is started, a missing one is created.

PG_PORT="${VIDEOSTUDIO_PG_PORT:-55432}"
PG_ROLE="videostudio"
PG_DATA="$REPO_ROOT/.data/pg"
PG_LOG="$REPO_ROOT/.data/pg.log"
PG_SOCKET_DIR="$REPO_ROOT/.data/run"

pg_find_binaries() {
  local candidate
  candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$candidate" ] && command -v pg_ctl >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
    candidate="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
  fi
  if [ -z "$candidate" ]; then
    echo "PostgreSQL is not installed; installing it from Debian's packages..."
    if [ "$(id -u)" -ne 0 ]; then
      echo "Installing PostgreSQL needs root: run 'sudo apt-get install -y postgresql' once, then run this again." >&2
      exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  PG_BIN="$candidate"
}

# initdb and postgres refuse to run as root, so a root caller runs them as the postgres user.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

ensure_postgres() {
  pg_find_binaries
  if [ "$(id -u)" -eq 0 ]; then
    PG_OWNER=postgres
    id "$PG_OWNER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER"
  else
    PG_OWNER="$(id -un)"
  fi

  mkdir -p "$REPO_ROOT/.data" "$PG_SOCKET_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_OWNER" "$REPO_ROOT/.data" "$PG_SOCKET_DIR"
  fi
  cd "$REPO_ROOT/.data"

  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    echo "Creating a PostgreSQL cluster in .data/pg ..."
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown "$PG_OWNER" "$PG_DATA"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi

  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    echo "Starting PostgreSQL on 127.0.0.1:$PG_PORT ..."
    touch "$PG_LOG"; [ "$(id -u)" -eq 0 ] && chown "$PG_OWNER" "$PG_LOG"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
      -o "-p $PG_PORT -k $PG_SOCKET_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_EXTRA_OPTIONS:-}" >/dev/null
    # A caller that brought the cluster up for itself alone (./test.sh) stops it again; one that found it running leaves it.
    PG_STARTED_HERE=1
  fi
  cd "$REPO_ROOT"

  psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'" | grep -q 1 \
    || psql_admin -qc "CREATE ROLE $PG_ROLE LOGIN CREATEDB"
}

psql_admin() {
  "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

ensure_database() {
  local name="$1"
  psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
    || psql_admin -qc "CREATE DATABASE $name OWNER $PG_ROLE"
}

connection_string() {
  echo "Host=127.0.0.1;Port=$PG_PORT;Username=$PG_ROLE;Database=$1"
}

stop_postgres() {
  pg_find_binaries
  if [ "$(id -u)" -eq 0 ]; then PG_OWNER=postgres; else PG_OWNER="$(id -un)"; fi
  if [ -s "$PG_DATA/PG_VERSION" ]; then
    (cd "$REPO_ROOT/.data" && pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop) || true
  fi
}
