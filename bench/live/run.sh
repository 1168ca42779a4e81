#!/usr/bin/env bash
# Live cards benchmark: 1, 100, 1,000 and 10,000 SSE clients on one content item; commit → last client holding the new card
# (p50/p99) beside the raw NOTIFY→LISTEN round trip, and server memory per open stream (RSS growth, and a heap snapshot by type
# at the largest count). Prints figures, asserts nothing.
# Loopback only; its own database (dropped afterwards) on the project's PostgreSQL (port from VIDEOSTUDIO_PG_PORT).
# Usage: bench/live/run.sh [comma-separated client counts, default 1,100,1000,10000]
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"

CLIENTS="${1:-1,100,1000,10000}"
# Derived from the database port, so developers who share a machine (each with their own port) do not collide,
# and below Linux's ephemeral range, where a client socket may hold any port.
APP_PORT="${BENCH_APP_PORT:-$((PG_PORT - 30000))}"
URL="http://127.0.0.1:$APP_PORT"
if (exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT") 2>/dev/null; then
  echo "Port $APP_PORT is already in use; set BENCH_APP_PORT to a free one." >&2
  exit 1
fi
DB="videostudio_bench_live"

# Each open stream is a socket in the app and one in the client process.
ulimit -n "$(ulimit -Hn)"
echo "open files limit: $(ulimit -n)"

ensure_postgres
psql_admin -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
ensure_database "$DB"

echo "Building (Release) ..."
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || dotnet build "$REPO_ROOT/src/Web/VideoStudio.Web.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || dotnet build "$REPO_ROOT/bench/live/LiveBench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

MEDIA="$(mktemp -d)"
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  psql_admin -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  rm -rf "$MEDIA"
}
trap cleanup EXIT

source "$REPO_ROOT/scripts/keyring.sh"
ensure_keyring_certificate "$REPO_ROOT/src/Web/bin/Release/net10.0/VideoStudio.Web.dll" >/dev/null

CONNECTION="$(connection_string "$DB")"
(
  cd "$REPO_ROOT/src/Web"
  ConnectionStrings__Studio="$CONNECTION" Studio__Migrate=true Studio__SeedDemo=true Studio__MediaRoot="$MEDIA" \
  ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    exec dotnet bin/Release/net10.0/VideoStudio.Web.dll --contentRoot "$REPO_ROOT/src/Web" >"$MEDIA/app.log" 2>&1
) &
APP_PID=$!

# dotnet-gcdump (a local tool, dotnet-tools.json) lets the benchmark show what the open streams hold, by type.
GCDUMP=()
cd "$REPO_ROOT"
dotnet tool restore >/dev/null 2>&1 && GCDUMP=(--gcdump "$MEDIA")
timeout 1200 dotnet "$REPO_ROOT/bench/live/bin/Release/net10.0/LiveBench.dll" \
  --url "$URL" --pid "$APP_PID" --db "$CONNECTION" --clients "$CLIENTS" "${GCDUMP[@]}" \
  || { echo "The benchmark did not finish; the app's log:"; tail -n 30 "$MEDIA/app.log"; exit 1; }
