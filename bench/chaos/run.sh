#!/usr/bin/env bash
# Chaos bench: what a generation, an upload and a live stream go through when a process, the database or HeyGen goes
# away, and how fast each comes back. Prints what it saw, then a summary; exits 1 when a requirement was not met.
#   1. the job worker is killed (kill -9) at a random moment of a generation and restarted, N times;
#   2. PostgreSQL is stopped for 10 s while a generation, two uploads and a live stream are running;
#   3. HeyGen refuses connections for 2 minutes while a render is polled, then for longer than the generation timeout.
# Layout: one web process (pages, the HeyGen simulator, no jobs), one worker process (jobs only, killed and restarted)
# whose HeyGen calls go through a TCP relay (bench/chaos/Program.cs) that is killed to make HeyGen unreachable while the
# simulator, and the renders it remembers, stay up. Loopback only; every wait has a deadline.
# Part 2 STOPS AND RESTARTS the PostgreSQL cluster of scripts/postgres.sh on VIDEOSTUDIO_PG_PORT (default 55432): run it
# against a development cluster nobody else is using at that moment.
# Usage: bench/chaos/run.sh [--quick] [kills]   default 20 kills and a 120 s HeyGen outage; --quick: 5 kills, 30 s.
# Ports BENCH_PORT (default 5161) to BENCH_PORT+2.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/bench/lib.sh"

KILLS=20; HEYGEN_OUTAGE=120
for arg in "$@"; do
  case "$arg" in
    --quick) KILLS=5; HEYGEN_OUTAGE=30 ;;
    *[!0-9]*|"") echo "usage: bench/chaos/run.sh [--quick] [kills]" >&2; exit 2 ;;
    *) KILLS=$arg ;;
  esac
done
DB_OUTAGE=10
RENDER_SECONDS=5
RECOVERY_LIMIT=60
BASE_PORT="${BENCH_PORT:-5161}"
WEB_PORT=$BASE_PORT; WORKER_PORT=$((BASE_PORT + 1)); RELAY_PORT=$((BASE_PORT + 2))
WEB="http://127.0.0.1:$WEB_PORT"
WORK="$REPO_ROOT/.data/bench-chaos"
DB=videostudio_chaos
rm -rf "$WORK"; mkdir -p "$WORK"
BENCH_START=$(date +%s)

PIDS=(); DB_STOPPED=false
cleanup() {
  for pid in "${PIDS[@]}" ${WORKER_PID:-} ${RELAY_PID:-} $(cat "$WORK/stream.pids" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  if $DB_STOPPED; then ensure_postgres >/dev/null; fi
}
trap cleanup EXIT

# Bash's own clock: a date process per stamped line lags by seconds on a busy machine.
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.1f", b - a }'; }
before() { awk -v d="$1" -v t="$(now)" 'BEGIN { exit !(t < d) }'; }
later() { awk -v s="$1" -v t="$(now)" 'BEGIN { printf "%.3f", t + s }'; }
sql() { psql_admin -d "$DB" -tAc "$1"; }
FAILURES=()
# check WHAT RESULT: V becomes OK when RESULT is "ok", else FAILED, and WHAT is listed in the summary.
check() { if [ "$2" = ok ]; then V=OK; else V=FAILED; FAILURES+=("$1"); fi; }

echo "Preparing: database $DB, Release build, relay ..."
bench_database "$DB"
bench_build
dotnet build "$REPO_ROOT/bench/chaos/Relay.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null

start_relay() {
  dotnet "$REPO_ROOT/bench/chaos/bin/Release/net10.0/Relay.dll" "$RELAY_PORT" "$WEB_PORT" >>"$WORK/relay.log" 2>&1 &
  RELAY_PID=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$RELAY_PORT") 2>/dev/null && return 0; sleep 0.1; done
  echo "The relay did not start; see $WORK/relay.log" >&2; return 1
}
stop_relay() { kill -9 "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; }

# Log lines with a time, to line them up with what this script saw.
LOG_TIME="Logging__Console__TimestampFormat=HH:mm:ss.fff "

# start_worker [extra env...]: the jobs-only process, HeyGen behind the relay, polling every 2 s.
WORKER_RUN=0
start_worker() {
  WORKER_RUN=$((WORKER_RUN + 1))
  [ -f "$WORK/app-$WORKER_PORT.log" ] && mv "$WORK/app-$WORKER_PORT.log" "$WORK/worker-$((WORKER_RUN - 1)).log"
  bench_start_app "$DB" "$WORKER_PORT" "$WORK" Studio__ServePages=false Studio__Migrate=false Studio__SeedDemo=false \
    HeyGen__Simulator__Enabled=false HeyGen__BaseUrl="http://127.0.0.1:$RELAY_PORT/heygen-sim" HeyGen__PollInterval=00:00:02 "$LOG_TIME" "$@"
  WORKER_PID=$APP_PID
}
kill_worker() { kill "-${1:-9}" "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true; }

bench_start_app "$DB" "$WEB_PORT" "$WORK" Studio__RunJobs=false HeyGen__Simulator__RenderDelay="$(printf '00:00:%02d' "$RENDER_SECONDS")" "$LOG_TIME"
PIDS+=("$APP_PID")
start_relay
start_worker
JAR="$WORK/jar"
bench_sign_in "$WEB" "$JAR" editor@northwind.demo 'Editor!2026'
GEN_CONTENT=$(sql "SELECT id FROM content WHERE title = 'Sourdough starter in five days'")
UPLOAD_CONTENT=$(sql "SELECT id FROM content WHERE title = 'Why we proof overnight'")
TOKEN=$(bench_hx_token "$(curl -fsS -b "$JAR" -c "$JAR" "$WEB/content/$GEN_CONTENT")")
echo "web $WEB (pid ${PIDS[0]}, HeyGen simulator, render ${RENDER_SECONDS} s), worker :$WORKER_PORT (pid $WORKER_PID), relay :$RELAY_PORT → :$WEB_PORT (pid $RELAY_PID)"

# click HANDLER CONTENT SLOT: Generate or Retry on the web process, as htmx posts it.
click() {
  local status
  status=$(curl -sS -o /dev/null -w '%{http_code}' -b "$JAR" -H "HX-Request: true" -H "RequestVerificationToken: $TOKEN" \
    -X POST "$WEB/content/$2?handler=$1&slot=$3")
  [ "$status" = 200 ] || { echo "$1 answered HTTP $status" >&2; return 1; }
}
newest_generation() { sql "SELECT id FROM video_generations WHERE content_id = '$1' AND slot = '$2' ORDER BY created_at DESC LIMIT 1"; }
# press HANDLER CONTENT SLOT: click, then print the slot's newest generation.
press() { click "$@" && newest_generation "$2" "$3"; }
status_of() { sql "SELECT status FROM video_generations WHERE id = '$1'"; }
# wait_status GENERATION SECONDS STATUS...: polls the row until it has one of the statuses; prints the last one seen.
wait_status() {
  local id="$1" deadline s; deadline=$(later "$2"); shift 2
  while true; do
    s=$(status_of "$id" 2>/dev/null || echo unreadable)
    for want in "$@"; do [ "$s" = "$want" ] && { echo "$s"; return 0; }; done
    before "$deadline" || { echo "$s"; return 1; }
    sleep 0.2
  done
}
submissions() { curl -fsS -H "X-Api-Key: demo-simulator-key" "$WEB/heygen-sim/_simulator/submissions/$1" | sed 's/.*"submissions":\([0-9]*\).*/\1/' || echo "?"; }
new_assets() { sql "SELECT count(*) FROM video_assets a JOIN video_generations g ON g.id = '$1' WHERE a.content_id = g.content_id AND a.slot = g.slot AND a.created_at >= g.created_at"; }
card_html() { curl -fsS -b "$JAR" "$WEB/content/$1?handler=Card&slot=$2" || true; }
card_state() { card_html "$1" "$2" | sed -n 's/.*<section id="video-card-[a-z]*" class="video-card" data-state="\([a-z-]*\)".*/\1/p' | head -n1; }
words() { tr '\n' ' ' | sed 's/<[^>]*>/ /g; s/&#x27;/'"'"'/g; s/&quot;/"/g; s/&amp;/\&/g; s/[[:space:]][[:space:]]*/ /g; s/^ //; s/ $//'; }
failure_notice() { card_html "$1" "$2" | tr '\n' ' ' | sed -n 's/.*<div class="notice notice-error">//p' | sed 's/<button.*//' | words; }
current_asset() { sql "SELECT storage_key FROM video_assets WHERE content_id = '$1' AND slot = '$2' AND replaced_at IS NULL AND deleted_at IS NULL"; }
served() { curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "$WEB/media/$1"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "== 1. worker killed mid-generation ($KILLS times): kill -9 at a random moment, restart, wait for the video =="
echo "phase = the generation's row at the kill: queued (not sent to HeyGen yet), sending (sent, HeyGen's answer not stored),"
echo "submitted or processing (HeyGen rendering, the job polling), download (render finished, file not stored yet);"
echo "job mid-run = a step of it was executing."
RUNS="$WORK/kills.tsv"; : > "$RUNS"
for run in $(seq 1 "$KILLS"); do
  # One kill in four aims at the submit, which starts a few milliseconds after the click answers; the others fall
  # anywhere in the render and the download after it.
  if [ $((RANDOM % 4)) -eq 0 ]; then DELAY_MS=$((RANDOM % 250)); else DELAY_MS=$((RANDOM % (RENDER_SECONDS * 1000 + 500))); fi
  click Generate "$GEN_CONTENT" long
  sleep "$(awk -v ms="$DELAY_MS" 'BEGIN { printf "%.3f", ms / 1000 }')"
  KILL_AT=$(now)
  kill_worker 9
  GEN=$(newest_generation "$GEN_CONTENT" long)
  # The row is frozen now (only the worker moves it), so it tells the phase the kill hit.
  read -r PHASE INFLIGHT < <(sql "SELECT CASE
      WHEN g.status = 'queued' AND g.submitted_at IS NOT NULL THEN 'sending'
      WHEN g.status = 'queued' THEN 'queued'
      WHEN g.status IN ('submitted', 'processing') AND to_timestamp($KILL_AT) - g.submitted_at >= interval '$RENDER_SECONDS seconds' THEN 'download'
      WHEN g.status = 'submitted' THEN 'submitted'
      WHEN g.status = 'processing' THEN 'processing'
      ELSE g.status END,
      (SELECT count(*) FROM hangfire.jobqueue q JOIN hangfire.job j ON j.id = q.jobid
        WHERE q.fetchedat IS NOT NULL AND j.arguments::text LIKE '%$GEN%')
    FROM video_generations g WHERE g.id = '$GEN'" | tr '|' ' ')
  RESTART_AT=$(now)
  start_worker
  READY=$(since "$RESTART_AT")
  FINAL=$(wait_status "$GEN" 120 completed failed timed_out || true)
  RECOVERY=$(since "$RESTART_AT")
  [ "$FINAL" = completed ] || RECOVERY=never
  SUBS=$(submissions "$GEN"); ASSETS=$(new_assets "$GEN"); CARD=$(card_state "$GEN_CONTENT" long)
  OK=ok
  if [ "$RECOVERY" = never ] || awk -v r="$RECOVERY" -v l="$RECOVERY_LIMIT" 'BEGIN { exit !(r > l) }' || [ "$SUBS" != 1 ] || [ "$ASSETS" != 1 ] || [ "$CARD" != video ]; then OK=FAIL; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$DELAY_MS" "$PHASE" "$INFLIGHT" "$READY" "$RECOVERY" "$SUBS" "$ASSETS" "$CARD" "$OK" >> "$RUNS"
  printf 'kill %2d/%d  +%5.2f s after Generate  phase %-13s job mid-run: %-3s  worker up in %4.1f s  video %s s after restart  submissions %s  new assets %s  card %s  %s\n' \
    "$run" "$KILLS" "$(awk -v ms="$DELAY_MS" 'BEGIN { print ms / 1000 }')" "$PHASE" "$([ "${INFLIGHT:-0}" -gt 0 ] && echo yes || echo no)" "$READY" "$RECOVERY" "$SUBS" "$ASSETS" "$CARD" "$OK"
  if [ "$FINAL" != completed ]; then echo "  generation $GEN ended $FINAL; stopping the kill loop (the slot is still busy)"; break; fi
done

echo
echo "== 2. PostgreSQL stopped for $DB_OUTAGE s during a generation, two uploads and a live stream =="
# Old videos on the upload item first, so "the old video is intact" can be checked.
upload() { curl -sS -o "$WORK/upload-$1.html" -w '%{http_code} %{time_total}' ${3:+--limit-rate "$3"} -b "$JAR" -H "HX-Request: true" \
  -H "RequestVerificationToken: $TOKEN" -F "file=@$2" "$WEB/content/$UPLOAD_CONTENT/upload/$1" || true; }
# Real videos of each slot's shape: every upload is read by ffprobe, and a landscape video for the 9:16 slot would only be
# asked about, never stored.
LANDSCAPE="$REPO_ROOT/tests/fixtures/sample-16x9.mp4"
PORTRAIT="$REPO_ROOT/tests/fixtures/sample-9x16.webm"
upload long "$LANDSCAPE" >/dev/null; upload short "$PORTRAIT" >/dev/null
OLD_LONG=$(current_asset "$UPLOAD_CONTENT" long); OLD_SHORT=$(current_asset "$UPLOAD_CONTENT" short)
[ -n "$OLD_LONG" ] && [ -n "$OLD_SHORT" ] || { echo "The first uploads were refused: $(words < "$WORK/upload-long.html") $(words < "$WORK/upload-short.html")" >&2; exit 1; }
# The fixture, then padding (which ffprobe reads past): sized so that at the given rate, upload A ends after the database
# is back and upload B while it is still down.
big_file() { cp "$1" "$3"; head -c $(($2 * 1048576 - $(stat -c %s "$1"))) /dev/zero >> "$3"; }
big_file "$LANDSCAPE" 36 "$WORK/a.mp4"; big_file "$PORTRAIT" 8 "$WORK/b.webm"

STREAM_LOG="$WORK/stream.log"; : > "$STREAM_LOG"
STREAM_DEADLINE=$(later 150)
# A browser's EventSource: read the stream, reconnect a second after it ends; each card's first line is stamped with the
# time and the connection number.
(
  n=0
  while before "$STREAM_DEADLINE"; do
    n=$((n + 1)); echo "$(now) $n connect" >> "$STREAM_LOG"
    left=$(awk -v d="$STREAM_DEADLINE" -v t="$(now)" 'BEGIN { printf "%d", d - t + 1 }')
    { curl -sN --max-time "$left" -b "$JAR" "$WEB/content/$GEN_CONTENT/events" 2>/dev/null & echo $! >> "$WORK/stream.pids"; wait; } \
      | while IFS= read -r line; do case "$line" in *'<section id="video-card-'*) echo "$EPOCHREALTIME $n $line" ;; esac; done >> "$STREAM_LOG"
    echo "$(now) $n closed" >> "$STREAM_LOG"
    sleep 1
  done
) & PIDS+=("$!")
HEALTH_LOG="$WORK/health.log"; : > "$HEALTH_LOG"
HEALTH_DEADLINE=$(later 150)
(
  while before "$HEALTH_DEADLINE"; do
    for port in "$WEB_PORT" "$WORKER_PORT"; do
      echo "$(now) $port $(curl -s --max-time 2 "http://127.0.0.1:$port/healthz" || echo no-answer)" >> "$HEALTH_LOG"
    done
    sleep 0.25
  done
) & PIDS+=("$!")
for _ in $(seq 1 50); do grep -q 'id="video-card-short"' "$STREAM_LOG" && break; sleep 0.1; done

GEN2=$(press Generate "$GEN_CONTENT" short)
upload long "$WORK/a.mp4" 2M > "$WORK/upload-a.result" & UPLOAD_A=$!
upload short "$WORK/b.webm" 1M > "$WORK/upload-b.result" & UPLOAD_B=$!
sleep 2
echo "generation $GEN2 is $(status_of "$GEN2"); uploads A (36 MiB at 2 MiB/s, long) and B (8 MiB at 1 MiB/s, short) running"
STOP_AT=$(now)
DB_STOPPED=true
stop_postgres >/dev/null
echo "PostgreSQL stopped (pg_ctl stop -m fast took $(since "$STOP_AT") s); down for $DB_OUTAGE s"
sleep "$DB_OUTAGE"
ensure_postgres >/dev/null
START_AT=$(now)
DB_STOPPED=false
echo "PostgreSQL accepting connections again $(since "$STOP_AT") s after the stop began"
FINAL2=$(wait_status "$GEN2" 180 completed failed timed_out || true)
GEN2_AT=$(now)
wait "$UPLOAD_A" "$UPLOAD_B" || true
sleep 3

# first_health PORT WORD AFTER: the first time the process answered WORD after AFTER.
first_health() { awk -v p="$1" -v w="$2" -v a="$3" '$2 == p && $3 == w && $1 >= a { print $1; exit }' "$HEALTH_LOG"; }
# health_back NAME PORT: when the process turned Unhealthy and Healthy again; sets HEALTH_BACK.
health_back() {
  local down up
  down=$(first_health "$2" Unhealthy "$STOP_AT"); up=$(first_health "$2" Healthy "$START_AT")
  HEALTH_BACK=${up:+$(since "$START_AT" "$up")}
  check "$1 /healthz Healthy again after the database outage" "${up:+ok}"
  printf '%-6s /healthz: Unhealthy %s s after the stop, Healthy again %s s after the start  %s\n' "$1" \
    "${down:+$(since "$STOP_AT" "$down")}" "${HEALTH_BACK:-never}" "$V"
}
health_back web "$WEB_PORT"; HEALTH_WEB=$HEALTH_BACK
health_back worker "$WORKER_PORT"; HEALTH_WORKER=$HEALTH_BACK
GEN2_SUBS=$(submissions "$GEN2"); GEN2_ASSETS=$(new_assets "$GEN2")
check "generation across the database outage" "$([ "$FINAL2" = completed ] && [ "$GEN2_SUBS" = 1 ] && [ "$GEN2_ASSETS" = 1 ] && echo ok)"
printf 'generation across the outage: %s %s s after the database came back; submissions %s, new assets %s  %s\n' "$FINAL2" \
  "$(since "$START_AT" "$GEN2_AT")" "$GEN2_SUBS" "$GEN2_ASSETS" "$V"
# describe_upload NAME SLOT OLD: what the upload answered and what the slot holds now; sets UPLOAD_OUTCOME.
describe_upload() {
  local result code seconds current message ok=
  result=$(cat "$WORK/upload-$1.result"); code=${result% *}; seconds=${result#* }
  current=$(current_asset "$UPLOAD_CONTENT" "$2")
  message=$(words < "$WORK/upload-$2.html" | cut -c1-160)
  if [ "$code" = 200 ] && [ "$current" != "$3" ] && [ "$(served "$current")" = 200 ] && [ "$(served "$3")" = 200 ]; then
    UPLOAD_OUTCOME="completed: the new video is current and served, the old one still served as history"; ok=ok
  elif [ "$code" != 200 ] && [ "$current" = "$3" ] && [ "$(served "$3")" = 200 ]; then
    UPLOAD_OUTCOME="failed with \"$message\"; the old video is still current and served"; ok=ok
  else
    UPLOAD_OUTCOME="UNEXPECTED: current asset $current (old $3), \"$message\""
  fi
  UPLOAD_OUTCOME="HTTP $code after $(printf '%.1f' "$seconds") s, $UPLOAD_OUTCOME"
  check "upload $1 across the database outage" "$ok"
  printf 'upload %s (%s slot): %s  %s\n' "$1" "$2" "$UPLOAD_OUTCOME" "$V"
}
describe_upload a long "$OLD_LONG"; UPLOAD_A=$UPLOAD_OUTCOME
describe_upload b short "$OLD_SHORT"; UPLOAD_B=$UPLOAD_OUTCOME
LEFTOVER=$(find "$WORK/media/tmp" -type f 2>/dev/null | wc -l)
echo "staged files left in media/tmp: $LEFTOVER"
# The live stream: connections made, and when the finished short card reached it after the database came back.
STREAM_CONNECTIONS=$(grep -c ' connect$' "$STREAM_LOG" || true)
LIVE_AT=$(awk -v a="$START_AT" '$1 >= a && index($0, "id=\"video-card-short\"") && index($0, "data-state=\"video\"") { print $1, $2; exit }' "$STREAM_LOG")
FRESH=$(curl -sN --max-time 3 -b "$JAR" "$WEB/content/$GEN_CONTENT/events" 2>/dev/null | sed -n 's/.*<section id="video-card-\([a-z]*\)" class="video-card" data-state="\([a-z-]*\)".*/\1=\2/p' | tr '\n' ' ' || true)
LIVE_DB=${LIVE_AT:+on connection ${LIVE_AT#* }, $(since "$START_AT" "${LIVE_AT% *}") s after the database came back}
LIVE_DB=${LIVE_DB:-never}
check "live updates after the database outage" "$([ -n "$LIVE_AT" ] && [[ "$FRESH" == *short=video* ]] && echo ok)"
printf 'live stream: connections opened %s; the finished card arrived %s; a new stream starts with: %s %s\n' "$STREAM_CONNECTIONS" \
  "$LIVE_DB" "$FRESH" "$V"

echo
echo "== 3. HeyGen unreachable (connection refused) while a render is polled =="
GEN3=$(press Generate "$GEN_CONTENT" long)
CLICK3=$(now)
# Submitted and rendering: from here on every step of the job is a status call (or, once rendered, the download).
wait_status "$GEN3" 30 submitted processing >/dev/null || true
sleep 1
CUT_AT=$(now)
stop_relay
echo "relay down $(since "$CLICK3" "$CUT_AT") s after Generate (status $(status_of "$GEN3")); HeyGen unreachable for $HEYGEN_OUTAGE s"
sleep "$HEYGEN_OUTAGE"
echo "after $HEYGEN_OUTAGE s: status $(status_of "$GEN3"), $(sql "SELECT attempts FROM video_generations WHERE id = '$GEN3'") failed tries so far; relay back"
BACK_AT=$(now)
start_relay
FINAL3=$(wait_status "$GEN3" 200 completed failed timed_out || true)
DONE3=$(now)
GEN3_SUBS=$(submissions "$GEN3"); GEN3_ASSETS=$(new_assets "$GEN3")
HEYGEN_BACK=$(since "$BACK_AT" "$DONE3")
# The retry policy (README: HeyGen:RetryBaseDelay 5 s doubling, HeyGen:MaxRetryDelay 2 min) plus one pass of Hangfire's
# scheduler (15 s) bounds how long after HeyGen's return the next try comes.
RETRY_BOUND=135
check "generation after a HeyGen outage" "$([ "$FINAL3" = completed ] && [ "$GEN3_SUBS" = 1 ] && [ "$GEN3_ASSETS" = 1 ] \
  && awk -v b="$HEYGEN_BACK" -v l="$RETRY_BOUND" 'BEGIN { exit !(b <= l) }' && echo ok)"
printf 'generation %s %s s after HeyGen came back (retry policy bound %d s; %s s after Generate); %s tries failed; submissions %s, new assets %s  %s\n' \
  "$FINAL3" "$HEYGEN_BACK" "$RETRY_BOUND" "$(since "$CLICK3" "$DONE3")" "$(sql "SELECT attempts FROM video_generations WHERE id = '$GEN3'")" \
  "$GEN3_SUBS" "$GEN3_ASSETS" "$V"

TIMEOUT=00:01:00
echo "-- HeyGen away for longer than the generation timeout (worker restarted with HeyGen:GenerationTimeout=$TIMEOUT) --"
kill_worker TERM
start_worker HeyGen__GenerationTimeout=$TIMEOUT
GEN4=$(press Generate "$GEN_CONTENT" short)
CLICK4=$(now)
wait_status "$GEN4" 30 submitted processing >/dev/null || true
sleep 1
stop_relay
FINAL4=$(wait_status "$GEN4" 240 completed failed timed_out || true)
SETTLED4=$(since "$CLICK4")
CARD4=$(card_state "$GEN_CONTENT" short)
NOTICE4=$(failure_notice "$GEN_CONTENT" short)
RETRY4=$(card_html "$GEN_CONTENT" short | grep -c 'id="video-card-short-retry"' || true)
check "timeout while HeyGen is away" "$([ "$FINAL4" = timed_out ] && [ "$CARD4" = failed ] && [ "$RETRY4" -gt 0 ] && echo ok)"
printf 'generation %s %s s after Generate; card %s says: "%s"; Retry offered: %s  %s\n' "$FINAL4" "$SETTLED4" "$CARD4" "$NOTICE4" \
  "$([ "$RETRY4" -gt 0 ] && echo yes || echo no)" "$V"
start_relay
GEN5=$(press Retry "$GEN_CONTENT" short)
RETRY_AT=$(now)
FINAL5=$(wait_status "$GEN5" 60 completed failed timed_out || true)
check "Retry after the timeout" "$([ "$FINAL5" = completed ] && echo ok)"
printf 'Retry once HeyGen is back: %s in %s s, card %s  %s\n' "$FINAL5" "$(since "$RETRY_AT")" "$(card_state "$GEN_CONTENT" short)" "$V"

KILLS_DONE=$(wc -l < "$RUNS")
RECOVERED=$(awk -F'\t' -v l="$RECOVERY_LIMIT" '$6 != "never" && $6 <= l' "$RUNS" | wc -l)
SUB_RANGE=$(awk -F'\t' 'NR == 1 || $7 < min { min = $7 } NR == 1 || $7 > max { max = $7 } END { print min "/" max }' "$RUNS")
ASSET_RANGE=$(awk -F'\t' 'NR == 1 || $8 < min { min = $8 } NR == 1 || $8 > max { max = $8 } END { print min "/" max }' "$RUNS")
WORST=$(awk -F'\t' '$6 == "never" { print 999999; next } { print $6 }' "$RUNS" | sort -n | tail -n1 | sed 's/^999999$/never/')
MEDIAN=$(awk -F'\t' '$6 != "never" { print $6 }' "$RUNS" | median)
PHASES=$(cut -f3 "$RUNS" | sort | uniq -c | awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }')
MIDRUN=$(awk -F'\t' '$4 > 0' "$RUNS" | wc -l)
MIDRUN_WORST=$(awk -F'\t' '$4 > 0 && $6 != "never" { print $6 }' "$RUNS" | sort -n | tail -n1)
[ "$RECOVERED" -eq "$KILLS" ] || FAILURES+=("worker kills: $RECOVERED of $KILLS recovered within $RECOVERY_LIMIT s")
[ "$SUB_RANGE" = 1/1 ] || FAILURES+=("worker kills: submissions per generation $SUB_RANGE")
[ "$ASSET_RANGE" = 1/1 ] || FAILURES+=("worker kills: new assets per generation $ASSET_RANGE")

echo
echo "================================ chaos summary ================================"
printf '1. worker kill -9 + restart    kills %d, recovered within %d s: %d\n' "$KILLS_DONE" "$RECOVERY_LIMIT" "$RECOVERED"
printf '   phase at the kill           %s (job mid-run at the kill: %d, worst of those %s s)\n' "$PHASES" "$MIDRUN" "${MIDRUN_WORST:--}"
printf '   restart → video             median %s s, worst %s s\n' "$MEDIAN" "$WORST"
printf '   HeyGen submissions / gen.   min/max %s      new assets / gen. min/max %s\n' "$SUB_RANGE" "$ASSET_RANGE"
printf '2. PostgreSQL down %d s        healthz Healthy again: web %s s, worker %s s after the start\n' "$DB_OUTAGE" "${HEALTH_WEB:-never}" "${HEALTH_WORKER:-never}"
printf '   generation                  %s %s s after the start (submissions %s, new assets %s)\n' "$FINAL2" "$(since "$START_AT" "$GEN2_AT")" "$GEN2_SUBS" "$GEN2_ASSETS"
printf '   upload A ending after       %s\n' "$UPLOAD_A"
printf '   upload B ending during      %s\n' "$UPLOAD_B"
printf '   live stream                 finished card %s (connections opened: %d)\n' "$LIVE_DB" "$STREAM_CONNECTIONS"
printf '3. HeyGen refused %3d s        %s %s s after it came back, bound %d s (submissions %s, new assets %s)\n' "$HEYGEN_OUTAGE" "$FINAL3" "$HEYGEN_BACK" "$RETRY_BOUND" "$GEN3_SUBS" "$GEN3_ASSETS"
printf '   away > timeout (%s)   %s after %s s, card %s with Retry: %s; Retry afterwards: %s\n' "$TIMEOUT" "$FINAL4" "$SETTLED4" "$CARD4" "$([ "$RETRY4" -gt 0 ] && echo yes || echo no)" "$FINAL5"
printf 'total time                     %d s\n' "$(( $(date +%s) - BENCH_START ))"
if [ ${#FAILURES[@]} -eq 0 ]; then
  echo "result                         every requirement met"
else
  printf 'result                         FAILED: %s\n' "${FAILURES[@]}"
  exit 1
fi
