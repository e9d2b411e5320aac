#!/usr/bin/env bash
# Query-plan review of the list queries and the dashboard queries.
#
# Starts commtrack on a backend with every SQL statement logged
# (COMMTRACK_LOG=sqlx=debug) and sends, first, the dashboard queries in
# bench/queries/*.json (the server is cold: nothing cached), then one page
# (first: 20) per filter field and per ordering of the large lists
# (spendLines, observations, contracts, services, grantAwards), a second page
# through the returned endCursor for most of them, and one page deep into
# each ordering (after a cursor built the way the API builds them). For each
# request it takes the statement from the log, supplies the values the
# request implies for its placeholders, and runs EXPLAIN QUERY PLAN (SQLite)
# or EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL). It prints a Markdown table:
# query, backend, the statement's time in the server's log, its time when
# explained, a plan summary, whether an index is used, and flags for any
# SCAN / Seq Scan of a large table, a sort of a large set, or a slow statement.
#
#   bench/explain.sh                     both backends
#   bench/explain.sh sqlite              one backend
#   ONLY=sl. bench/explain.sh postgres   only the cases whose name starts "sl."
#
# Settings (environment): BIN (target/release/commtrack), PORT (18190),
# SQLITE_DB (bench/data/bench-national-1.db),
# PG_URL (postgres://postgres@127.0.0.1:5432/commtrack_bench_national_1),
# OUT (/tmp/commtrack-explain-plans: full plans, server logs and a TSV per backend),
# LARGE (10000: a table with at least this many rows counts as large),
# SLOW_MS (20: a page statement slower than this on the server is flagged),
# ONLY (a case-name prefix), DASHBOARDS (1; 0 skips bench/queries),
# GENERIC (0; 1 also shows PostgreSQL's generic plan of each page statement,
# the plan a prepared statement may switch to after five executions),
# APSW_PATH (/tmp/apsw-lib, see below).
#
# SQLite plans depend on the SQLite version and on whether values are bound
# parameters or literals: the server binds them, and its bundled SQLite
# (libsqlite3-sys, see Cargo.lock) is newer than Debian's sqlite3 shell. So
# SQLite statements are explained and timed with their values bound, through
# apsw built on the same SQLite version:
#   python3 -m pip install --target /tmp/apsw-lib apsw==<that version>.0
# (the script prints the exact command). Without it, it falls back to the
# sqlite3 shell with the values written in as literals, and says so.
#
# The datasets come from bench/run.sh (REUSE_DATA=1 keeps them); both should
# have been ANALYZEd. It reads only: nothing here is needed by tests or CI.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/commtrack}
PORT=${PORT:-18190}
SQLITE_DB=${SQLITE_DB:-bench/data/bench-national-1.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/commtrack_bench_national_1}
OUT=${OUT:-/tmp/commtrack-explain-plans}
export LARGE=${LARGE:-10000} SLOW_MS=${SLOW_MS:-20} ONLY=${ONLY:-} DASHBOARDS=${DASHBOARDS:-1} GENERIC=${GENERIC:-0}
BACKENDS=${*:-sqlite postgres}
mkdir -p "$OUT"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }

# The SQLite version the server is built with (the bundled copy in libsqlite3-sys).
lib=$(awk '/^name = "libsqlite3-sys"/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
header=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"libsqlite3-sys-$lib"/sqlite3/sqlite3.h 2>/dev/null | head -1 || true)
export SERVER_SQLITE=$( [ -n "$header" ] && awk '/define SQLITE_VERSION / { gsub(/"/, "", $3); print $3 }' "$header" || echo unknown)
export PYTHONPATH=${APSW_PATH:-/tmp/apsw-lib}${PYTHONPATH:+:$PYTHONPATH}

server=
stop() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=; fi; }
trap stop EXIT

for backend in $BACKENDS; do
  case $backend in
    sqlite) url="sqlite://$SQLITE_DB"; command -v sqlite3 >/dev/null || { echo "sqlite3 is needed"; exit 1; } ;;
    postgres) url=$PG_URL; command -v psql >/dev/null || { echo "psql is needed"; exit 1; } ;;
    *) echo "unknown backend $backend (sqlite or postgres)"; exit 1 ;;
  esac
  log="$OUT/server-$backend.log"
  COMMTRACK_LOG=sqlx=debug "$BIN" serve --public-read --rate-limit 0 \
    --bind "127.0.0.1:$PORT" --database-url "$url" > "$log" 2>&1 &
  server=$!
  for _ in $(seq 200); do
    curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
      -d '{"query":"{ __typename }"}' "http://127.0.0.1:$PORT/graphql" && break
    kill -0 "$server" 2>/dev/null || { echo "the server stopped; see $log"; exit 1; }
    sleep 0.1
  done
  python3 - "$backend" "$PORT" "$log" "$url" "$OUT" <<'PY'
import base64, json, os, re, subprocess, sys, time, urllib.request

backend, port, log_path, url, out = sys.argv[1:6]
LARGE, SLOW_MS = int(os.environ["LARGE"]), float(os.environ["SLOW_MS"])
ONLY, GENERIC = os.environ["ONLY"], os.environ["GENERIC"] == "1"
DASHBOARDS = os.environ["DASHBOARDS"] == "1"
sqlite_file = url[len("sqlite://"):] if backend == "sqlite" else None
plans_dir = os.path.join(out, backend)
os.makedirs(plans_dir, exist_ok=True)

def gid(type_name, row):
    """A global id, as the API issues them."""
    return base64.urlsafe_b64encode(f"{type_name}:{row}".encode()).decode().rstrip("=")

def like(term):
    return f"%{term.lower()}%"

# ---------------------------------------------------------------------------
# The cases: (name, list field, table, GraphQL arguments, values of the
# filter's placeholders in statement order, whether to fetch a second page).
# The keyset values of a second page are read from its cursor, and LIMIT is
# first + 1, so only the filter's own values are listed here.
FS, SVC, CON, ORG = "FundingStream", "Service", "Contract", "Organisation"
CASES = [
    # spendLines: 1,000,000 rows.
    ("sl.order.id", "spendLines", "spend_lines", "", [], True),
    ("sl.order.id_desc", "spendLines", "spend_lines", "orderBy: [{field: ID, direction: DESC}]", [], False),
    ("sl.order.financial_year", "spendLines", "spend_lines", "orderBy: [{field: FINANCIAL_YEAR}]", [], True),
    ("sl.order.financial_year_desc", "spendLines", "spend_lines", "orderBy: [{field: FINANCIAL_YEAR, direction: DESC}]", [], True),
    ("sl.order.amount_desc", "spendLines", "spend_lines", "orderBy: [{field: AMOUNT, direction: DESC}]", [], True),
    ("sl.order.amount", "spendLines", "spend_lines", "orderBy: [{field: AMOUNT}]", [], False),
    ("sl.filter.funding_stream", "spendLines", "spend_lines", f'filter: {{fundingStream: {{eq: "{gid(FS, 3)}"}}}}', [3], True),
    ("sl.filter.financial_year", "spendLines", "spend_lines", 'filter: {financialYear: {eq: "2020-21"}}', [2020], True),
    ("sl.filter.quarter", "spendLines", "spend_lines", "filter: {quarter: {eq: Q2}}", [2], False),
    ("sl.filter.service", "spendLines", "spend_lines", f'filter: {{service: {{eq: "{gid(SVC, 100)}"}}}}', [100], False),
    ("sl.filter.contract", "spendLines", "spend_lines", f'filter: {{contract: {{eq: "{gid(CON, 1234)}"}}}}', [1234], False),
    ("sl.filter.contract_is_null", "spendLines", "spend_lines", "filter: {contract: {isNull: true}}", [], True),
    ("sl.filter.amount_gte", "spendLines", "spend_lines", 'filter: {amount: {gte: "500000.00"}}', [50000000], True),
    ("sl.filter.qualifier", "spendLines", "spend_lines", "filter: {qualifier: {eq: APPROXIMATE}}", ["approximate"], False),
    ("sl.combo.stream_year", "spendLines", "spend_lines", f'filter: {{fundingStream: {{eq: "{gid(FS, 3)}"}}, financialYear: {{eq: "2024-25"}}}}', [3, 2024], True),
    ("sl.combo.year_by_amount_desc", "spendLines", "spend_lines", 'filter: {financialYear: {eq: "2024-25"}}, orderBy: [{field: AMOUNT, direction: DESC}]', [2024], True),
    ("sl.combo.service_by_year_desc", "spendLines", "spend_lines", f'filter: {{service: {{eq: "{gid(SVC, 100)}"}}}}, orderBy: [{{field: FINANCIAL_YEAR, direction: DESC}}]', [100], False),
    # observations: 1,000,000 rows.
    ("ob.order.id", "observations", "observations", "", [], True),
    ("ob.order.id_desc", "observations", "observations", "orderBy: [{field: ID, direction: DESC}]", [], False),
    ("ob.order.period_start", "observations", "observations", "orderBy: [{field: PERIOD_START}]", [], True),
    ("ob.order.period_start_desc", "observations", "observations", "orderBy: [{field: PERIOD_START, direction: DESC}]", [], False),
    ("ob.order.period_end", "observations", "observations", "orderBy: [{field: PERIOD_END}]", [], True),
    ("ob.order.period_end_desc", "observations", "observations", "orderBy: [{field: PERIOD_END, direction: DESC}]", [], True),
    ("ob.filter.indicator", "observations", "observations", f'filter: {{indicator: {{eq: "{gid("Indicator", 777)}"}}}}', [777], True),
    ("ob.filter.period_start_range", "observations", "observations", 'filter: {periodStart: {gte: "2024-04-01", lt: "2024-07-01"}}', ["2024-04-01", "2024-07-01"], True),
    ("ob.filter.period_end_eq", "observations", "observations", 'filter: {periodEnd: {eq: "2020-03-31"}}', ["2020-03-31"], True),
    ("ob.filter.period_end_range", "observations", "observations", 'filter: {periodEnd: {gte: "2024-04-01", lte: "2025-03-31"}}', ["2024-04-01", "2025-03-31"], False),
    ("ob.filter.qualifier", "observations", "observations", "filter: {qualifier: {eq: APPROXIMATE}}", ["approximate"], False),
    ("ob.combo.indicator_by_period_end_desc", "observations", "observations", f'filter: {{indicator: {{eq: "{gid("Indicator", 777)}"}}}}, orderBy: [{{field: PERIOD_END, direction: DESC}}]', [777], True),
    ("ob.combo.period_end_by_period_start", "observations", "observations", 'filter: {periodEnd: {gte: "2024-04-01"}}, orderBy: [{field: PERIOD_START}]', ["2024-04-01"], False),
    # contracts: 50,000 rows (every statement also has archived_at IS NULL).
    ("co.order.id", "contracts", "contracts", "", [], True),
    ("co.order.reference", "contracts", "contracts", "orderBy: [{field: REFERENCE}]", [], True),
    ("co.order.start_date", "contracts", "contracts", "orderBy: [{field: START_DATE}]", [], True),
    ("co.order.initial_end_date", "contracts", "contracts", "orderBy: [{field: INITIAL_END_DATE}]", [], False),
    ("co.order.current_end_date", "contracts", "contracts", "orderBy: [{field: CURRENT_END_DATE}]", [], True),
    ("co.order.current_end_date_desc", "contracts", "contracts", "orderBy: [{field: CURRENT_END_DATE, direction: DESC}]", [], True),
    ("co.order.contractual_end_date", "contracts", "contracts", "orderBy: [{field: CONTRACTUAL_MAXIMUM_END_DATE}]", [], False),
    ("co.filter.search", "contracts", "contracts", 'filter: {search: "GEN-0499"}', [like("GEN-0499")] * 2, False),
    ("co.filter.reference", "contracts", "contracts", 'filter: {reference: {eq: "GEN-012345"}}', ["GEN-012345"], False),
    ("co.filter.service", "contracts", "contracts", f'filter: {{service: {{eq: "{gid(SVC, 100)}"}}}}', [100], False),
    ("co.filter.funding_stream", "contracts", "contracts", f'filter: {{fundingStream: {{eq: "{gid(FS, 3)}"}}}}', [3], True),
    ("co.filter.provider", "contracts", "contracts", f'filter: {{provider: {{eq: "{gid(ORG, 1122)}"}}}}', [1122], False),
    ("co.filter.lead_commissioner", "contracts", "contracts", f'filter: {{leadCommissioner: {{eq: "{gid(ORG, 38)}"}}}}', [38], False),
    ("co.filter.cost_sharer", "contracts", "contracts", f'filter: {{costSharer: {{eq: "{gid(ORG, 4)}"}}}}', [4], False),
    ("co.filter.start_date", "contracts", "contracts", 'filter: {startDate: {gte: "2025-04-01"}}', ["2025-04-01"], False),
    ("co.filter.initial_end_date", "contracts", "contracts", 'filter: {initialEndDate: {gte: "2026-04-01", lte: "2026-06-30"}}', ["2026-04-01", "2026-06-30"], False),
    ("co.filter.current_end_date", "contracts", "contracts", 'filter: {currentEndDate: {gte: "2026-04-01", lte: "2026-06-30"}}', ["2026-04-01", "2026-06-30"], True),
    ("co.filter.contractual_end_date", "contracts", "contracts", 'filter: {contractualMaximumEndDate: {gte: "2026-04-01", lte: "2026-06-30"}}', ["2026-04-01", "2026-06-30"], False),
    ("co.filter.initial_term_months", "contracts", "contracts", "filter: {initialTermMonths: {eq: 60}}", [60], False),
    ("co.filter.annual_value", "contracts", "contracts", 'filter: {annualValue: {gte: "5000000.00"}}', [500000000], False),
    ("co.filter.total_value", "contracts", "contracts", 'filter: {totalValue: {gte: "1000000.00"}}', [100000000], False),
    ("co.filter.procurement_route", "contracts", "contracts", "filter: {procurementRoute: {eq: DIRECT_AWARD}}", ["direct_award"], False),
    ("co.filter.eia_status", "contracts", "contracts", "filter: {eiaStatus: {eq: IN_PROGRESS}}", ["in_progress"], False),
    ("co.filter.eia_review_date", "contracts", "contracts", 'filter: {eiaReviewDate: {gte: "2026-04-01", lte: "2026-06-30"}}', ["2026-04-01", "2026-06-30"], False),
    ("co.combo.lead_by_current_end_date", "contracts", "contracts", f'filter: {{leadCommissioner: {{eq: "{gid(ORG, 38)}"}}}}, orderBy: [{{field: CURRENT_END_DATE}}]', [38], True),
    # services: 20,000 rows (every statement also has archived_at IS NULL).
    ("sv.order.id", "services", "services", "", [], True),
    ("sv.order.code", "services", "services", "orderBy: [{field: CODE}]", [], True),
    ("sv.order.name", "services", "services", "orderBy: [{field: NAME}]", [], True),
    ("sv.order.name_desc", "services", "services", "orderBy: [{field: NAME, direction: DESC}]", [], False),
    ("sv.filter.search", "services", "services", 'filter: {search: "Service 1999"}', [like("Service 1999")] * 2, False),
    ("sv.filter.code", "services", "services", 'filter: {code: {eq: "SVC-00100"}}', ["SVC-00100"], False),
    ("sv.filter.status", "services", "services", "filter: {status: {eq: ENDED}}", ["ended"], True),
    ("sv.filter.funding_stream", "services", "services", f'filter: {{fundingStream: {{eq: "{gid(FS, 3)}"}}}}', [3], False),
    ("sv.filter.parent", "services", "services", f'filter: {{parent: {{eq: "{gid(SVC, 1)}"}}}}', [1], False),
    ("sv.filter.area", "services", "services", f'filter: {{area: {{eq: "{gid("Area", 61)}"}}}}', [61], True),
    ("sv.filter.theme", "services", "services", f'filter: {{theme: {{eq: "{gid("Theme", 3)}"}}}}', [3], False),
    ("sv.filter.partner", "services", "services", f'filter: {{partner: {{eq: "{gid(ORG, 1122)}"}}}}', [1122], False),
    # grantAwards: 20,000 rows.
    ("ga.order.id", "grantAwards", "grant_awards", "", [], True),
    ("ga.order.project_name", "grantAwards", "grant_awards", "orderBy: [{field: PROJECT_NAME}]", [], True),
    ("ga.order.amount_desc", "grantAwards", "grant_awards", "orderBy: [{field: AMOUNT, direction: DESC}]", [], True),
    ("ga.filter.search", "grantAwards", "grant_awards", 'filter: {search: "Project 1999"}', [like("Project 1999")], False),
    ("ga.filter.round", "grantAwards", "grant_awards", f'filter: {{round: {{eq: "{gid("GrantRound", 1)}"}}}}', [1], False),
    ("ga.filter.programme", "grantAwards", "grant_awards", f'filter: {{programme: {{eq: "{gid("GrantProgramme", 1)}"}}}}', [1], False),
    ("ga.filter.recipient", "grantAwards", "grant_awards", f'filter: {{recipient: {{eq: "{gid(ORG, 1051)}"}}}}', [1051], False),
    ("ga.filter.partner", "grantAwards", "grant_awards", f'filter: {{partner: {{eq: "{gid(ORG, 1051)}"}}}}', [1051], False),
    ("ga.filter.amount", "grantAwards", "grant_awards", 'filter: {amount: {gte: "20000.00"}}', [2000000], True),
    ("ga.filter.awarded_on", "grantAwards", "grant_awards", 'filter: {awardedOn: {gte: "2025-04-01", lte: "2025-06-30"}}', ["2025-04-01", "2025-06-30"], False),
    ("ga.filter.area", "grantAwards", "grant_awards", f'filter: {{area: {{eq: "{gid("Area", 42)}"}}}}', [42], True),
    ("ga.filter.theme", "grantAwards", "grant_awards", f'filter: {{theme: {{eq: "{gid("Theme", 1)}"}}}}', [1], False),
]

# Deep pages: one page after a cursor far into the ordering, as a client
# paging through a whole list reaches it. (name, list, table, arguments,
# filter values, (the ordering's signature as cursors carry it, its key values)).
DEEP = [
    ("sl.deep.id", "spendLines", "spend_lines", "", [], ("ID:A", [{"I": 990000}])),
    ("sl.deep.amount", "spendLines", "spend_lines", "orderBy: [{field: AMOUNT}]", [],
     ("AMOUNT:A,ID:A", [{"I": 300000000}, {"I": 1}])),
    ("sl.deep.amount_desc", "spendLines", "spend_lines", "orderBy: [{field: AMOUNT, direction: DESC}]", [],
     ("AMOUNT:D,ID:A", [{"I": 200000}, {"I": 1}])),
    ("sl.deep.financial_year", "spendLines", "spend_lines", "orderBy: [{field: FINANCIAL_YEAR}]", [],
     ("FINANCIAL_YEAR:A,ID:A", [{"I": 2024}, {"I": 1}])),
    ("ob.deep.period_start", "observations", "observations", "orderBy: [{field: PERIOD_START}]", [],
     ("PERIOD_START:A,ID:A", [{"D": "2025-10-01"}, {"I": 1}])),
    ("ob.deep.period_end_desc", "observations", "observations", "orderBy: [{field: PERIOD_END, direction: DESC}]", [],
     ("PERIOD_END:D,ID:A", [{"D": "2016-09-30"}, {"I": 1}])),
    ("co.deep.current_end_date", "contracts", "contracts", "orderBy: [{field: CURRENT_END_DATE}]", [],
     ("CURRENT_END_DATE:A,ID:A", [{"D": "2030-01-01"}, {"I": 1}])),
    ("co.deep.reference", "contracts", "contracts", "orderBy: [{field: REFERENCE}]", [],
     ("REFERENCE:A,ID:A", [{"S": "GEN-045000"}, {"I": 1}])),
    ("sv.deep.name", "services", "services", "orderBy: [{field: NAME}]", [],
     ("NAME:A,ID:A", [{"S": "Service 9000"}, {"I": 1}])),
    ("ga.deep.amount_desc", "grantAwards", "grant_awards", "orderBy: [{field: AMOUNT, direction: DESC}]", [],
     ("AMOUNT:D,ID:A", [{"I": 150000}, {"I": 1}])),
]
FIRST = 20

# Values for the dashboard statements' placeholders, by what precedes each
# placeholder (the dashboards in bench/queries fix their own arguments).
AS_OF, UNTIL = "2026-11-23", "2027-05-25"     # renewalCalendar(asOf, withinDays: 183)
YEAR_START, YEAR_END = "2024-04-01", "2025-03-31"  # costShareLiabilities("2024-25")
DASHBOARD_RULES = [
    (r'"data_version" WHERE "id" = $', lambda i: 1),
    (r'BETWEEN $', lambda i: AS_OF),
    (r'BETWEEN \S+ AND $', lambda i: UNTIL),
    (r'"state" NOT IN \((\S+, )*$', lambda i: ["exercised", "declined", "lapsed"][i % 3]),
    (r'"status" = $', lambda i: "awarded"),
    (r'"start_date" <= $', lambda i: YEAR_END),
    (r'"current_end_date" >= $', lambda i: YEAR_START),
    (r'(id|_id)" IN \((\S+, )*$', None),  # loader batches: ids 1, 2, 3...
]
# LIMIT: first + 1 for a page (the contracts page asks for 50), MAX_GROUPS + 1
# for an aggregate's groups.

# ---------------------------------------------------------------------------
def post(query):
    body = json.dumps({"query": query}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
STATEMENT = re.compile(r'db\.statement="((?:[^"\\]|\\.)*)"')
ELAPSED = re.compile(r"elapsed_secs=([0-9.e+-]+)")

def log_size():
    return os.path.getsize(log_path)

def statements_since(offset):
    """(sql, server seconds) of each statement logged after offset."""
    time.sleep(0.05)
    with open(log_path, "rb") as f:
        f.seek(offset)
        text = ANSI.sub("", f.read().decode("utf-8", "replace"))
    found = []
    for line in text.splitlines():
        m = STATEMENT.search(line)
        # Statements are logged at DEBUG, slow ones (over 0.5 s) at WARN instead.
        if not m or not (" DEBUG " in line or " WARN " in line):
            continue
        sql = json.loads('"' + m.group(1) + '"').strip()
        e = ELAPSED.search(line)
        found.append((sql, float(e.group(1)) if e else None))
    return found

def split_literals(sql):
    """The SQL in pieces: even ones outside string literals, odd ones inside."""
    return re.split(r"('(?:[^']|'')*')", sql)

def placeholders(sql):
    pattern = r"\?" if backend == "sqlite" else r"\$\d+"
    return sum(len(re.findall(pattern, p)) for p in split_literals(sql)[0::2])

def literal(v):
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"

def substitute(sql, values):
    pieces = split_literals(sql)
    if backend == "sqlite":
        it = iter(values)
        for i in range(0, len(pieces), 2):
            pieces[i] = re.sub(r"\?", lambda m: literal(next(it)), pieces[i])
    else:
        for i in range(0, len(pieces), 2):
            pieces[i] = re.sub(r"\$(\d+)", lambda m: literal(values[int(m.group(1)) - 1]), pieces[i])
    return "".join(pieces)

def dashboard_values(sql):
    """Values for a dashboard statement's placeholders, from DASHBOARD_RULES."""
    values, counters = [], {}
    pieces = split_literals(sql)
    text = "".join(p if k % 2 == 0 else "''" for k, p in enumerate(pieces))
    pattern = r"\?" if backend == "sqlite" else r"\$\d+"
    previous = None
    for m in re.finditer(pattern, text):
        before = text[max(0, m.start() - 300):m.start()]
        before = re.sub(r"\$\d+|\?", "?", before)
        continuing = previous is not None and before.endswith("?, ")
        for rule, value in [previous] if continuing else DASHBOARD_RULES:
            # A placeholder right after another one in a list takes the list's next value.
            if continuing or re.search(rule.replace("\\S+", r"\?"), before):
                n = counters.get(rule, 0)
                counters[rule] = n + 1
                previous = (rule, value)
                values.append(n + 1 if value is None else value(n))
                break
        else:
            if re.search(r"LIMIT $", before):
                values.append(51 if "ORDER BY" in sql else 10001)
            else:
                raise ValueError(f"no value for the placeholder after …{before[-80:]}")
    return values

def keyset_values(cursor):
    """The values an `after` cursor adds: (k1 > v1) OR (k1 = v1 AND k2 > v2) ..."""
    padded = cursor + "=" * (-len(cursor) % 4)
    keys = [next(iter(k.values())) for k in json.loads(base64.urlsafe_b64decode(padded))["k"]]
    values = []
    for i in range(len(keys)):
        values += keys[:i + 1]
    return values

# --- plans -----------------------------------------------------------------
def table_sizes():
    if backend == "sqlite":
        rows = sqlite("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
        return {t: int(n) for t, n in (r.split("|") for r in rows.splitlines() if "|" in r)}
    rows = psql("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
    return {t: int(n) for t, n in (r.split("|") for r in rows.splitlines() if "|" in r)}

def sqlite(sql):
    return subprocess.run(["sqlite3", "-readonly", sqlite_file, sql], check=True,
                          capture_output=True, text=True).stdout

def psql(sql):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url],
                          input=sql + ";\n", check=True, capture_output=True, text=True).stdout

APSW = None
if backend == "sqlite":
    try:
        import apsw
        APSW = apsw.Connection(f"file:{sqlite_file}?mode=ro",
                               flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
        print(f"SQLite plans: apsw on SQLite {apsw.sqlite_lib_version()}, values bound "
              f"(the server's SQLite: {os.environ['SERVER_SQLITE']})", file=sys.stderr)
        if apsw.sqlite_lib_version() != os.environ["SERVER_SQLITE"]:
            print("  warning: not the server's SQLite version; plans may differ", file=sys.stderr)
    except ImportError:
        print(f"SQLite plans: the sqlite3 shell with literal values; it may plan differently from the server "
              f"(install: python3 -m pip install --target /tmp/apsw-lib apsw=={os.environ['SERVER_SQLITE']}.0)",
              file=sys.stderr)

SIZES = table_sizes()
def large(table):
    return SIZES.get(table, 0) >= LARGE

def eqp_apsw(statement, values):
    """EXPLAIN QUERY PLAN with the values bound, as a tree, and the statement's time."""
    rows = list(APSW.execute("EXPLAIN QUERY PLAN " + statement, values))
    depth, lines = {0: -1}, ["QUERY PLAN"]
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("   " * depth[node] + "|--" + detail)
    started = time.perf_counter()
    for _ in APSW.execute(statement, values):
        pass
    return "\n".join(lines), (time.perf_counter() - started) * 1000

def explain_sqlite(sql, statement=None, values=None):
    if APSW is not None and statement is not None:
        text, ms = eqp_apsw(statement, values)
    else:
        text, ms = sqlite("EXPLAIN QUERY PLAN " + sql), None
    first_key = re.search(r'ORDER BY "(\w+)"\."(\w+)"', sql)
    steps = [re.sub(r"^[|`\- ]+", "", l).strip() for l in text.splitlines()]
    steps = [s for s in steps if s and s != "QUERY PLAN"]
    flags, index = [], False
    for s in steps:
        m = re.match(r"(SCAN|SEARCH) (\w+)(?: AS \w+)?(.*)", s)
        if m:
            kind, table, rest = m.groups()
            if kind == "SEARCH" or "USING" in rest:
                index = True
            if kind == "SCAN" and large(table):
                if "USING" in rest:
                    how = "index-order walk"
                elif first_key and first_key.groups() == (table, "id") and "TEMP B-TREE FOR ORDER BY" not in text:
                    how = "rowid-order walk"
                else:
                    how = "full scan"
                flags.append(f"SCAN {table} ({how})")
        if "TEMP B-TREE" in s:
            flags.append(s.replace("USE ", "").lower())
    summary = "; ".join(steps) + ("" if ms is None else f"; {ms:.1f} ms")
    return summary, index, flags, text, ms

def pg_nodes(node, depth=0):
    yield node, depth
    for child in node.get("Plans", []):
        yield from pg_nodes(child, depth + 1)

def render_pg(plan):
    lines = []
    for node, depth in pg_nodes(plan):
        label = node["Node Type"]
        if "Relation Name" in node:
            label += f" on {node['Relation Name']}"
        if "Index Name" in node:
            label += f" using {node['Index Name']}"
        if "Sort Key" in node:
            label += " by " + ", ".join(node["Sort Key"])
        detail = f"rows={node.get('Actual Rows')} loops={node.get('Actual Loops')}"
        for key in ("Rows Removed by Filter", "Rows Removed by Index Recheck", "Sort Method", "Presorted Key"):
            if key in node:
                detail += f" {key.lower()}={node[key]}"
        if "Actual Total Time" in node:
            detail += f" time={node['Actual Total Time']:.1f}ms"
        lines.append("  " * depth + f"{label}  ({detail})")
    return "\n".join(lines)

def explain_pg(sql, generic_values=None):
    if generic_values is None:
        doc = json.loads(psql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql))[0]
    else:
        sql_text, values = generic_values
        arguments = "(" + ", ".join(literal(v) for v in values) + ")" if values else ""
        doc = json.loads(psql("SET plan_cache_mode = force_generic_plan;\nPREPARE q AS " + sql_text +
                              ";\nEXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE q" + arguments))[0]
    plan = doc["Plan"]
    flags, index, steps = [], False, []
    for node, depth in pg_nodes(plan):
        kind, table = node["Node Type"], node.get("Relation Name")
        step = kind + (f" {table}" if table else "") + (f" ({node['Index Name']})" if "Index Name" in node else "")
        if kind not in ("Limit", "Result") and step not in steps:
            steps.append(step)
        if "Index" in kind:
            index = True
        if kind == "Seq Scan" and large(table):
            flags.append(f"Seq Scan {table} ({node['Actual Rows'] * node['Actual Loops']} rows kept, "
                         f"{node.get('Rows Removed by Filter', 0) * node['Actual Loops']} removed)")
        elif table and large(table) and node.get("Rows Removed by Filter", 0) * node["Actual Loops"] >= LARGE:
            flags.append(f"{kind} {table} removed {node['Rows Removed by Filter'] * node['Actual Loops']} rows by filter")
        if kind in ("Sort", "Incremental Sort"):
            child = node["Plans"][0]
            sorted_rows = child.get("Actual Rows", 0) * child.get("Actual Loops", 1)
            if sorted_rows >= 1000:
                flags.append(f"{kind} of {sorted_rows} rows ({node.get('Sort Method', '?')})")
    summary = " > ".join(steps) + f"; {doc['Execution Time']:.1f} ms"
    return summary, index, flags, render_pg(plan), doc["Execution Time"]

# --- running ----------------------------------------------------------------
results = []
def record(name, statement, values, server_s, rows_note=""):
    count = placeholders(statement)
    ok = count == len(values)
    sql = substitute(statement, values) if ok else statement
    entry = {"case": name, "backend": backend, "server_ms": None if server_s is None else server_s * 1000}
    try:
        if not ok:
            raise ValueError(f"{count} placeholders, {len(values)} values")
        if backend == "sqlite":
            summary, index, flags, full, entry["exec_ms"] = explain_sqlite(sql, statement, values)
        else:
            summary, index, flags, full, entry["exec_ms"] = explain_pg(sql)
            if GENERIC:
                g_summary, _, g_flags, g_full, _ = explain_pg(None, (statement, values))
                full += "\n\n-- generic plan (plan_cache_mode = force_generic_plan):\n" + g_full
                summary += f" // generic: {g_summary}"
                flags += [f"generic: {f}" for f in g_flags]
    except Exception as err:  # a failed EXPLAIN is reported in the table, not fatal
        detail = getattr(err, "stderr", "") or str(err)
        summary, index, flags, full = f"EXPLAIN failed: {detail.strip()[:200]}", False, ["EXPLAIN FAILED"], detail
        entry["exec_ms"] = None
    if entry["server_ms"] is not None and entry["server_ms"] > SLOW_MS:
        flags.append(f"slow on the server: {entry['server_ms']:.1f} ms")
    if entry["exec_ms"] is not None and entry["exec_ms"] > SLOW_MS:
        flags.append(f"slow when explained: {entry['exec_ms']:.1f} ms")
    entry.update(summary=summary, index=index, flags=flags)
    with open(os.path.join(plans_dir, name + ".txt"), "w") as f:
        f.write(f"-- {name} ({backend}){rows_note}\n-- statement as logged:\n{statement}\n\n"
                f"-- values: {values}\n-- explained:\n{sql}\n\n-- plan:\n{full}\n")
    results.append(entry)

def page_statement(found, table):
    for sql, elapsed in found:
        if re.search(rf'FROM "{table}"', sql) and re.search(r"LIMIT (\?|\$\d+)\s*$", sql):
            return sql, elapsed
    raise LookupError(f"no page statement on {table} in the log")

def cursor_for(signature, keys):
    """A cursor as the API issues them (see api/src/graphql/pagination.rs)."""
    body = json.dumps({"o": signature, "k": keys}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body).decode().rstrip("=")

def run_case(name, field, table, args, values, second, start=None):
    selection = "nodes { id } pageInfo { endCursor hasNextPage }"
    sep = ", " if args else ""
    pages = [("", None)] + ([(".page2", "after")] if second else [])
    cursor = cursor_for(*start) if start else None
    for suffix, _ in pages:
        after = f', after: "{cursor}"' if cursor else ""
        query = f"{{ {field}(first: {FIRST}{sep}{args}{after}) {{ {selection} }} }}"
        offset = log_size()
        answer = post(query)
        if answer.get("errors"):
            results.append({"case": name + suffix, "backend": backend, "server_ms": None, "exec_ms": None,
                            "summary": "GraphQL error: " + answer["errors"][0]["message"][:150],
                            "index": False, "flags": ["REQUEST FAILED"]})
            return
        page = answer["data"][field]
        statement, elapsed = page_statement(statements_since(offset), table)
        bound = values + (keyset_values(cursor) if cursor else []) + [FIRST + 1]
        record(name + suffix, statement, bound, elapsed, f" — {len(page['nodes'])} rows returned")
        cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"] or cursor is None:
            break

def run_dashboard(path):
    name = "dash." + os.path.basename(path)[:-len(".json")]
    with open(path) as f:
        query = json.load(f)["query"]
    offset = log_size()
    answer = post(query)
    if answer.get("errors"):
        print(f"{name}: GraphQL error: {answer['errors'][0]['message'][:150]}", file=sys.stderr)
    # Loaders run concurrently, so statements arrive in no fixed order: name
    # each by its table, numbered in the order of its text (the same on both backends).
    found = {}
    for sql, elapsed in statements_since(offset):
        if not (sql in found or sql.startswith("PRAGMA") or "seaql_migrations" in sql):
            found[sql] = elapsed
    table_of = lambda sql: (re.search(r'FROM "(\w+)"', sql) or re.search("()", "")).group(1) or "sql"
    order = sorted(found, key=lambda sql: (table_of(sql), re.sub(r"\$\d+", "?", sql)))
    counts = {}
    for sql in order:
        elapsed, table = found[sql], table_of(sql)
        counts[table] = counts.get(table, 0) + 1
        label = f"{name}.{table}" + (f".{counts[table]}" if counts[table] > 1 else "")
        try:
            values = dashboard_values(sql)
        except ValueError as err:
            values = []
            print(f"{label}: {err}", file=sys.stderr)
        record(label, sql, values, elapsed)

if DASHBOARDS and not ONLY:
    # First, while the server is cold: nothing computed or cached yet.
    import glob
    for path in sorted(glob.glob("bench/queries/*.json")):
        run_dashboard(path)
for case in CASES:
    if case[0].startswith(ONLY):
        run_case(*case)
for name, field, table, args, values, start in DEEP:
    if name.startswith(ONLY):
        run_case(name, field, table, args, values, False, start)

# --- report -------------------------------------------------------------------
tsv = os.path.join(out, f"explain-{backend}.tsv")
with open(tsv, "w") as f:
    f.write("case\tbackend\tserver_ms\texec_ms\tuses_index\tlarge_table_flags\tplan\n")
    for r in results:
        f.write("\t".join([r["case"], r["backend"],
                           "" if r["server_ms"] is None else f"{r['server_ms']:.1f}",
                           "" if r["exec_ms"] is None else f"{r['exec_ms']:.1f}",
                           "yes" if r["index"] else "no", "; ".join(r["flags"]), r["summary"]]) + "\n")
print(f"\n## {backend} (server ms: the statement's time in the server's log; explain ms: its time "
      f"when explained, EXPLAIN ANALYZE on PostgreSQL; plans in {plans_dir}/, table in {tsv})\n")
print("| query | backend | server ms | explain ms | plan | index | flags |")
print("|---|---|---:|---:|---|---|---|")
for r in results:
    ms = lambda v: "" if v is None else f"{v:.1f}"
    plan = r["summary"][:160].replace("|", "\\|")
    print(f"| {r['case']} | {backend} | {ms(r['server_ms'])} | {ms(r['exec_ms'])} | {plan} | "
          f"{'yes' if r['index'] else 'no'} | {'; '.join(r['flags']) or '–'} |")
PY
  stop
done
