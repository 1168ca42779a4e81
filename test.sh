#!/usr/bin/env bash
# Runs every test: PostgreSQL under .data/ (each test run makes its own database), Chromium and an SMTP sink from Debian if
# missing, Azurite from npm (the object-storage backend's tests), then the suite.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/scripts/chromium.sh"
source "$REPO_ROOT/scripts/ffmpeg.sh"
source "$REPO_ROOT/scripts/smtp-sink.sh"
source "$REPO_ROOT/scripts/azurite.sh"

# Durability is not under test; these make the test cluster several times faster.
PG_EXTRA_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
ensure_postgres
# Everything this run starts is stopped at its end, the cluster only if this run started it: one a developer's ./run.sh
# started stays up.
trap 'stop_smtp_sink; stop_azurite; [ "${PG_STARTED_HERE:-}" != 1 ] || stop_postgres >/dev/null' EXIT

# Databases left behind by an interrupted run.
for db in $(psql_admin -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'vs_test_%'"); do
  psql_admin -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
done

ensure_chromium
ensure_ffmpeg
ensure_smtp_sink
ensure_azurite
start_smtp_sink
start_azurite

export VIDEOSTUDIO_TEST_SERVER="$(connection_string postgres)"
export VIDEOSTUDIO_PG_PORT="$PG_PORT"

cd "$REPO_ROOT"
LOG="$(mktemp)"
set +e
dotnet test VideoStudio.sln -nologo "$@" 2>&1 | tee "$LOG"
STATUS=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test assemblies.
awk '/(Passed|Failed)!  - Failed:/ {
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$LOG" | sed 's/,$//'
rm -f "$LOG"
exit "$STATUS"
