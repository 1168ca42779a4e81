#!/usr/bin/env bash
# Scale-out proof: 2 web processes (no job server) and 1 worker (jobs only) on one PostgreSQL. A client of web process 1
# presses Generate; the job runs on the worker; the finished card arrives on a stream held by web process 2.
# Prints the timings and which process ran the job. Loopback only; bounded in time.
#
# Usage: bench/scale/run.sh [--blob [MiB]]
#   --blob: media in Azure Blob Storage (Azurite from npm, started and stopped here) and each process with a media folder
#   of its own, as machines that share no disk: an upload on web 1 (tus, MiB of video, 64 by default) plays from web 2,
#   and the worker's AI video reaches web 2 through the store. Ports: BENCH_PORT (5101) and the next two.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/bench/lib.sh"

BLOB=""; [ "${1:-}" = "--blob" ] && BLOB=1
SIZE_MIB="${2:-64}"
P1="${BENCH_PORT:-5101}"; P2=$((P1 + 1)); P3=$((P1 + 2))
WORK="$REPO_ROOT/.data/bench-scale"
rm -rf "$WORK"; mkdir -p "$WORK"
DB=videostudio_scale
bench_database "$DB"
bench_build

PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; [ -n "$BLOB" ] && stop_azurite; }
trap cleanup EXIT
SIM="http://127.0.0.1:$P1/heygen-sim"
COMMON=(HeyGen__BaseUrl="$SIM" HeyGen__Simulator__RenderDelay=00:00:02 HeyGen__PollInterval=00:00:01)
W1="$WORK"; W2="$WORK"; W3="$WORK"
if [ -n "$BLOB" ]; then
  source "$REPO_ROOT/scripts/azurite.sh"
  ensure_azurite
  start_azurite
  COMMON+=(Studio__Media__Provider=AzureBlob Studio__Media__AzureBlob__ConnectionString="$VIDEOSTUDIO_AZURITE" Studio__Media__AzureBlob__Container=bench-scale)
  W1="$WORK/web1"; W2="$WORK/web2"; W3="$WORK/worker"
  echo "media: Azurite $AZURITE_VERSION on 127.0.0.1:$AZURITE_PORT (pid $AZURITE_PID); each process has its own media folder"
fi

# Web 1 migrates and seeds; the others wait for its schema.
bench_start_app "$DB" "$P1" "$W1" Studio__RunJobs=false "${COMMON[@]}"; WEB1=$APP_URL; PIDS+=("$APP_PID")
bench_start_app "$DB" "$P2" "$W2" Studio__RunJobs=false Studio__Migrate=false Studio__SeedDemo=false "${COMMON[@]}"; WEB2=$APP_URL; PIDS+=("$APP_PID")
bench_start_app "$DB" "$P3" "$W3" Studio__ServePages=false Studio__Migrate=false Studio__SeedDemo=false "${COMMON[@]}"; WORKER_PID=$APP_PID; PIDS+=("$APP_PID")
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$P3/healthz" && break; sleep 0.5; done
echo "web 1: $WEB1 (pid ${PIDS[0]}), web 2: $WEB2 (pid ${PIDS[1]}), worker: http://127.0.0.1:$P3 (pid $WORKER_PID, pages off)"

CONTENT=$(psql_admin -d "$DB" -tAc "SELECT id FROM content WHERE title = 'Sourdough starter in five days'")
bench_sign_in "$WEB1" "$WORK/jar1" editor@northwind.demo 'Editor!2026'
bench_sign_in "$WEB2" "$WORK/jar2" editor@northwind.demo 'Editor!2026'
TOKEN=$(bench_hx_token "$(curl -fsS -b "$WORK/jar1" -c "$WORK/jar1" "$WEB1/content/$CONTENT")")

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%8.0f ms", (b - a) * 1000 }'; }

if [ -n "$BLOB" ]; then
  # A real MP4 followed by a "free" box of random bytes up to the size asked: it plays, and nothing compresses it.
  SAMPLE="$REPO_ROOT/tests/fixtures/sample-16x9.mp4"
  BIG="$WORK/big.mp4"
  cp "$SAMPLE" "$BIG"
  python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('>I', $((SIZE_MIB * 1048576)) - $(stat -c %s "$SAMPLE")) + b'free')" >> "$BIG"
  head -c $((SIZE_MIB * 1048576 - $(stat -c %s "$SAMPLE") - 8)) /dev/urandom >> "$BIG"
  UPLOAD_CONTENT=$(psql_admin -d "$DB" -tAc "SELECT id FROM content WHERE title = 'Why we proof overnight'")
  U0=$(now)
  python3 "$REPO_ROOT/bench/upload/tus.py" "$WEB1" "/content/$UPLOAD_CONTENT/uploads/long" "$BIG" $((8 * 1048576)) \
    "$(bench_cookie_header "$WORK/jar1")" "$TOKEN" > "$WORK/tus.out"
  U1=$(now)
  KEY=$(psql_admin -d "$DB" -tAc "SELECT storage_key FROM video_assets WHERE content_id = '$UPLOAD_CONTENT' AND slot = 'long' AND replaced_at IS NULL AND deleted_at IS NULL")
  # /media answers a member with a redirect to a read-only link of the blob: -L follows it, as a player does.
  REDIRECT=$(curl -sS -b "$WORK/jar2" -o /dev/null -w '%{http_code} to %{redirect_url}' "$WEB2/media/$KEY" | sed 's/?.*/?<signed, read-only>/')
  G0=$(now)
  curl -fsSL -b "$WORK/jar2" -o "$WORK/played.mp4" "$WEB2/media/$KEY"
  G1=$(now)
  curl -fsSL -b "$WORK/jar2" -r 20000000-20999999 -o "$WORK/range.bin" -w '%{http_code}' "$WEB2/media/$KEY" > "$WORK/range.status"
  G2=$(now)
  ETAG=$(curl -fsSL -b "$WORK/jar2" -I "$WEB2/media/$KEY" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
  RELOAD=$(curl -sSL -b "$WORK/jar2" -H "If-None-Match: $ETAG" -o /dev/null -w '%{http_code} %{size_download}' "$WEB2/media/$KEY")
  SAME=$(cmp -s "$BIG" "$WORK/played.mp4" && echo "identical" || echo "DIFFERENT")
  echo "upload: $SIZE_MIB MiB by tus in 8 MiB chunks on web 1 → asset $KEY"
  echo "  upload on web 1 (chunks staged as blocks, one commit, checks)  $(ms "$U0" "$U1")"
  echo "  /media on web 2 answers                                        $REDIRECT"
  echo "  whole file played from web 2                                   $(ms "$G0" "$G1")  ($SAME to what was sent)"
  echo "  1 MB Range request (bytes 20000000-20999999) on web 2         $(ms "$G1" "$G2")  (status $(cat "$WORK/range.status"))"
  echo "  reload with the ETag on web 2: status and bytes               $RELOAD"
fi

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

if [ -n "$BLOB" ]; then
  AI=$(psql_admin -d "$DB" -tAc "SELECT a.storage_key || ' ' || a.sha256 FROM video_generations g JOIN video_assets a ON a.id = g.asset_id WHERE g.content_id = '$CONTENT' ORDER BY g.created_at DESC LIMIT 1")
  A0=$(now)
  STATUS=$(curl -sSL -b "$WORK/jar2" -o "$WORK/ai.mp4" -w '%{http_code}' "$WEB2/media/${AI%% *}")
  A1=$(now)
  PLAYED=$(sha256sum "$WORK/ai.mp4" | cut -d' ' -f1)
  echo "AI video ${AI%% *}: played from web 2 (status $STATUS)                 $(ms "$A0" "$A1")  ($([ "$PLAYED" = "${AI##* }" ] && echo "hash matches the worker's" || echo "HASH DIFFERS"))"
  LOCAL=$(find "$W1/media" "$W2/media" "$W3/media" -type f \( -name '*.mp4' -o -name '*.mov' -o -name '*.webm' -o -name '*.upload' -o -name '*.part' \) | wc -l)
  echo "video files on the processes' own disks: $LOCAL (every byte went through the store)"
  [ "$LOCAL" = 0 ] && [ "$SAME" = identical ] && [ "$PLAYED" = "${AI##* }" ] && echo "result: no shared disk; upload and AI video delivered through object storage: OK" || echo "result: FAILED"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
