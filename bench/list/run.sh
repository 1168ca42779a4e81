#!/usr/bin/env bash
# The content list at 100,000 items: the list page's own query (ContentList.ReadAsync) for each filter and sort, on the
# first page and forty pages in, and for a title search; p50/p99 over N runs each. Prints figures; asserts nothing.
# Usage: bench/list/run.sh [items, default 100000] [runs, default 40]
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO_ROOT/scripts/postgres.sh"
source "$REPO_ROOT/bench/lib.sh"

DB=videostudio_bench_list
bench_database "$DB"
trap 'psql_admin -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true' EXIT
dotnet build "$REPO_ROOT/bench/list/ListBench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null

timeout 1200 dotnet "$REPO_ROOT/bench/list/bin/Release/net10.0/ListBench.dll" \
  --db "$(connection_string "$DB")" --items "${1:-100000}" --runs "${2:-40}"
