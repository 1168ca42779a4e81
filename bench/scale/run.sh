#!/usr/bin/env bash
# Scale-out proof: 2 web processes (no job server) and 1 worker (jobs only) on one PostgreSQL. A client of web process 1
# presses Generate; the job runs on the worker; the finished card arrives on a stream held by web process 2.
# Prints the timings and which process ran the job. Loopback only; bounded in time.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/bench/lib.sh"

WORK="$REPO_ROOT/.data/bench-scale"
rm -rf "$WORK"; mkdir -p "$WORK"
DB=videostudio_scale
bench_database "$DB"
bench_build

PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
SIM="http://127.0.0.1:5101/heygen-sim"
COMMON=(HeyGen__BaseUrl="$SIM" HeyGen__Simulator__RenderDelay=00:00:02 HeyGen__PollInterval=00:00:01)

# Web 1 migrates and seeds; the others wait for its schema.
bench_start_app "$DB" 5101 "$WORK" Studio__RunJobs=false "${COMMON[@]}"; WEB1=$APP_URL; PIDS+=("$APP_PID")
bench_start_app "$DB" 5102 "$WORK" Studio__RunJobs=false Studio__Migrate=false Studio__SeedDemo=false "${COMMON[@]}"; WEB2=$APP_URL; PIDS+=("$APP_PID")
bench_start_app "$DB" 5103 "$WORK" Studio__ServePages=false Studio__Migrate=false Studio__SeedDemo=false "${COMMON[@]}"; WORKER_PID=$APP_PID; PIDS+=("$APP_PID")
for _ in $(seq 1 60); do curl -fsS -o /dev/null http://127.0.0.1:5103/healthz && break; sleep 0.5; done
echo "web 1: $WEB1 (pid ${PIDS[0]}), web 2: $WEB2 (pid ${PIDS[1]}), worker: http://127.0.0.1:5103 (pid $WORKER_PID, pages off)"

CONTENT=$(psql_admin -d "$DB" -tAc "SELECT id FROM content WHERE title = 'Sourdough starter in five days'")
bench_sign_in "$WEB1" "$WORK/jar1" editor@northwind.demo 'Editor!2026'
bench_sign_in "$WEB2" "$WORK/jar2" editor@northwind.demo 'Editor!2026'
TOKEN=$(bench_hx_token "$(curl -fsS -b "$WORK/jar1" -c "$WORK/jar1" "$WEB1/content/$CONTENT")")

# The second browser: a stream held by web 2, each line stamped with the time it arrived.
( curl -sN -b "$WORK/jar2" "$WEB2/content/$CONTENT/events" | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done ) > "$WORK/stream.log" &
PIDS+=("$!")
for _ in $(seq 1 100); do grep -q 'data-state="empty"' "$WORK/stream.log" 2>/dev/null && break; sleep 0.1; done

T0=$(date +%s.%N)
STATUS=$(curl -sS -o "$WORK/generate.html" -w '%{http_code}' -b "$WORK/jar1" -H "HX-Request: true" -H "RequestVerificationToken: $TOKEN" \
  -X POST "$WEB1/content/$CONTENT?handler=Generate&slot=long")
T1=$(date +%s.%N)
echo "Generate on web 1 answered $STATUS with the card in state: $(grep -o 'data-state="[^"]*"' "$WORK/generate.html" | head -n1)"

first_after() { awk -v t0="$T0" -v pat="$1" '$1 >= t0 && index($0, pat) { print $1; exit }' "$WORK/stream.log"; }
GENERATING=""; DONE=""
for _ in $(seq 1 600); do
  [ -z "$GENERATING" ] && GENERATING=$(first_after 'data-state="generating"')
  DONE=$(first_after 'data-state="video"')
  [ -n "$DONE" ] && break
  sleep 0.1
done

SERVER=$(psql_admin -d "$DB" -tAc "SELECT data->>'ServerId' FROM hangfire.state WHERE name = 'Processing' ORDER BY id LIMIT 1")
SUBMITTED=$(psql_admin -d "$DB" -tAc "SELECT extract(epoch FROM submitted_at) FROM video_generations WHERE content_id = '$CONTENT' ORDER BY created_at DESC LIMIT 1")
awk -v t0="$T0" -v t1="$T1" -v gen="$GENERATING" -v submitted="$SUBMITTED" -v finished="$DONE" 'BEGIN {
  printf "click → web 1 answered                       %8.0f ms\n", (t1 - t0) * 1000;
  if (gen != "") printf "click → \"Creating AI Video\" on web 2 stream  %8.0f ms\n", (gen - t0) * 1000; else print "click → \"Creating AI Video\" on web 2 stream   never";
  if (submitted != "") printf "click → submitted to HeyGen by the worker    %8.0f ms\n", (submitted - t0) * 1000;
  if (finished != "") printf "click → finished video on web 2 stream      %8.0f ms  (simulator render delay 2000 ms)\n", (finished - t0) * 1000; else print "click → finished video on web 2 stream        never (60 s)";
}'
echo "job ran on Hangfire server: $SERVER (worker pid $WORKER_PID)"
case "$SERVER" in *":$WORKER_PID:"*) echo "result: the worker ran the job; web 2 delivered the card: OK" ;; *) echo "result: UNEXPECTED server" ;; esac
