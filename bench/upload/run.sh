#!/usr/bin/env bash
# Uploads a 1 GiB video through the real upload endpoint on loopback and compares its rate with writing the same bytes
# to the same disk in the same run. Prints figures; asserts nothing. Usage: bench/upload/run.sh [size-in-MiB]
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"

SIZE_MIB="${1:-1024}"
PORT="${BENCH_PORT:-5091}"
WORK="$REPO_ROOT/.data/bench-upload"
rm -rf "$WORK"; mkdir -p "$WORK/media"

source "$REPO_ROOT/bench/lib.sh"
bench_database videostudio_bench_upload
bench_build

# A file that starts like an MP4 (the server checks the first bytes) and is random after that, so nothing compresses it.
head -c 64 "$REPO_ROOT/tests/fixtures/sample-16x9.mp4" > "$WORK/big.mp4"
head -c $((SIZE_MIB * 1048576 - 64)) /dev/urandom >> "$WORK/big.mp4"

bench_start_app videostudio_bench_upload "$PORT" "$WORK" Studio__Upload__MaxBytes=$((8 * 1073741824))
APP=$APP_PID
URL=$APP_URL
trap 'kill $APP 2>/dev/null || true' EXIT
cd "$WORK"

JAR="$WORK/cookies"
bench_sign_in "$URL" "$JAR" editor@northwind.demo 'Editor!2026'
CONTENT=$(psql_admin -d videostudio_bench_upload -tAc "SELECT id FROM content WHERE title = 'Why we proof overnight'")
HXTOKEN=$(bench_hx_token "$(curl -fsS -c "$JAR" -b "$JAR" "$URL/content/$CONTENT")")

# The baseline: the same bytes written to the same disk by dd with the server's block size, before and after the upload
# (the machine is shared, so the baseline is taken around the measurement and averaged).
raw_copy() {
  sync
  local start end
  start=$(date +%s.%N)
  dd if="$WORK/big.mp4" of="$WORK/media/raw-copy.bin" bs=1M status=none
  end=$(date +%s.%N)
  rm -f "$WORK/media/raw-copy.bin"
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
RAW_BEFORE=$(raw_copy)
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$APP/status"; }
sync; sleep 1
BASE_RSS=$(rss_kib)
PEAK_FILE="$WORK/peak"; echo "$BASE_RSS" > "$PEAK_FILE"
( while kill -0 $APP 2>/dev/null; do r=$(rss_kib); [ "$r" -gt "$(cat "$PEAK_FILE")" ] && echo "$r" > "$PEAK_FILE"; sleep 0.05; done ) &
SAMPLER=$!

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$APP/stat"; }
CPU_BEFORE=$(cpu_ticks)
UPLOAD=$(curl -sS -o "$WORK/response.html" -w '%{http_code} %{time_total}' -b "$JAR" \
  -H "HX-Request: true" -H "RequestVerificationToken: $HXTOKEN" \
  -F "file=@$WORK/big.mp4;type=video/mp4" "$URL/content/$CONTENT/upload/long")
CPU_AFTER=$(cpu_ticks)
kill $SAMPLER 2>/dev/null || true
STATUS=${UPLOAD% *}; UP_SECONDS=${UPLOAD#* }
PEAK_RSS=$(cat "$PEAK_FILE")
RAW_AFTER=$(raw_copy)

STORED=$(ls "$WORK/media" | grep -c -E '^[0-9a-f]{32}\.mp4$' || true)

awk -v size="$SIZE_MIB" -v up="$UP_SECONDS" -v rawA="$RAW_BEFORE" -v rawB="$RAW_AFTER" -v base="$BASE_RSS" -v peak="$PEAK_RSS" -v status="$STATUS" -v stored="$STORED" -v cpu="$(( (CPU_AFTER - CPU_BEFORE) * 1000 / $(getconf CLK_TCK) ))" 'BEGIN {
  raw = (rawA + rawB) / 2; upRate = size / up; rawRate = size / raw; growth = (peak - base) / 1024;
  printf "upload benchmark: %d MiB through POST /content/{id}/upload/long on loopback\n", size;
  printf "  HTTP status                 %s (files stored: %d)\n", status, stored;
  printf "  upload rate                 %8.1f MB/s  (%.2f s)\n", upRate, up;
  printf "  raw disk write rate (dd)    %8.1f MB/s  (%.2f s; mean of %.2f s before and %.2f s after)\n", rawRate, raw, rawA, rawB;
  printf "  ratio upload / raw          %8.2f      (goal >= 0.80)\n", upRate / rawRate;
  printf "  server CPU for the upload    %8.2f s     (%.2f s per GiB)\n", cpu / 1000, cpu / 1000 / (size / 1024);
  printf "  server RSS before / peak    %8.1f / %.1f MB\n", base / 1024, peak / 1024;
  printf "  server peak memory growth   %8.1f MB    (goal <= 64 MB)\n", growth;
}'
