// Runs every peer benchmark query once against commtrack and once against
// PostGraphile, and its raw-SQL floor once through psql, normalises the
// answers to one shape and compares them: the same rows, in the same order,
// with the same values. Exits non-zero on any difference, so that nothing is
// timed unless all three answer alike.
//
//   DATABASE_URL=postgres://... node_modules/.bin/node check.mjs COMMTRACK_URL POSTGRAPHILE_URL [QUERY_NAME...]
//
// The SQL statements build commtrack's JSON shape, so they go through
// commtrack's normalisation.
//
// Normalisation, explicitly:
// - money: commtrack answers pounds as decimal strings ("1234.5"), PostGraphile
//   the stored pence as BigInt strings ("123450"); both become integer pence.
// - shares: commtrack answers a percentage ("17.5"), PostGraphile the stored
//   parts per million (175000); both become the exact percentage.
// - observed values: commtrack answers decimals, PostGraphile the stored
//   value times 10^4 (value_e4); both become the exact decimal.
// - enumerations: commtrack's GraphQL enums (AVAILABLE), PostGraphile's text
//   columns (available); compared upper-cased.
// - financial years: commtrack "2023-24", PostGraphile the start year 2023.
// - groups: commtrack sorts groups by their keys (ids, "none" last);
//   pg-aggregates' groupedAggregates has no ordering, so PostGraphile's groups
//   are sorted here by the same keys (the ids it returns in `keys`).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [commtrackUrl, postgraphileUrl, ...only] = process.argv.slice(2);
const databaseUrl = process.env.DATABASE_URL;
if (!commtrackUrl || !postgraphileUrl || !databaseUrl) {
  console.error("usage: DATABASE_URL=... check.mjs COMMTRACK_URL POSTGRAPHILE_URL [QUERY_NAME...]");
  process.exit(2);
}

/** An exact decimal string without trailing zeros ("17.50" -> "17.5", "-0" -> "0"). */
export function canonical(decimal) {
  let text = String(decimal).trim();
  let sign = "";
  if (text.startsWith("-")) {
    sign = "-";
    text = text.slice(1);
  }
  let [whole, fraction = ""] = text.split(".");
  whole = whole.replace(/^0+(?=\d)/, "");
  fraction = fraction.replace(/0+$/, "");
  const body = fraction ? `${whole}.${fraction}` : whole;
  return body === "0" ? "0" : sign + body;
}

/** An integer scaled down by 10^digits, as an exact decimal string. */
export function scaled(integer, digits) {
  const n = BigInt(integer);
  const negative = n < 0n;
  const digitsText = (negative ? -n : n).toString().padStart(digits + 1, "0");
  const whole = digitsText.slice(0, digitsText.length - digits);
  const fraction = digitsText.slice(digitsText.length - digits);
  return canonical(`${negative ? "-" : ""}${whole}.${fraction}`);
}

/** Pounds as a decimal string to integer pence, exactly. */
export function pence(pounds) {
  const [whole, fraction = ""] = canonical(pounds).replace("-", "").split(".");
  if (fraction.length > 2) throw new Error(`not a whole number of pence: ${pounds}`);
  const value = BigInt(whole) * 100n + BigInt((fraction + "00").slice(0, 2));
  return (String(pounds).trim().startsWith("-") ? -value : value).toString();
}

/** The financial year starting in `year`, as commtrack writes it. */
export function financialYear(year) {
  if (year === null || year === undefined) return null;
  const start = Number(year);
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

/** Compares keys with nulls last, numbers as numbers. */
function byKeys(a, b) {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return Number(x) - Number(y);
  }
  return 0;
}

const upper = (text) => (text === null ? null : String(text).toUpperCase());

/** Per query: how each server's `data` becomes the common shape. */
const normalise = {
  "1_contracts_page": {
    commtrack: (d) =>
      d.contracts.nodes.map((c) => ({
        reference: c.reference,
        currentEndDate: c.currentEndDate,
        provider: c.provider.name,
        service: c.service.name,
        costShares: c.costShares.map((s) => ({ percentage: canonical(s.percentage), party: s.party.name })),
        extensionOptions: c.extensionOptions.map((o) => ({ decideBy: o.decideBy, state: upper(o.state) })),
      })),
    postgraphile: (d) =>
      d.allContracts.nodes.map((c) => ({
        reference: c.reference,
        currentEndDate: c.currentEndDate,
        provider: c.provider.name,
        service: c.service.name,
        costShares: c.costShares.nodes.map((s) => ({ percentage: scaled(s.sharePpm, 4), party: s.party.name })),
        extensionOptions: c.extensionOptions.nodes.map((o) => ({ decideBy: o.decideBy, state: upper(o.effectiveState) })),
      })),
  },
  "2_filtered_page": {
    commtrack: (d) => ({
      totalCount: d.contracts.totalCount,
      nodes: d.contracts.nodes.map((c) => ({
        reference: c.reference,
        title: c.title,
        startDate: c.startDate,
        annualValue: c.annualValue ? pence(c.annualValue.money.amount) : null,
        leadCommissioner: c.leadCommissioner.name,
      })),
    }),
    postgraphile: (d) => ({
      totalCount: d.allContracts.totalCount,
      nodes: d.allContracts.nodes.map((c) => ({
        reference: c.reference,
        title: c.title,
        startDate: c.startDate,
        annualValue: c.annualValuePence === null ? null : BigInt(c.annualValuePence).toString(),
        leadCommissioner: c.leadCommissioner.name,
      })),
    }),
  },
  "3_contract_with_splits": {
    commtrack: (d) => {
      const tree = (shares) =>
        shares.map((s) => ({ percentage: canonical(s.percentage), party: s.party.name, shares: tree(s.shares ?? []) }));
      const c = d.contract;
      return { reference: c.reference, title: c.title, provider: c.provider.name, costShares: tree(c.costShares) };
    },
    postgraphile: (d) => {
      const tree = (shares) =>
        shares.nodes.map((s) => ({
          percentage: scaled(s.sharePpm, 4),
          party: s.party.name,
          shares: s.shares ? tree(s.shares) : [],
        }));
      const c = d.contractByReference;
      return { reference: c.reference, title: c.title, provider: c.provider.name, costShares: tree(c.costShares) };
    },
  },
  "4_spend_by_stream_and_year": {
    commtrack: (d) => ({
      totals: { sum: pence(d.spendSummary.totals.sum.amount), count: d.spendSummary.totals.count },
      groups: d.spendSummary.groups.map((g) => ({
        fundingStream: g.key.fundingStream.name,
        financialYear: g.key.financialYear,
        sum: pence(g.sum.amount),
        count: g.count,
      })),
    }),
    postgraphile: (d) => ({
      totals: {
        sum: BigInt(d.allSpendLines.aggregates.sum.amountPence).toString(),
        count: d.allSpendLines.totalCount,
      },
      groups: [...d.allPeerSpendFacts.groupedAggregates]
        .sort((a, b) => byKeys([a.keys[0], a.keys[2]], [b.keys[0], b.keys[2]]))
        .map((g) => ({
          fundingStream: g.keys[1],
          financialYear: financialYear(g.keys[2]),
          sum: BigInt(g.sum.amountPence).toString(),
          count: Number(g.sum.lines),
        })),
    }),
  },
  "5_reach_by_district_and_year": {
    commtrack: (d) => ({
      totals: { sum: canonical(d.reachSummary.totals.sum), count: d.reachSummary.totals.count },
      groups: d.reachSummary.groups.map((g) => ({
        district: g.key.district ? g.key.district.name : null,
        financialYear: g.key.financialYear,
        sum: canonical(g.sum),
        count: g.count,
      })),
    }),
    postgraphile: (d) => ({
      totals: { sum: scaled(d.allObservations.aggregates.sum.valueE4, 4), count: d.allObservations.totalCount },
      groups: [...d.allPeerReachFacts.groupedAggregates]
        .sort((a, b) => byKeys([a.keys[0], a.keys[2]], [b.keys[0], b.keys[2]]))
        .map((g) => ({
          district: g.keys[1],
          financialYear: financialYear(g.keys[2]),
          sum: scaled(g.sum.valueE4, 4),
          count: Number(g.sum.observations),
        })),
    }),
  },
};

async function ask(url, query) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text);
  if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 1000)}`);
  return body.data;
}

/** The `data` of the JSON that one SQL statement builds, run through psql. */
function sql(file) {
  const out = execFileSync("psql", [databaseUrl, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-f", file], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out).data;
}

/** The first place where two values differ, as a path and both values. */
function firstDifference(a, b, other, path = "") {
  if (isDeepStrictEqual(a, b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${path || "(root)"}: commtrack ${JSON.stringify(a)} / ${other} ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
    return `${path}: commtrack ${a.length} items / ${other} ${b.length} items`;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference(a[key], b[key], other, `${path}/${key}`);
    if (found) return found;
  }
  return null;
}

/** Counts the rows of a normalised answer (list items at any depth). */
function rows(value) {
  if (Array.isArray(value)) return value.length + value.reduce((n, v) => n + rows(v), 0);
  if (value && typeof value === "object") return Object.values(value).reduce((n, v) => n + rows(v), 0);
  return 0;
}

const queries = join(here, "queries");
const names = readdirSync(queries)
  .filter((f) => f.endsWith(".commtrack.graphql"))
  .map((f) => f.replace(/\.commtrack\.graphql$/, ""))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
let failed = 0;
for (const name of names) {
  const rule = normalise[name];
  if (!rule) throw new Error(`no normalisation for ${name}`);
  const ours = rule.commtrack(await ask(commtrackUrl, readFileSync(join(queries, `${name}.commtrack.graphql`), "utf8")));
  const theirs = rule.postgraphile(
    await ask(postgraphileUrl, readFileSync(join(queries, `${name}.postgraphile.graphql`), "utf8")),
  );
  const floor = rule.commtrack(sql(join(queries, `${name}.sql`)));
  const difference =
    firstDifference(ours, theirs, "PostGraphile") ?? firstDifference(ours, floor, "SQL");
  if (difference) {
    failed++;
    console.log(`DIFFERENT ${name}: ${difference}`);
  } else {
    console.log(`same      ${name}: ${rows(ours)} list items, ${JSON.stringify(ours).length} bytes normalised`);
  }
}
process.exit(failed ? 1 : 0);
