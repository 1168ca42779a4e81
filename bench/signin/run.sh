#!/usr/bin/env bash
# Sign-in answers for a wrong password on a real account and for an e-mail without an account: p50/p99 of each over N
# attempts, alternating, so that timing does not tell which e-mails have accounts. The rate limits are lifted for the run.
# Prints figures; asserts nothing. Usage: bench/signin/run.sh [attempts of each, default 100]; port BENCH_PORT (default 5095).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/bench/lib.sh"

RUNS="${1:-100}"
PORT="${BENCH_PORT:-5095}"
WORK="$REPO_ROOT/.data/bench-signin"
rm -rf "$WORK"; mkdir -p "$WORK"
DB=videostudio_bench_signin
bench_database "$DB"
bench_build
APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }
  psql_admin -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT
bench_start_app "$DB" "$PORT" "$WORK" Studio__SignIn__PerAddress=1000000 Studio__SignIn__PerAccount=1000000

# One wrong-password POST through the real form; prints its time in milliseconds.
attempt() {
  local jar="$WORK/jar" token
  rm -f "$jar"
  token=$(curl -fsS -c "$jar" -b "$jar" "$APP_URL/account/login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -sS -o /dev/null -w '%{time_total}\n' -c "$jar" -b "$jar" --data-urlencode "Input.Email=$1" \
    --data-urlencode "Input.Password=not-the-password" --data-urlencode "__RequestVerificationToken=$token" "$APP_URL/account/login" \
    | awk '{ printf "%.2f\n", $1 * 1000 }'
}

# Warm-up: the first hash and the first queries pay for JIT and connections.
for _ in 1 2 3; do attempt editor@northwind.demo >/dev/null; attempt nobody@northwind.demo >/dev/null; done
: >"$WORK/known"; : >"$WORK/unknown"
for i in $(seq 1 "$RUNS"); do
  attempt editor@northwind.demo >>"$WORK/known"
  attempt "nobody-$i@northwind.demo" >>"$WORK/unknown"
done

percentile() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int((p / 100) * NR + 0.999); if (i < 1) i = 1; print v[i] }'; }
printf '%-34s %8s %8s\n' "wrong password, $RUNS attempts" "p50 ms" "p99 ms"
printf '%-34s %8s %8s\n' "known e-mail" "$(percentile "$WORK/known" 50)" "$(percentile "$WORK/known" 99)"
printf '%-34s %8s %8s\n' "unknown e-mail" "$(percentile "$WORK/unknown" 50)" "$(percentile "$WORK/unknown" 99)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
