#!/usr/bin/env bash
# Bounded memory of CSV import: generates a spend file of LINES lines (one
# million by default) against the demo data, then imports it with the
# release build under /usr/bin/time -v, first as a dry run, then for real,
# and prints the wall time and the maximum resident set size of each, with
# the spend lines and audit events counted before and after.
#
#   bench/import.sh                         SQLite, 1,000,000 lines
#   BACKEND=postgres bench/import.sh        PostgreSQL
#   LINES=100000 bench/import.sh            a quicker run
#
# Settings (environment): BIN (target/release/commtrack; built if missing),
# LINES (1000000), BACKEND (sqlite|postgres), WORK (/tmp/commtrack-import-bench),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/commtrack}
LINES=${LINES:-1000000}
BACKEND=${BACKEND:-sqlite}
WORK=${WORK:-/tmp/commtrack-import-bench}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}

if [ ! -x "$BIN" ]; then
    cargo build --release --bin commtrack
fi
mkdir -p "$WORK"
FILE="$WORK/spend-$LINES.csv"

# Lines under the SARC contract (split 50/50, then among four regional
# commissioners: six attribution rows each), under the ISAC contract, under
# a service alone and under a funding stream alone, in turn.
if [ ! -s "$FILE" ]; then
    python3 - "$LINES" > "$FILE" <<'PY'
import sys
lines = int(sys.argv[1])
out = sys.stdout
out.write("fundingStream,financialYear,quarter,serviceCode,contractReference,amount,qualifier,wording,description\n")
kinds = [
    ("Victims of Crime", "", "WYCA-SARC-2023"),
    ("Victims of Crime", "ISAC", "WYCA-ISAC-2022"),
    ("Criminal Justice", "CARA", ""),
    ("Community Safety", "", ""),
]
for i in range(lines):
    stream, service, contract = kinds[i % 4]
    year = 2019 + i % 7
    out.write(f"{stream},{year}-{(year + 1) % 100:02d},Q{i % 4 + 1},{service},{contract},"
              f"{i % 100000}.{i % 100:02d},EXACT,,line {i}\n")
PY
fi
echo "file: $FILE ($(wc -l < "$FILE") lines, $(du -h "$FILE" | cut -f1))"

case "$BACKEND" in
sqlite)
    DB="$WORK/import-bench.db"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    URL="sqlite://$DB"
    count() {
        python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*[c.execute(f'SELECT COUNT(*) FROM {t}').fetchone()[0] for t in ('spend_lines','audit_events','spend_attributions')])" "$DB"
    }
    ;;
postgres)
    NAME=commtrack_import_bench
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $NAME" -c "CREATE DATABASE $NAME"
    URL="${PG_ADMIN_URL%/*}/$NAME"
    count() {
        psql -qAt "$URL" -c "SELECT (SELECT COUNT(*) FROM spend_lines), (SELECT COUNT(*) FROM audit_events), (SELECT COUNT(*) FROM spend_attributions)" | tr '|' ' '
    }
    ;;
*) echo "BACKEND must be sqlite or postgres" >&2; exit 1 ;;
esac

COMMTRACK_LOG=warn "$BIN" seed --demo --database-url "$URL"
echo "before: spend lines, audit events, attributions: $(count)"
for mode in --dry-run ""; do
    # shellcheck disable=SC2086
    /usr/bin/time -v "$BIN" import spend "$FILE" $mode --database-url "$URL" \
        > "$WORK/out.txt" 2> "$WORK/time.txt" || true
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
    echo "import ${mode:-(commit)}: $(tail -n 1 "$WORK/out.txt"); wall $wall; max RSS $((rss / 1024)) MiB"
done
echo "after: spend lines, audit events, attributions: $(count)"
