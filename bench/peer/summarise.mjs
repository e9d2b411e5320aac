// Turns the measurements of bench/peer/run.sh (a TSV of rounds) into the
// Markdown table of medians and ratios.
//
//   node_modules/.bin/node summarise.mjs bench/results/<date>-peer-national.tsv
import { readFileSync } from "node:fs";

const [file] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
const meta = Object.fromEntries(lines.filter((l) => l[0] === "meta").map((l) => [l[1], l[2]]));
const runs = lines.filter((l) => l[0] !== "meta" && l[0] !== "single");
const singles = lines.filter((l) => l[0] === "single");

const median = (values) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const queries = [...new Set(runs.map((l) => l[1]))];
const servers = [...new Set(runs.map((l) => l[2]))];
const of = (query, server, column) =>
  median(runs.filter((l) => l[1] === query && l[2] === server).map((l) => Number(l[column])));
const errors = (query, server) =>
  runs.filter((l) => l[1] === query && l[2] === server).reduce((n, l) => n + Number(l[6]), 0);
const single = (query, server) =>
  median(singles.filter((l) => l[1] === query && l[2] === server).map((l) => Number(l[4])));
const rounds = new Set(runs.map((l) => l[0])).size;

const label = {
  commtrack: "commtrack",
  postgraphile: "PostGraphile",
  "postgraphile-2w": "PostGraphile ×2",
  sql: "SQL floor",
};
const fmt = (x, digits = 0) =>
  Number.isFinite(x) && x > 0 && x < 10 && digits === 0 ? x.toFixed(1) : (Number.isFinite(x) ? x.toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–");

const out = [];
out.push(`Medians of ${rounds} round(s): ${meta.settings ?? ""}; load average before ${meta.load_before ?? "?"}, after ${meta.load_after ?? "?"}; peak RSS (MiB): ${meta.peak_rss_mb ?? "?"}.`);
out.push("");
out.push("Requests/s (median); ratio = commtrack ÷ the other:");
out.push("");
const others = servers.filter((s) => s !== "commtrack");
out.push(`| query | ${servers.map((s) => label[s] ?? s).join(" | ")} | ${others.map((s) => `commtrack ÷ ${label[s] ?? s}`).join(" | ")} |`);
out.push(`|---|${servers.map(() => "---:").join("|")}|${others.map(() => "---:").join("|")}|`);
for (const q of queries) {
  const rps = servers.map((s) => of(q, s, 3));
  out.push(`| ${q} | ${rps.map((x) => fmt(x)).join(" | ")} | ${others.map((s) => ratio(of(q, "commtrack", 3), of(q, s, 3))).join(" | ")} |`);
}
out.push("");
out.push("Latency under load, p50 / p99 ms (medians), errors (all rounds):");
out.push("");
out.push(`| query | ${servers.map((s) => label[s] ?? s).join(" | ")} |`);
out.push(`|---|${servers.map(() => "---:").join("|")}|`);
// wrk counts only the requests that finish within the run: when none did
// (every request took longer than the run), there is no latency to show.
const latency = (q, s) =>
  of(q, s, 3) > 0 ? `${fmt(of(q, s, 4), 1)} / ${fmt(of(q, s, 5), 1)} (${errors(q, s)})` : `none finished (${errors(q, s)})`;
for (const q of queries) {
  out.push(`| ${q} | ${servers.map((s) => latency(q, s)).join(" | ")} |`);
}
if (singles.length) {
  const singleServers = [...new Set(singles.map((l) => l[2]))];
  out.push("");
  out.push("One request at a time, each after a write (commtrack computes instead of answering from its kept result), ms (median):");
  out.push("");
  out.push(`| query | ${singleServers.map((s) => label[s] ?? s).join(" | ")} |`);
  out.push(`|---|${singleServers.map(() => "---:").join("|")}|`);
  for (const q of [...new Set(singles.map((l) => l[1]))]) {
    out.push(`| ${q} | ${singleServers.map((s) => fmt(single(q, s), 1)).join(" | ")} |`);
  }
}
console.log(out.join("\n"));
