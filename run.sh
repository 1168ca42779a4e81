#!/usr/bin/env bash
# Runs VideoStudio locally: PostgreSQL under .data/, migrations, demo data, the app with the offline HeyGen simulator.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/scripts/keyring.sh"

if [ "${1:-}" = "--stop-db" ]; then
  stop_postgres
  exit 0
fi

URL="${VIDEOSTUDIO_URL:-http://127.0.0.1:5080}"

ensure_postgres
ensure_database videostudio

echo "Building ..."
dotnet build "$REPO_ROOT/src/Web/VideoStudio.Web.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

APP_DLL="$REPO_ROOT/src/Web/bin/Release/net10.0/VideoStudio.Web.dll"
ensure_keyring_certificate "$APP_DLL"

export ConnectionStrings__Studio="$(connection_string videostudio)"
export Studio__Migrate=true
export Studio__SeedDemo=true
export Studio__MediaRoot="$REPO_ROOT/.data/media"
# HeyGen is the offline simulator inside the app: renders finish after a short delay. It answers only API keys that
# start with its own (the demo business's key does), and runs in Production only when told.
export HeyGen__Simulator__Enabled=true
export HeyGen__Simulator__AllowInProduction=true
export HeyGen__Simulator__ApiKey="demo-simulator-key"
export HeyGen__Simulator__RenderDelay="${VIDEOSTUDIO_SIM_DELAY:-00:00:08}"
# Lets the settings page register this app's webhook with the simulator (a real HeyGen needs a public HTTPS address).
export Studio__PublicUrl="$URL"
export HeyGen__BaseUrl="$URL/heygen-sim"
export ASPNETCORE_URLS="$URL"
# Only requests addressed to this app by name are served (no DNS rebinding from a web page onto the local port).
URL_HOST="${URL#*://}"
export AllowedHosts="${URL_HOST%%[:/]*};localhost"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"

# One log line per request is there when wanted (VIDEOSTUDIO_REQUEST_LOG=1); by default it would bury everything else.
REQUEST_LOG_LEVEL=Warning
[ "${VIDEOSTUDIO_REQUEST_LOG:-0}" = "1" ] && REQUEST_LOG_LEVEL=Information

cd "$REPO_ROOT/src/Web"
# The app prints the URL and the demo logins last, once it listens.
exec dotnet "$APP_DLL" --contentRoot "$REPO_ROOT/src/Web" \
  "--Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=$REQUEST_LOG_LEVEL"
