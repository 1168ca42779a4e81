#!/usr/bin/env bash
# Click → job running: Generate posted to a web process without a job server, and the moment a separate worker process
# starts the generation job (its Hangfire 'Processing' state), p50/p99 over N runs, beside the raw NOTIFY→LISTEN round
# trip measured in the same run. Then, on both processes restarted with a 2 s HeyGen poll interval and 7 s renders, G
# generations whose polls are scheduled continuations: requested delay against when each started, p50/p99. Prints
# figures; asserts nothing. Loopback only; bounded in time.
# Usage: bench/jobs/run.sh [runs, default 200] [generations, default 20; 0 leaves the scheduled steps out]; ports BENCH_JOBS_PORT and the next one (default
# 5111, 5112).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/bench/lib.sh"

RUNS="${1:-200}"
GENERATIONS="${2:-20}"
WEB_PORT="${BENCH_JOBS_PORT:-5111}"
WORKER_PORT=$((WEB_PORT + 1))
WORK="$REPO_ROOT/.data/bench-jobs"
rm -rf "$WORK"; mkdir -p "$WORK"
DB=videostudio_bench_jobs
bench_database "$DB"
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  bench_build
  dotnet build "$REPO_ROOT/bench/jobs/JobsBench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
fi

PIDS=()
# How often a woken worker found a job's state lock still held, and how long it waited (the app logs each such wait).
HELD=Logging__LogLevel__VideoStudio.Jobs.StudioJobStorage=Debug
report_held() {
  { grep -ho "state-lock was held; taken after [0-9]* ms" "$@" 2>/dev/null || true; } \
    | awk '{ n++; ms = $(NF-1); if (ms > max) max = ms } END { printf "job state locks found held and waited for: %d%s\n", n, n ? sprintf(", longest wait %d ms", max) : "" }'
}
cleanup() {
  if [ ${#PIDS[@]} -gt 0 ]; then kill "${PIDS[@]}" 2>/dev/null || true; wait "${PIDS[@]}" 2>/dev/null || true; fi
  psql_admin -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT

# The web process serves the simulator, which renders in no time, and each generation is polled a second after it was sent,
# so it is finished before the next click (the benchmark waits for that) and no leftover job of an earlier click lands on
# the worker while a later one is measured. Polled an hour later instead, every generation stayed in flight (the demo
# business registers no webhook) until the minutely reconciler finished the past minute's (13-30) together on the turn of
# each minute, in front of a click made then: one run had two clicks of 306 and 319 ms, both at hh:mm:00.
SIM=(HeyGen__BaseUrl="http://127.0.0.1:$WEB_PORT/heygen-sim" HeyGen__PollInterval=00:00:01)
bench_start_app "$DB" "$WEB_PORT" "$WORK" Studio__RunJobs=false "$HELD" "${SIM[@]}"; WEB=$APP_URL; PIDS+=("$APP_PID")
bench_start_app "$DB" "$WORKER_PORT" "$WORK" Studio__ServePages=false Studio__Migrate=false Studio__SeedDemo=false "$HELD" "${SIM[@]}"
WORKER_PID=$APP_PID; PIDS+=("$APP_PID")
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$WORKER_PORT/healthz" && break; sleep 0.5; done
echo "web: $WEB (pid ${PIDS[0]}, no job server); worker: pid $WORKER_PID (jobs only)"

timeout 1200 dotnet "$REPO_ROOT/bench/jobs/bin/Release/net10.0/JobsBench.dll" \
  --url "$WEB" --db "$(connection_string "$DB")" --runs "$RUNS" --worker-pid "$WORKER_PID" --flush-probe "$WORK/flush-probe" \
  || { echo "The benchmark did not finish; see the app logs in .data/bench-jobs/"; exit 1; }
report_held "$WORK"/app-*.log

[ "$GENERATIONS" -gt 0 ] || exit 0
echo
echo "Scheduled steps: both processes restarted with HeyGen's poll interval at 2 s and renders taking 7 s ..."
kill "${PIDS[@]}" 2>/dev/null || true; wait "${PIDS[@]}" 2>/dev/null || true; PIDS=()
SIM=(HeyGen__BaseUrl="http://127.0.0.1:$WEB_PORT/heygen-sim" HeyGen__PollInterval=00:00:02 HeyGen__Simulator__RenderDelay=00:00:07)
bench_start_app "$DB" "$WEB_PORT" "$WORK/scheduled" Studio__RunJobs=false Studio__SeedDemo=false "$HELD" "${SIM[@]}"; PIDS+=("$APP_PID")
bench_start_app "$DB" "$WORKER_PORT" "$WORK/scheduled" Studio__ServePages=false Studio__Migrate=false Studio__SeedDemo=false "$HELD" "${SIM[@]}"
WORKER_PID=$APP_PID; PIDS+=("$APP_PID")
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$WORKER_PORT/healthz" && break; sleep 0.5; done
timeout 600 dotnet "$REPO_ROOT/bench/jobs/bin/Release/net10.0/JobsBench.dll" \
  --url "$WEB" --db "$(connection_string "$DB")" --runs 0 --scheduled "$GENERATIONS" --worker-pid "$WORKER_PID" \
  || { echo "The scheduled-steps benchmark did not finish; see the app logs in .data/bench-jobs/"; exit 1; }
report_held "$WORK"/scheduled/app-*.log
