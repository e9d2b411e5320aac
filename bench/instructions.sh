#!/usr/bin/env bash
# The server's CPU instructions per request for one query, counted by
# valgrind's callgrind: the same count for the same build, data and query,
# whatever else the machine is doing, so two builds compare on a busy machine
# where throughput would not. The server runs under callgrind with counting
# off, answers WARMUP requests, then counts over N requests sent one at a
# time, and prints the count per request; the profile stays in OUT.1 for
# `callgrind_annotate --inclusive=yes OUT.1`.
#
#   bench/instructions.sh BINARY DATABASE_URL [BODY]
#   bench/instructions.sh target/release/commtrack sqlite://bench/data/bench-national-1.db
#
# Settings (environment): N (100), WARMUP (10), OUT (/tmp/commtrack.callgrind),
# PORT (18184). Needs valgrind (apt-get install -y valgrind).
set -euo pipefail
export PGSSLMODE=${PGSSLMODE:-disable}
cd "$(dirname "$0")/.."

bin=$1
url=$2
body=${3:-bench/queries/1_contracts_page.json}
N=${N:-100}
WARMUP=${WARMUP:-10}
OUT=${OUT:-/tmp/commtrack.callgrind}
PORT=${PORT:-18184}
endpoint="http://127.0.0.1:$PORT/graphql"
rm -f "$OUT" "$OUT".*

COMMTRACK_LOG=warn valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT" \
  "$bin" serve --public-read --rate-limit 0 --bind "127.0.0.1:$PORT" --database-url "$url" 2>/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
until curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
    -d '{"query":"{ __typename }"}' "$endpoint"; do sleep 0.5; done
request() { curl -sf -o /dev/null -X POST -H 'content-type: application/json' --data-binary "@$body" "$endpoint"; }
for _ in $(seq 1 "$WARMUP"); do request; done
callgrind_control -i on "$server" >/dev/null
for _ in $(seq 1 "$N"); do request; done
callgrind_control -d "$server" >/dev/null
total=$(callgrind_annotate "$OUT.1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
echo "$((total / N)) instructions per request ($N requests of $body; profile: $OUT.1)"
