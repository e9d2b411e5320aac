#!/usr/bin/env bash
# Interleaved comparison of server variants on one database and one query:
# each round starts every variant in turn (a fresh server each time), warms
# it up, loads it with wrk, and stops it; the medians over the rounds are
# printed at the end. Interleaving spreads the noise of a shared machine
# over all variants alike; the server's CPU time per request (user + system,
# from /proc) is reported beside throughput because it moves much less than
# throughput when other processes take the cores.
#
#   bench/interleave.sh URL VARIANT...
#   VARIANT is LABEL=BINARY[,FLAG...], e.g.
#   bench/interleave.sh sqlite://bench/data/bench-small-1.db \
#     before=/tmp/commtrack-before after=target/release/commtrack \
#     pool4=target/release/commtrack,--db-connections=4
#
# Settings (environment): BODY (bench/queries/1_contracts_page.json), ROUNDS
# (3), DURATION seconds of load (10), WARMUP seconds (2), CONCURRENCY (16),
# THREADS (2), PORT (18182). Each line of results goes to stderr as it is
# measured; the medians table to stdout.
set -euo pipefail
# A local PostgreSQL is reached without TLS (as by the peer benchmark's clients).
export PGSSLMODE=${PGSSLMODE:-disable}
cd "$(dirname "$0")/.."

url=$1
shift
BODY=${BODY:-bench/queries/1_contracts_page.json}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONCURRENCY=${CONCURRENCY:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18182}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

cpu_ticks() { # pid: user + system clock ticks the process has used
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

load() { # seconds: the BENCH line of wrk's run
  BENCH_BODY_FILE="$BODY" wrk -t"$THREADS" -c"$CONCURRENCY" -d"$1s" --latency -s bench/post.lua \
    "http://127.0.0.1:$PORT/graphql" | grep '^BENCH'
}

for round in $(seq 1 "$ROUNDS"); do
  for variant in "$@"; do
    label=${variant%%=*}
    IFS=, read -r -a command <<<"${variant#*=}"
    COMMTRACK_LOG=warn "${command[@]:0:1}" serve --public-read --rate-limit 0 \
      --bind "127.0.0.1:$PORT" --database-url "$url" "${command[@]:1}" &
    server=$!
    until curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
        -d '{"query":"{ __typename }"}' "http://127.0.0.1:$PORT/graphql"; do sleep 0.05; done
    load "$WARMUP" >/dev/null
    cpu_before=$(cpu_ticks "$server")
    line=$(load "$DURATION")
    cpu_after=$(cpu_ticks "$server")
    kill "$server"
    wait "$server" 2>/dev/null || true
    rps=$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.* p50_ms=([0-9.]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.* p99_ms=([0-9.]+).*/\1/' <<<"$line")
    errors=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(graphql_errors|bad_status|socket_errors)=/) { split($i, kv, "="); sum += kv[2] } } END { print sum }' <<<"$line")
    requests=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")
    cpu_us=$(echo "($cpu_after - $cpu_before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$rps" "$p50" "$p99" "$errors" "$cpu_us" | tee -a "$results" >&2
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| variant | requests/s (median) | p50 ms | p99 ms | requests/s per round | server CPU µs per request (median) | errors |"
echo "|---|---:|---:|---:|---|---:|---:|"
for variant in "$@"; do
  label=${variant%%=*}
  rows=$(awk -F'\t' -v l="$label" '$1 == l' "$results")
  rps=$(cut -f3 <<<"$rows" | median)
  p50=$(cut -f4 <<<"$rows" | median)
  p99=$(cut -f5 <<<"$rows" | median)
  each=$(cut -f3 <<<"$rows" | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }')
  errors=$(cut -f6 <<<"$rows" | awk '{ s += $1 } END { print s }')
  cpu=$(cut -f7 <<<"$rows" | median)
  printf '| %s | %.0f | %s | %s | %s | %.0f | %s |\n' "$label" "$rps" "$p50" "$p99" "$each" "$cpu" "$errors"
done
