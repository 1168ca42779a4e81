#!/usr/bin/env bash
# Moving a running installation from local disk to Azure Blob Storage, end to end (Azurite from npm, started and stopped
# here; loopback only; bounded in time):
#   1. the app serves local media (demo data, videos uploaded by tus: two samples and one of MiB);
#   2. copy-media-to-blob runs while that app keeps serving: players keep asking for every video and an editor uploads
#      one more meanwhile; every answer is counted;
#   3. it runs again (what is there is skipped; the late upload is copied);
#   4. the app restarts with Provider=AzureBlob and an empty media folder: every video plays (302 to the store, the
#      bytes' SHA-256 as recorded at upload) and its poster comes through the app;
#   5. one more run copies nothing.
# Usage: bench/migrate/run.sh [MiB]   (the large video, 32 by default). Port: BENCH_PORT (5151).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/scripts/azurite.sh"
source "$REPO_ROOT/scripts/ffmpeg.sh"
source "$REPO_ROOT/bench/lib.sh"

SIZE_MIB="${1:-32}"
PORT="${BENCH_PORT:-5151}"
WORK="$REPO_ROOT/.data/bench-migrate"
DB=videostudio_migrate
rm -rf "$WORK"; mkdir -p "$WORK/local" "$WORK/blob"
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; stop_azurite; }
trap cleanup EXIT
ensure_ffmpeg
ensure_azurite
start_azurite
bench_database "$DB"
bench_build
BLOB_SETTINGS=(Studio__Media__AzureBlob__ConnectionString="$VIDEOSTUDIO_AZURITE" Studio__Media__AzureBlob__Container=migrated)
copy_media() {
  ( cd "$REPO_ROOT/src/Web" && env Studio__MediaRoot="$WORK/local/media" "${BLOB_SETTINGS[@]}" \
      dotnet bin/Release/net10.0/VideoStudio.Web.dll copy-media-to-blob )
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Local media, as ./run.sh serves it.
bench_start_app "$DB" "$PORT" "$WORK/local"; URL=$APP_URL; PIDS+=("$APP_PID")
bench_sign_in "$URL" "$WORK/jar" editor@northwind.demo 'Editor!2026'
ITEMS=($(psql_admin -d "$DB" -tAc "SELECT c.id FROM content c JOIN businesses b ON b.id = c.business_id WHERE b.name LIKE 'Northwind%' ORDER BY c.title LIMIT 3"))
TOKEN=$(bench_hx_token "$(curl -fsS -b "$WORK/jar" -c "$WORK/jar" "$URL/content/${ITEMS[0]}")")
BIG="$WORK/big.mp4"
SAMPLE="$REPO_ROOT/tests/fixtures/sample-16x9.mp4"
cp "$SAMPLE" "$BIG"
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('>I', $((SIZE_MIB * 1048576)) - $(stat -c %s "$SAMPLE")) + b'free')" >> "$BIG"
head -c $((SIZE_MIB * 1048576 - $(stat -c %s "$SAMPLE") - 8)) /dev/urandom >> "$BIG"
upload() { python3 "$REPO_ROOT/bench/upload/tus.py" "$URL" "/content/$1/uploads/$2" "$3" $((8 * 1048576)) "$(bench_cookie_header "$WORK/jar")" "$TOKEN" >/dev/null; }
upload "${ITEMS[0]}" long "$SAMPLE"
upload "${ITEMS[1]}" long "$BIG"
upload "${ITEMS[2]}" short "$REPO_ROOT/tests/fixtures/sample-9x16.webm"
assets() { psql_admin -d "$DB" -tAc "SELECT storage_key || ' ' || sha256 || ' ' || coalesce(poster_key, '-') FROM video_assets WHERE removed_at IS NULL ORDER BY created_at"; }
echo "1. local media: $(assets | wc -l) videos, $(find "$WORK/local/media" -maxdepth 1 -type f | wc -l) files ($(du -sh "$WORK/local/media" | cut -f1)) in the app's folder"

# 2. The copy while the app serves: players keep playing every video, and one more upload arrives.
FIRST_KEYS=$(assets | cut -d' ' -f1)
( while :; do
    for key in $FIRST_KEYS; do
      curl -sS -b "$WORK/jar" -o /dev/null -r 0-65535 -w '%{http_code}\n' "$URL/media/$key" || echo failed
    done
  done ) > "$WORK/served.log" &
PLAYER=$!; PIDS+=("$PLAYER")
C0=$(date +%s.%N)
copy_media > "$WORK/copy1.log" &
COPY=$!
sleep 0.5
upload "${ITEMS[0]}" short "$REPO_ROOT/tests/fixtures/sample-9x16.webm"
wait "$COPY"
C1=$(date +%s.%N)
kill "$PLAYER"; wait "$PLAYER" 2>/dev/null || true
echo "2. copy-media-to-blob while the app serves ($(awk -v a="$C0" -v b="$C1" 'BEGIN { printf "%.1f s", b - a }')): $(tail -n1 "$WORK/copy1.log")"
echo "   meanwhile the app answered $(wc -l < "$WORK/served.log") ranged plays: $(sort "$WORK/served.log" | uniq -c | awk '{ printf "%s× %s ", $1, $2 }')"
echo "3. again:  $(copy_media | tail -n1)"

# 4. The switch: the same database, Provider=AzureBlob, a media folder of its own that stays empty.
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
bench_start_app "$DB" "$PORT" "$WORK/blob" Studio__Media__Provider=AzureBlob "${BLOB_SETTINGS[@]}"; PIDS+=("$APP_PID")
bench_sign_in "$URL" "$WORK/jar" editor@northwind.demo 'Editor!2026'
OK=0; ALL=0
while read -r key hash poster; do
  ALL=$((ALL + 1))
  answer=$(curl -sS -b "$WORK/jar" -o /dev/null -w '%{http_code}' "$URL/media/$key")
  curl -fsSL -b "$WORK/jar" -o "$WORK/played" "$URL/media/$key"
  poster_status=-
  [ "$poster" != - ] && poster_status=$(curl -sS -b "$WORK/jar" -o /dev/null -w '%{http_code}' "$URL/media/$poster")
  if [ "$answer" = 302 ] && [ "$(sha "$WORK/played")" = "$hash" ] && [ "$poster_status" != 404 ]; then OK=$((OK + 1)); fi
  echo "   $key: /media answers $answer, played $(stat -c %s "$WORK/played") bytes, SHA-256 $([ "$(sha "$WORK/played")" = "$hash" ] && echo "as recorded" || echo DIFFERS), poster $poster_status"
done < <(assets)
LOCAL=$(find "$WORK/blob/media" -type f \( -name '*.mp4' -o -name '*.webm' -o -name '*.mov' -o -name '*.jpg' \) | wc -l)
echo "4. switched to blob: $OK of $ALL videos play from the store as recorded; media files on the new process's disk: $LOCAL"
echo "5. once more: $(copy_media | tail -n1)"
[ "$OK" = "$ALL" ] && [ "$LOCAL" = 0 ] && ! grep -qv '^206$' "$WORK/served.log" && echo "result: migrated while serving, every video plays from blob: OK" || echo "result: FAILED"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
