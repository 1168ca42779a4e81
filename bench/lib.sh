# Sourced by the benchmark scripts: a fresh database, the app in Release on a loopback port, a signed-in curl session.
# Needs REPO_ROOT set and scripts/postgres.sh sourced.

bench_database() {
  local name="$1"
  ensure_postgres
  psql_admin -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" 2>/dev/null
  ensure_database "$name"
}

bench_build() {
  dotnet build "$REPO_ROOT/src/Web/VideoStudio.Web.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
  source "$REPO_ROOT/scripts/keyring.sh"
  ensure_keyring_certificate "$REPO_ROOT/src/Web/bin/Release/net10.0/VideoStudio.Web.dll" >/dev/null
}

# bench_start_app DB PORT WORKDIR [extra env assignments...]: starts the app with the demo data and the HeyGen simulator
# at zero delay; sets APP_PID and APP_URL and waits until it answers.
bench_start_app() {
  local db="$1" port="$2" work="$3"; shift 3
  APP_URL="http://127.0.0.1:$port"
  mkdir -p "$work/media"
  (
    cd "$REPO_ROOT/src/Web"
    # env, not export: configuration keys may contain dots, which shell variables cannot.
    exec env ConnectionStrings__Studio="$(connection_string "$db")" Studio__SeedDemo=true Studio__MediaRoot="$work/media" \
      ASPNETCORE_URLS="$APP_URL" Logging__LogLevel__Default=Warning \
      Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=Warning \
      HeyGen__Simulator__Enabled=true HeyGen__Simulator__AllowInProduction=true HeyGen__Simulator__ApiKey=demo-simulator-key \
      HeyGen__BaseUrl="$APP_URL/heygen-sim" HeyGen__Simulator__RenderDelay=00:00:00 \
      "$@" dotnet bin/Release/net10.0/VideoStudio.Web.dll --contentRoot "$REPO_ROOT/src/Web"
  ) >"$work/app-$port.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$APP_URL/account/login" 2>/dev/null && return 0
    kill -0 "$APP_PID" 2>/dev/null || { echo "The app did not start; see $work/app-$port.log" >&2; return 1; }
    sleep 0.5
  done
  echo "The app did not answer in time; see $work/app-$port.log" >&2
  return 1
}

# bench_sign_in URL JAR EMAIL PASSWORD: signs in through the real form, leaving the cookie in JAR.
bench_sign_in() {
  local url="$1" jar="$2" token
  token=$(curl -fsS -c "$jar" -b "$jar" "$url/account/login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "Input.Email=$3" --data-urlencode "Input.Password=$4" \
    --data-urlencode "__RequestVerificationToken=$token" "$url/account/login"
}

# bench_hx_token HTML: the antiforgery token htmx sends, from body[hx-headers].
bench_hx_token() {
  printf '%s' "$1" | sed -n 's/.*hx-headers=.{&quot;RequestVerificationToken&quot;:&quot;\([^&]*\)&quot;}.*/\1/p; s/.*hx-headers=.{"RequestVerificationToken":"\([^"]*\)"}.*/\1/p' | head -n1
}

bench_cookie_header() {
  awk '!/^#/ || /^#HttpOnly_/ { sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$1"
}
