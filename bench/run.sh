#!/usr/bin/env bash
# The benchmark harness: generate a dataset, start commtrack on it, run the
# dashboard queries in bench/queries/ at a fixed concurrency for a fixed time
# with wrk, and record throughput, p50/p99 latency, errors, the server's peak
# RSS, start-up time, SQL statements per request and the time of the first
# (cold) request, which computes what later requests find kept.
#
#   bench/run.sh                      both backends, national scale
#   BACKENDS=sqlite SCALE=small DURATION=3 bench/run.sh    a quick smoke run
#
# Settings (environment): BACKENDS ("sqlite postgres"), SCALE (national|small),
# SEED (1), DURATION seconds per query (10), CONCURRENCY (16), THREADS (2),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), PORT (18181),
# SAMPLES single requests counted for SQL statements (5), QUERIES (a glob),
# REUSE_DATA=1 to keep an existing generated database, BIN to run another
# build of commtrack (e.g. to compare two builds on the same data).
# Results: bench/results/<date>-<backend>-<scale>.tsv, and a Markdown table on stdout.
set -euo pipefail
# A local PostgreSQL is reached without TLS (as by the peer benchmark's clients).
export PGSSLMODE=${PGSSLMODE:-disable}
cd "$(dirname "$0")/.."

BACKENDS=${BACKENDS:-"sqlite postgres"}
SCALE=${SCALE:-national}
SEED=${SEED:-1}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-16}
THREADS=${THREADS:-2}
SAMPLES=${SAMPLES:-5}
QUERIES=${QUERIES:-bench/queries/*.json}
PORT=${PORT:-18181}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DATA_DIR=bench/data
mkdir -p "$DATA_DIR" bench/results

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/commtrack
fi
stamp=$(date -u +%Y-%m-%dT%H%M)

metric() { # the value of a counter on /metrics, summed over its labels
  curl -sf "http://127.0.0.1:$PORT/metrics" |
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { print sum + 0 }'
}

for backend in $BACKENDS; do
  case $backend in
    sqlite)
      url="sqlite://$DATA_DIR/bench-$SCALE-$SEED.db"
      fresh() { rm -f "$DATA_DIR/bench-$SCALE-$SEED.db"*; }
      exists() { [ -f "$DATA_DIR/bench-$SCALE-$SEED.db" ]; } ;;
    postgres)
      db="commtrack_bench_${SCALE}_$SEED"
      url="${PG_ADMIN_URL%/*}/$db"
      fresh() { psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" && psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $db"; }
      exists() { psql "$PG_ADMIN_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; } ;;
    *) echo "unknown backend $backend"; exit 1 ;;
  esac

  load_seconds="(reused)"
  if [ "${REUSE_DATA:-0}" != 1 ] || ! exists; then
    fresh
    started=$(date +%s.%N)
    "$BIN" generate --scale "$SCALE" --seed "$SEED" --database-url "$url"
    load_seconds=$(echo "$(date +%s.%N) - $started" | bc)
  fi

  started=$(date +%s.%N)
  COMMTRACK_LOG=warn "$BIN" serve --public-read --rate-limit 0 --bind "127.0.0.1:$PORT" --database-url "$url" &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  until curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
      -d '{"query":"{ __typename }"}' "http://127.0.0.1:$PORT/graphql"; do sleep 0.02; done
  startup_ms=$(echo "($(date +%s.%N) - $started) * 1000 / 1" | bc)

  results="bench/results/$stamp-$backend-$SCALE.tsv"
  printf 'query\trps\tp50_ms\tp99_ms\terrors\tsql_per_request\tcold_ms\n' > "$results"
  for body in $QUERIES; do
    name=$(basename "$body" .json)
    # The first request computes the answer (cold); warm up, then count
    # statements over a fixed number of single requests.
    cold_ms=$(curl -sf --max-time 40 -o /dev/null -w '%{time_total}' -H 'content-type: application/json' --data-binary "@$body" "http://127.0.0.1:$PORT/graphql" | awk '{ printf "%.1f", $1 * 1000 }')
    for _ in 1 2; do curl -sf --max-time 40 -o /dev/null -H 'content-type: application/json' --data-binary "@$body" "http://127.0.0.1:$PORT/graphql"; done
    before=$(metric commtrack_sql_statements_total)
    for _ in $(seq 1 "$SAMPLES"); do curl -sf --max-time 40 -o /dev/null -H 'content-type: application/json' --data-binary "@$body" "http://127.0.0.1:$PORT/graphql"; done
    after=$(metric commtrack_sql_statements_total)
    per_request=$(echo "scale=1; ($after - $before) / $SAMPLES" | bc)
    line=$(BENCH_BODY_FILE="$body" wrk -t"$THREADS" -c"$CONCURRENCY" -d"${DURATION}s" --latency -s bench/post.lua \
      "http://127.0.0.1:$PORT/graphql" | grep '^BENCH')
    rps=$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.* p50_ms=([0-9.]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.* p99_ms=([0-9.]+).*/\1/' <<<"$line")
    errors=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(graphql_errors|bad_status|socket_errors)=/) { split($i, kv, "="); sum += kv[2] } } END { print sum }' <<<"$line")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "$errors" "$per_request" "$cold_ms" >> "$results"
  done
  peak_rss_mb=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT

  echo
  echo "### $backend, $SCALE scale (seed $SEED), concurrency $CONCURRENCY, ${DURATION}s per query"
  echo "load: ${load_seconds}s; start-up to first answer: ${startup_ms} ms; peak RSS: ${peak_rss_mb} MiB"
  echo
  echo "| query | requests/s | p50 ms | p99 ms | errors | SQL statements per request | first (cold) request ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  tail -n +2 "$results" | awk -F'\t' '{ printf "| %s | %.0f | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }'
  printf 'load_seconds\t%s\nstartup_ms\t%s\npeak_rss_mb\t%s\n' "$load_seconds" "$startup_ms" "$peak_rss_mb" >> "$results"
done
