#!/usr/bin/env bash
# Peak memory of a fresh server after bursts of concurrent requests that each
# arrive right after a write: BURSTS times, the data version is raised (as
# every write does) and wrk sends BODY from 16 connections for 3 s. Prints
# each burst's requests/s and the server's RSS and peak RSS (VmHWM) at the end.
#
#   bench/burst.sh BINARY DATABASE_URL [BODY]
#   bench/burst.sh target/release/commtrack postgres://postgres@127.0.0.1:5432/bench_peer /tmp/reach.json
#
# BODY defaults to the peer benchmark's reach by district and year. Settings
# (environment): BURSTS (3), PORT (18185).
set -euo pipefail
export PGSSLMODE=${PGSSLMODE:-disable}
cd "$(dirname "$0")/.."

bin=$1
url=$2
body=${3:-}
BURSTS=${BURSTS:-3}
PORT=${PORT:-18185}
endpoint="http://127.0.0.1:$PORT/graphql"
work=$(mktemp -d)
if [ -z "$body" ]; then
  body=$work/body.json
  jq -Rs '{query: .}' bench/peer/queries/5_reach_by_district_and_year.commtrack.graphql > "$body"
fi
COMMTRACK_LOG=warn "$bin" serve --public-read --rate-limit 0 --bind "127.0.0.1:$PORT" --database-url "$url" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
    -d '{"query":"{ __typename }"}' "$endpoint"; do sleep 0.05; done

write() {
  case $url in
    postgres*) psql "$url" -Xqc "UPDATE data_version SET version = version + 1 WHERE id = 1" ;;
    sqlite:*) sqlite3 "${url#sqlite://}" "UPDATE data_version SET version = version + 1 WHERE id = 1" ;;
  esac
}
for burst in $(seq 1 "$BURSTS"); do
  write
  BENCH_BODY_FILE=$body wrk -t2 -c16 -d3s -s bench/post.lua "$endpoint" |
    awk -v b="$burst" '/^BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
      printf "burst %s: %s requests/s, errors %d\n", b, m["rps"], m["graphql_errors"] + m["bad_status"] + m["socket_errors"] }'
done
awk '/VmRSS|VmHWM/ { v[$1] = $2 } END { printf "RSS %.1f MiB, peak RSS %.1f MiB\n", v["VmRSS:"] / 1024, v["VmHWM:"] / 1024 }' \
  "/proc/$server/status"
