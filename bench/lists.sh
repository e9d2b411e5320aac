#!/usr/bin/env bash
# Every list of the API, a page of 50 with a few fields and relations
# (bench/lists/*.graphql), at 1 client and at 16, on one database: the
# median over ROUNDS rounds of p50 at 1 client and of requests/s, p50 and
# p99 at 16 clients. A list answering with errors stops the run.
#
#   bench/lists.sh sqlite://bench/data/bench-national-1.db
#   BIN=/tmp/other-build ROUNDS=1 DURATION=2 bench/lists.sh postgres://postgres@127.0.0.1:5432/bench_peer
#
# Settings (environment): BIN (target/release/commtrack), ROUNDS (3),
# DURATION seconds of each load (5), PORT (18183), LISTS (the names of
# bench/lists/*.graphql to run, e.g. "contracts services"; default all).
set -euo pipefail
export PGSSLMODE=${PGSSLMODE:-disable}
cd "$(dirname "$0")/.."

url=$1
BIN=${BIN:-target/release/commtrack}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
PORT=${PORT:-18183}
endpoint="http://127.0.0.1:$PORT/graphql"
work=$(mktemp -d)
COMMTRACK_LOG=warn "$BIN" serve --public-read --rate-limit 0 --bind "127.0.0.1:$PORT" --database-url "$url" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
    -d '{"query":"{ __typename }"}' "$endpoint"; do sleep 0.05; done

names=()
for file in bench/lists/*.graphql; do
  name=$(basename "$file" .graphql)
  [ -z "${LISTS:-}" ] || [[ " $LISTS " == *" $name "* ]] || continue
  names+=("$name")
  jq -Rs '{query: .}' "$file" > "$work/$name.json"
  answer=$(curl -sf -X POST -H 'content-type: application/json' --data-binary "@$work/$name.json" "$endpoint")
  if jq -e '.errors' <<<"$answer" >/dev/null; then
    echo "$name answers with errors: $answer" >&2
    exit 1
  fi
  items=$(jq '[.data[].nodes[]] | length' <<<"$answer")
  [ "$items" -gt 0 ] || { echo "$name lists nothing" >&2; exit 1; }
done

load() { # name clients -> "rps p50 p99 errors"
  BENCH_BODY_FILE="$work/$1.json" wrk -t"$(( $2 > 1 ? 2 : 1 ))" -c"$2" -d"${DURATION}s" --latency \
    -s bench/post.lua "$endpoint" | grep '^BENCH' |
    awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
           printf "%s %s %s %d\n", m["rps"], m["p50_ms"], m["p99_ms"], m["graphql_errors"] + m["bad_status"] + m["socket_errors"] }'
}

results="$work/results"
for round in $(seq 1 "$ROUNDS"); do
  for name in "${names[@]}"; do
    read -r rps1 p50_1 _ errors1 <<<"$(load "$name" 1)"
    read -r rps16 p50_16 p99_16 errors16 <<<"$(load "$name" 16)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$p50_1" "$rps1" "$rps16" "$p50_16" "$p99_16" \
      "$((errors1 + errors16))" | tee -a "$results" >&2
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| list (50 rows) | p50 ms, 1 client | requests/s, 1 client | requests/s, 16 clients | p50 / p99 ms, 16 clients | errors |"
echo "|---|---:|---:|---:|---:|---:|"
for name in "${names[@]}"; do
  rows=$(awk -F'\t' -v n="$name" '$1 == n' "$results")
  col() { cut -f"$1" <<<"$rows" | median; }
  printf '| %s | %.2f | %.0f | %.0f | %.2f / %.2f | %d |\n' "$name" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" \
    "$(cut -f8 <<<"$rows" | awk '{ s += $1 } END { print s }')"
done
