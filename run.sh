#!/usr/bin/env bash
# Runs VideoStudio locally: PostgreSQL under .data/, migrations, demo data, the app with the offline HeyGen simulator.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"

if [ "${1:-}" = "--stop-db" ]; then
  stop_postgres
  exit 0
fi

URL="${VIDEOSTUDIO_URL:-http://127.0.0.1:5080}"

ensure_postgres
ensure_database videostudio

echo "Building ..."
dotnet build "$REPO_ROOT/src/Web/VideoStudio.Web.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

export ConnectionStrings__Studio="$(connection_string videostudio)"
export Studio__Migrate=true
export Studio__SeedDemo=true
export Studio__MediaRoot="$REPO_ROOT/.data/media"
# HeyGen is the offline simulator inside the app: renders finish after a short delay.
export HeyGen__Simulator__Enabled=true
export HeyGen__Simulator__RenderDelay="${VIDEOSTUDIO_SIM_DELAY:-00:00:08}"
# Lets the settings page register this app's webhook with the simulator (a real HeyGen needs a public HTTPS address).
export Studio__PublicUrl="$URL"
export HeyGen__BaseUrl="$URL/heygen-sim"
export ASPNETCORE_URLS="$URL"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"

# One log line per request is there when wanted (VIDEOSTUDIO_REQUEST_LOG=1); by default it would bury everything else.
REQUEST_LOG_LEVEL=Warning
[ "${VIDEOSTUDIO_REQUEST_LOG:-0}" = "1" ] && REQUEST_LOG_LEVEL=Information

cd "$REPO_ROOT/src/Web"
# The app prints the URL and the demo logins last, once it listens.
exec dotnet bin/Release/net10.0/VideoStudio.Web.dll --contentRoot "$REPO_ROOT/src/Web" \
  "--Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=$REQUEST_LOG_LEVEL"
