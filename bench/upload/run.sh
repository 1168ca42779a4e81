#!/usr/bin/env bash
# Uploads a 1 GiB video on loopback three ways and compares each with writing the same bytes to the same disk in the same
# run: today's single multipart POST, the resumable (tus) path in 8 MiB chunks, and the resumable path with the connection
# cut halfway through a chunk at 50 % and resumed (bytes sent again). Server CPU per GiB and peak memory growth for each,
# and the load average, since the machine may be shared. Prints figures; asserts nothing.
# Usage: bench/upload/run.sh [size-in-MiB]
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

# A real MP4 (the server reads it with ffprobe) followed by a top-level "free" box of random bytes up to the size asked,
# so it plays, and nothing compresses it.
SAMPLE="$REPO_ROOT/tests/fixtures/sample-16x9.mp4"
cp "$SAMPLE" "$WORK/big.mp4"
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('>I', $((SIZE_MIB * 1048576)) - $(stat -c %s "$SAMPLE")) + b'free')" >> "$WORK/big.mp4"
head -c $((SIZE_MIB * 1048576 - $(stat -c %s "$SAMPLE") - 8)) /dev/urandom >> "$WORK/big.mp4"
CHUNK=$((8 * 1048576))

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
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$APP/stat"; }
COOKIE=$(bench_cookie_header "$JAR")

# measure NAME COMMAND...: runs one upload, sampling the server's RSS; leaves NAME_SECONDS, NAME_CPU_MS, NAME_GROWTH_MB, NAME_OUT.
measure() {
  local name="$1"; shift
  sync; sleep 1
  local base peak_file="$WORK/peak" sampler cpu0 cpu1 start end out
  base=$(rss_kib); echo "$base" > "$peak_file"
  ( while kill -0 $APP 2>/dev/null; do r=$(rss_kib); [ "$r" -gt "$(cat "$peak_file")" ] && echo "$r" > "$peak_file"; sleep 0.05; done ) &
  sampler=$!
  cpu0=$(cpu_ticks); start=$(date +%s.%N)
  out=$("$@")
  end=$(date +%s.%N); cpu1=$(cpu_ticks)
  kill $sampler 2>/dev/null || true
  printf -v "${name}_SECONDS" '%s' "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
  printf -v "${name}_CPU_MS" '%s' "$(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) ))"
  printf -v "${name}_GROWTH_MB" '%s' "$(awk -v a="$base" -v b="$(cat "$peak_file")" 'BEGIN { printf "%.1f", (b - a) / 1024 }')"
  printf -v "${name}_OUT" '%s' "$out"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure SINGLE curl -sS -o "$WORK/response.html" -w '%{http_code}' -b "$JAR" \
  -H "HX-Request: true" -H "RequestVerificationToken: $HXTOKEN" \
  -F "file=@$WORK/big.mp4;type=video/mp4" "$URL/content/$CONTENT/upload/long"
measure TUS python3 "$REPO_ROOT/bench/upload/tus.py" "$URL" "/content/$CONTENT/uploads/long" "$WORK/big.mp4" "$CHUNK" "$COOKIE" "$HXTOKEN"
measure CUT python3 "$REPO_ROOT/bench/upload/tus.py" "$URL" "/content/$CONTENT/uploads/long" "$WORK/big.mp4" "$CHUNK" "$COOKIE" "$HXTOKEN" cut
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
RAW_AFTER=$(raw_copy)

STORED=$(ls "$WORK/media" | grep -c -E '^[0-9a-f]{32}\.mp4$' || true)
read -r _ TUS_SENT _ <<< "$TUS_OUT"
read -r _ CUT_SENT CUT_AT <<< "$CUT_OUT"

awk -v size="$SIZE_MIB" -v rawA="$RAW_BEFORE" -v rawB="$RAW_AFTER" -v stored="$STORED" -v chunk="$CHUNK" \
    -v s1="$SINGLE_SECONDS" -v c1="$SINGLE_CPU_MS" -v g1="$SINGLE_GROWTH_MB" -v st="$SINGLE_OUT" \
    -v s2="$TUS_SECONDS" -v c2="$TUS_CPU_MS" -v g2="$TUS_GROWTH_MB" \
    -v s3="$CUT_SECONDS" -v c3="$CUT_CPU_MS" -v g3="$CUT_GROWTH_MB" -v sent3="$CUT_SENT" -v cutAt="$CUT_AT" \
    -v load0="$LOAD_BEFORE" -v load1="$LOAD_AFTER" 'BEGIN {
  raw = (rawA + rawB) / 2; rawRate = size / raw; gib = size / 1024;
  printf "upload benchmark: %d MiB on loopback (single POST status %s; videos stored: %d of 3)\n", size, st, stored;
  printf "  load average before / after: %s / %s (the machine is shared)\n", load0, load1;
  printf "  %-34s %9s %8s %13s %15s\n", "path", "MB/s", "x dd", "CPU s/GiB", "peak RSS growth";
  printf "  %-34s %9.1f %8s %13s %15s\n", "dd to the same disk (mean of 2)", rawRate, "1.00", "-", "-";
  printf "  %-34s %9.1f %8.2f %13.2f %12.1f MB\n", "single multipart POST", size / s1, (size / s1) / rawRate, c1 / 1000 / gib, g1;
  printf "  %-34s %9.1f %8.2f %13.2f %12.1f MB\n", "tus, 8 MiB chunks", size / s2, (size / s2) / rawRate, c2 / 1000 / gib, g2;
  printf "  %-34s %9.1f %8.2f %13.2f %12.1f MB\n", "tus, cut at 50 % and resumed", size / s3, (size / s3) / rawRate, c3 / 1000 / gib, g3;
  resent = sent3 - size * 1048576;
  printf "  resume: cut in the chunk at byte %d; bytes sent again %d (%.2f chunks; goal <= 1)\n", cutAt, resent, resent / chunk;
}'
