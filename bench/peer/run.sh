#!/usr/bin/env bash
# The peer benchmark: commtrack against PostGraphile v5 (with pg-aggregates and
# connection-filter) on the same PostgreSQL database, and a raw-SQL floor per
# query (pgbench on one statement building the same JSON).
#
# Checks first that every query answers the same on all three (check.mjs),
# then, in each of ROUNDS rounds, runs every query on every server one after
# the other (the order rotating from round to round) with wrk, and pgbench for
# the floor, and prints the medians over the rounds and the ratios.
#
#   bench/peer/run.sh                                   3 rounds of 10 s per query and server
#   ROUNDS=1 DURATION=2 WARMUP=1 bench/peer/run.sh      a quick smoke run
#   BIN=/work/target-release/release/commtrack bench/peer/run.sh   a given commtrack build
#
# Settings (environment): PGSSLMODE (disable), DATABASE_URL (postgres://postgres@127.0.0.1:5432/bench_peer;
# generated with `commtrack generate --scale national --seed 1` when it has no
# contracts), ROUNDS (3), DURATION seconds per measurement (10), WARMUP seconds
# per query and server before the first round (3), CONCURRENCY (16), THREADS of
# wrk and pgbench (2), TIMEOUT seconds before wrk counts a request as failed (60), SERVERS ("commtrack postgraphile postgraphile-2w sql"),
# QUERIES (query names, default all in bench/peer/queries), BIN (a commtrack
# binary; default: cargo build --release), PORT_BASE (18380).
# Results: bench/results/<date>-peer-national.tsv (every measurement) and
# bench/results/<date>-peer-national.md (the table printed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_peer}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONCURRENCY=${CONCURRENCY:-16}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-60}
SERVERS=${SERVERS:-"commtrack postgraphile postgraphile-2w sql"}
PORT_BASE=${PORT_BASE:-18380}
PEER=bench/peer
NODE=$PEER/node_modules/.bin/node
export DATABASE_URL
# All three clients talk to the local PostgreSQL without TLS, as
# node-postgres (PostGraphile) does by default: sqlx (commtrack) and libpq
# (psql, pgbench) would otherwise negotiate TLS ("prefer"), and encrypt every
# row of theirs only.
export PGSSLMODE=${PGSSLMODE:-disable}

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
command -v pgbench >/dev/null || { echo "pgbench is needed: apt-get install -y postgresql-contrib"; exit 1; }
[ -x "$NODE" ] || "$PEER/setup.sh"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/commtrack
fi

# The dataset: generated once, reused by later runs.
contracts=$(psql "$DATABASE_URL" -XAtqc "SELECT count(*) FROM contracts" 2>/dev/null || echo 0)
if [ "$contracts" = 0 ]; then
  psql "${DATABASE_URL%/*}/postgres" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '${DATABASE_URL##*/}'" | grep -q 1 ||
    psql "${DATABASE_URL%/*}/postgres" -Xqc "CREATE DATABASE ${DATABASE_URL##*/}"
  "$BIN" generate --scale national --seed 1 --database-url "$DATABASE_URL"
fi
psql "$DATABASE_URL" -Xq -v ON_ERROR_STOP=1 -f "$PEER/views.sql"

if [ -z "${QUERIES:-}" ]; then
  QUERIES=$(cd "$PEER/queries" && ls *.commtrack.graphql | sed 's/\.commtrack\.graphql$//')
fi
work=$(mktemp -d)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" != 0 ]; then tail -n 20 "$work"/*.log 2>/dev/null >&2 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

url_of() { # the GraphQL endpoint of a server
  case $1 in
    commtrack) echo "http://127.0.0.1:$PORT_BASE/graphql" ;;
    postgraphile) echo "http://127.0.0.1:$((PORT_BASE + 1))/graphql" ;;
    postgraphile-2w) echo "http://127.0.0.1:$((PORT_BASE + 2))/graphql" ;;
  esac
}
body_of() { # the request body of a query for a server
  case $1 in commtrack) echo "$work/$2.commtrack.json" ;; *) echo "$work/$2.postgraphile.json" ;; esac
}
wait_for() { # until the server answers a trivial query
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{"query":"{ __typename }"}' "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1"; exit 1
}
peak_rss_mb() { # VmHWM summed over a process and its children (cluster workers)
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "scale=1; $total / 1024" | bc
}

# Server logs go to files, not the table; they are kept only on failure.
COMMTRACK_LOG=warn "$BIN" serve --public-read --rate-limit 0 --bind "127.0.0.1:$PORT_BASE" --database-url "$DATABASE_URL" \
  > "$work/commtrack.log" 2>&1 &
pids+=($!); declare -A pid_of=([commtrack]=$!)
for variant in postgraphile postgraphile-2w; do
  case $variant in postgraphile) workers=1; port=$((PORT_BASE + 1)) ;; *) workers=2; port=$((PORT_BASE + 2)) ;; esac
  [[ " $SERVERS " == *" $variant "* ]] || continue
  NODE_ENV=production GRAPHILE_ENV=production WORKERS=$workers PORT=$port "$NODE" "$PEER/server.mjs" \
    > "$work/$variant.log" 2>&1 &
  pids+=($!); pid_of[$variant]=$!
done
for server in $SERVERS; do [ "$server" = sql ] || wait_for "$(url_of "$server")"; done

for name in $QUERIES; do
  for side in commtrack postgraphile; do
    jq -Rs '{query: .}' "$PEER/queries/$name.$side.graphql" > "$work/$name.$side.json"
  done
done
"$NODE" "$PEER/check.mjs" "$(url_of commtrack)" "$(url_of postgraphile)" $QUERIES
[[ " $SERVERS " == *" postgraphile-2w "* ]] && "$NODE" "$PEER/check.mjs" "$(url_of commtrack)" "$(url_of postgraphile-2w)" $QUERIES >/dev/null

measure() { # server query seconds -> "rps p50_ms p99_ms errors"
  local server=$1 name=$2 seconds=$3
  if [ "$server" = sql ]; then
    rm -f "$work"/pgbench_log.*
    local tps
    tps=$(cd "$work" && pgbench -n -M prepared -c "$CONCURRENCY" -j "$THREADS" -T "$seconds" -l --log-prefix=pgbench_log \
      -f "$OLDPWD/$PEER/queries/$name.sql" "$DATABASE_URL" 2>&1 | awk '/^tps/ { print $3; exit }')
    local failed
    failed=$(cat "$work"/pgbench_log.* | awk '$3 !~ /^[0-9]+$/ { n++ } END { print n + 0 }')
    cat "$work"/pgbench_log.* | awk '$3 ~ /^[0-9]+$/ { print $3 / 1000 }' | sort -n |
      awk -v tps="$tps" -v failed="$failed" '{ v[NR] = $1 } END {
        p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1];
        printf "%.1f %.2f %.2f %d\n", tps, p50, p99, failed }'
  else
    BENCH_BODY_FILE=$(body_of "$server" "$name") wrk -t"$THREADS" -c"$CONCURRENCY" -d"${seconds}s" --timeout "${TIMEOUT}s" --latency \
      -s bench/post.lua "$(url_of "$server")" | grep '^BENCH' |
      awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
             printf "%s %s %s %d\n", m["rps"], m["p50_ms"], m["p99_ms"], m["graphql_errors"] + m["bad_status"] + m["socket_errors"] }'
  fi
}
settle() { # until no statement runs in the database but this one
  # A server keeps executing a request after wrk closes its connection at the
  # end of a run: a slow aggregate then loads the database during the next
  # measurement. Nothing starts until they have finished.
  local active
  for _ in $(seq 1 1200); do
    active=$(psql "$DATABASE_URL" -XAtqc "SELECT count(*) FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()")
    [ "$active" = 0 ] && return 0
    sleep 0.5
  done
  echo "statements still running after 10 minutes" >&2
}
single_ms() { # the time of one request, in ms
  if [ "$1" = sql ]; then
    pgbench -n -M prepared -c 1 -t 1 -f "$PEER/queries/$2.sql" "$DATABASE_URL" 2>&1 |
      awk '/^latency average/ { printf "%.1f", $4 }'
    return
  fi
  curl -sf --max-time 60 -o /dev/null -w '%{time_total}' -H 'content-type: application/json' \
    --data-binary "@$(body_of "$1" "$2")" "$(url_of "$1")" | awk '{ printf "%.1f", $1 * 1000 }'
}

stamp=$(date -u +%Y-%m-%dT%H%M)
results=bench/results/$stamp-peer-national.tsv
mkdir -p bench/results
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'round\tquery\tserver\trps\tp50_ms\tp99_ms\terrors\n' > "$results"

# One request at a time, each after a write (commtrack keeps aggregate answers
# until the next write; raising the data version is what every write does), so
# that commtrack computes every answer, as PostGraphile always does.
for name in $QUERIES; do
  for round in $(seq 1 "$ROUNDS"); do
    for server in $SERVERS; do
      psql "$DATABASE_URL" -Xqc "UPDATE data_version SET version = version + 1 WHERE id = 1"
      printf 'single\t%s\t%s\t\t%s\t\t\n' "$name" "$server" "$(single_ms "$server" "$name")" >> "$results"
    done
  done
done

if [ "$WARMUP" != 0 ]; then
  for name in $QUERIES; do for server in $SERVERS; do measure "$server" "$name" "$WARMUP" > /dev/null; settle; done; done
fi
read -r -a order <<< "$SERVERS"
for round in $(seq 1 "$ROUNDS"); do
  for name in $QUERIES; do
    for i in "${!order[@]}"; do
      server=${order[$(((i + round - 1) % ${#order[@]}))]}
      settle
      read -r rps p50 p99 errors <<< "$(measure "$server" "$name" "$DURATION")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$server" "$rps" "$p50" "$p99" "$errors" >> "$results"
      echo "round $round $name $server: $rps requests/s, p50 $p50 ms, p99 $p99 ms, errors $errors" >&2
    done
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rss=""
for server in $SERVERS; do
  [ "$server" = sql ] || rss="$rss $server=$(peak_rss_mb "${pid_of[$server]}")"
done
{
  printf 'meta\tload_before\t%s\nmeta\tload_after\t%s\nmeta\tpeak_rss_mb\t%s\n' "$load_before" "$load_after" "${rss# }"
  printf 'meta\tsettings\trounds=%s duration=%ss concurrency=%s threads=%s\n' "$ROUNDS" "$DURATION" "$CONCURRENCY" "$THREADS"
} >> "$results"
"$NODE" "$PEER/summarise.mjs" "$results" | tee "${results%.tsv}.md"
