// The commtrack dashboard's panels: every figure comes from the public
// GraphQL API at /graphql, one request per panel, through basics.js (loaded
// first). No build step, no library: plain DOM and SVG.
"use strict";

/** Most funding streams drawn separately; the rest share one colour. */
const MAX_STREAMS = 7;
/** Colours that stay apart for colour-blind readers (Okabe and Ito). */
const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"];
const OTHER_COLOUR = "#8a8a8a";
/** Cost-per-person pairs asked for in one request (the API allows 50 aliases). */
const MAX_COST_PAIRS = 40;

const KIND_LABELS = {
  EXTENSION_DECISION_DUE: "Extension decision due",
  INITIAL_TERM_ENDS: "Initial term ends",
  CONTRACT_EXPIRES: "Contract ends",
  EQUALITY_IMPACT_ASSESSMENT_REVIEW: "Equality Impact Assessment review",
  GRANT_ROUND_CLOSES: "Grant round closes",
};

/** Words after a count that is not of people. */
const UNIT_WORDS = { CASES: " cases", REFERRALS: " referrals", COUNT: "" };

const MISSING_LABELS = {
  NO_BUDGET: "no budget recorded",
  ZERO_BUDGET: "the budget is zero",
  NO_SPEND: "no spend recorded for this year",
  NO_OUTCOME: "no reach reported for this year",
  NOT_A_COUNT: "the indicator is not a count",
  OUTCOME_NOT_POSITIVE: "the reach is not positive",
};

// ---------------------------------------------------------------- calendar

const CALENDAR = `query Calendar($asOf: Date!, $withinDays: Int!, $after: String) {
  renewalCalendar(asOf: $asOf, withinDays: $withinDays) {
    asOf from to redWithinDays amberWithinDays
    eventPage(first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        kind date daysRemaining rag summary
        contract { reference provider { name } }
        grantRound { name }
        currentEndDate maximumEndDate
      }
    }
  }
}`;

let calendarCursor = null;
let ragCounts = {};

/** The calendar's first page (or, with `more`, its next one) as of the picked date. */
async function loadCalendar(section, current, more = false) {
  const tbody = $("tbody", section);
  const { renewalCalendar: calendar } = await graphql(CALENDAR, {
    asOf: $("#as-of").value,
    withinDays: Number($("#within").value),
    after: more ? calendarCursor : null,
  });
  if (!current()) return STALE;
  if (!more) {
    tbody.replaceChildren();
    ragCounts = { RED: 0, AMBER: 0, GREEN: 0 };
  }
  const page = calendar.eventPage;
  for (const event of page.nodes) {
    ragCounts[event.rag] += 1;
    const what = event.contract
      ? el("span", {}, el("strong", {}, event.contract.reference), " ",
        event.contract.provider ? `(${event.contract.provider.name})` : "")
      : event.grantRound?.name || "";
    tbody.append(el("tr", {
      class: `rag-${event.rag.toLowerCase()}`,
      "data-kind": event.kind,
      "data-contract": event.contract?.reference,
    },
    el("td", { class: "date" }, el("time", { datetime: event.date }, event.date)),
    el("td", { class: "num" }, String(event.daysRemaining)),
    el("td", {}, el("span", { class: "rag" }, event.rag)),
    el("td", { title: event.summary }, KIND_LABELS[event.kind] || event.kind),
    el("td", {}, what),
    el("td", { class: "date end-now" }, event.currentEndDate || "—"),
    el("td", { class: "date end-max" }, event.maximumEndDate || "—")));
  }
  if (!tbody.children.length) {
    tbody.append(el("tr", {}, el("td", { colspan: "7" }, "Nothing falls due in this window.")));
  }
  calendarCursor = page.pageInfo.endCursor;
  $("#calendar-more").hidden = !page.pageInfo.hasNextPage;
  $("caption", section).textContent = `${calendar.from} to ${calendar.to}: RED within ` +
    `${calendar.redWithinDays} days, AMBER within ${calendar.amberWithinDays} days, ` +
    `GREEN later.`;
  $(".rag-counts", section).replaceChildren(...["RED", "AMBER", "GREEN"].map((rag) =>
    el("li", { class: `rag-${rag.toLowerCase()}` }, el("span", { class: "rag" }, rag),
      ` ${ragCounts[rag]}`)));
  return `${page.totalCount} event${page.totalCount === 1 ? "" : "s"} as of ${calendar.asOf}.`;
}

// ---------------------------------------------------------------- spend

const SPEND = `query Spend {
  spendSummary(groupBy: [FINANCIAL_YEAR, FUNDING_STREAM]) {
    totals { sum { amount } qualifier count }
    groups {
      key { financialYear fundingStream { name } }
      sum { amount } qualifier wording count
    }
  }
}`;

/** Spend by year and funding stream: the chart and the table behind it. */
async function loadSpend(section, current) {
  const { spendSummary: spend } = await graphql(SPEND);
  if (!current()) return STALE;
  const groups = spend.groups.map((g) => ({
    year: g.key.financialYear || "no year",
    stream: g.key.fundingStream?.name || "No funding stream",
    amount: g.sum.amount,
    value: Number(g.sum.amount),
    text: qualified(pounds(g.sum.amount), g.qualifier, g.wording),
    count: g.count,
  }));

  $("#spend-table tbody").replaceChildren(...groups.map((g) => el("tr", {},
    el("td", {}, g.year), el("td", {}, g.stream),
    el("td", { class: "num" }, g.text), el("td", { class: "num" }, String(g.count)))));

  drawSpendChart(section, groups);
  return `In all: ${qualified(pounds(spend.totals.sum.amount), spend.totals.qualifier)} ` +
    `in ${spend.totals.count} spend line${spend.totals.count === 1 ? "" : "s"}.`;
}

/** The smallest round axis step (1, 2, 2.5 or 5 times a power of ten) at least `raw`. */
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) * power;
}

/** Stacked bars: one per financial year, one segment per funding stream. */
function drawSpendChart(section, groups) {
  const totals = new Map();
  for (const g of groups) totals.set(g.stream, (totals.get(g.stream) || 0) + g.value);
  const ranked = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a));
  const shown = ranked.slice(0, ranked.length > MAX_STREAMS ? MAX_STREAMS - 1 : MAX_STREAMS);
  const colour = (stream) => {
    const i = shown.indexOf(stream);
    return i < 0 ? OTHER_COLOUR : PALETTE[i];
  };
  const years = [...new Set(groups.map((g) => g.year))].sort();
  if (!years.length) {
    $(".chart", section).replaceChildren();
    $(".legend", section).replaceChildren();
    $("figcaption", section).textContent = "No spend recorded.";
    return;
  }
  const yearTotal = (year) => groups.filter((g) => g.year === year).reduce((s, g) => s + g.value, 0);
  const step = niceStep(Math.max(1, ...years.map(yearTotal)) / 4);
  const top = step * Math.ceil(Math.max(1, ...years.map(yearTotal)) / step);

  // Sized for a half-width panel, so labels keep about their font size.
  const width = 480;
  const height = 260;
  const pad = { left: 64, right: 12, top: 14, bottom: 34 };
  const plotH = height - pad.top - pad.bottom;
  const slot = (width - pad.left - pad.right) / Math.max(1, years.length);
  const barW = Math.min(90, slot * 0.6);
  const y = (value) => pad.top + plotH - (value / top) * plotH;

  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": "spend-chart-title spend-chart-desc",
    class: "bars",
  });
  chart.append(
    svg("title", { id: "spend-chart-title" }, "Spend by financial year, stacked by funding stream"),
    svg("desc", { id: "spend-chart-desc" },
      years.map((year) => `${year}: ${shortPounds(yearTotal(year))}`).join("; ")),
  );
  for (let value = 0; value <= top + step / 2; value += step) {
    chart.append(
      svg("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: "grid" }),
      svg("text", { x: pad.left - 8, y: y(value) + 4, class: "tick", "text-anchor": "end" },
        shortPounds(value)),
    );
  }
  years.forEach((year, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    let base = 0;
    for (const g of groups.filter((g) => g.year === year)) {
      chart.append(svg("rect", {
        class: "bar",
        x,
        y: y(base + g.value),
        width: barW,
        height: Math.max(0, y(base) - y(base + g.value)),
        fill: colour(g.stream),
      }, svg("title", {}, `${g.stream}, ${year}: ${g.text}`)));
      base += g.value;
    }
    chart.append(svg("text", { x: x + barW / 2, y: height - pad.bottom + 20, class: "tick",
      "text-anchor": "middle" }, year));
  });

  $(".chart", section).replaceChildren(chart);
  $("figcaption", section).textContent =
    `Spend recorded in ${years.length} financial year${years.length === 1 ? "" : "s"} ` +
    `across ${ranked.length} funding stream${ranked.length === 1 ? "" : "s"}.`;
  const legend = shown.map((stream) => [stream, colour(stream)]);
  if (ranked.length > shown.length) legend.push([`${ranked.length - shown.length} other streams`, OTHER_COLOUR]);
  // Swatches are SVG because the policy forbids inline styles.
  $(".legend", section).replaceChildren(...legend.map(([name, fill]) => el("li", {},
    svg("svg", { width: 12, height: 12, "aria-hidden": "true" },
      svg("rect", { width: 12, height: 12, fill })),
    name)));
}

// ---------------------------------------------------------------- reach

const REACH = `query Reach {
  reachSummary(groupBy: [INDICATOR, FINANCIAL_YEAR]) {
    groups {
      key { indicator { code name unit } financialYear }
      sum qualifier wording additive
    }
  }
  spendSummary(groupBy: [FINANCIAL_YEAR]) { groups { key { financialYear } } }
}`;

const COST_FIELDS = `indicator { code }
  financialYear
  spend { money { amount } qualifier wording }
  outcome { value qualifier wording }
  costPerOutcome { money { amount } qualifier }
  missing`;

/**
 * Reach by indicator and year, then in a second request the cost per person
 * (or what is missing) for every indicator and every year with reach or spend.
 */
async function loadReach(section, current) {
  const data = await graphql(REACH);
  if (!current()) return STALE;
  const indicators = new Map();
  const reached = new Map();
  for (const g of data.reachSummary.groups) {
    // Percentages (satisfaction rates) are not reach: no cost per person.
    if (!g.key.indicator || !g.key.financialYear || g.key.indicator.unit === "PERCENT") continue;
    indicators.set(g.key.indicator.code, g.key.indicator);
    reached.set(`${g.key.indicator.code} ${g.key.financialYear}`, g);
  }
  // Every year with reach or spend, so a year with spend but no reach shows
  // what it lacks too.
  const years = new Set([...reached.values()].map((g) => g.key.financialYear));
  for (const g of data.spendSummary.groups) if (g.key.financialYear) years.add(g.key.financialYear);
  const pairs = [];
  for (const code of indicators.keys()) {
    for (const year of [...years].sort()) pairs.push({ code, year });
  }
  const asked = pairs.slice(0, MAX_COST_PAIRS);
  const tbody = $("tbody", section);
  if (!asked.length) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: "5" }, "No reach figures recorded.")));
    return "";
  }
  const declarations = asked.map((_, i) => `$c${i}: String!, $y${i}: FinancialYear!`).join(", ");
  const fields = asked.map((_, i) =>
    `p${i}: costPerOutcome(indicatorCode: $c${i}, financialYear: $y${i}) { ...Cost }`).join("\n");
  const variables = {};
  asked.forEach((p, i) => { variables[`c${i}`] = p.code; variables[`y${i}`] = p.year; });
  const costs = await graphql(
    `query Costs(${declarations}) {\n${fields}\n}\nfragment Cost on CostPerOutcome { ${COST_FIELDS} }`,
    variables,
  );
  if (!current()) return STALE;

  const rows = [];
  asked.forEach((p, i) => {
    const cost = costs[`p${i}`];
    const reach = reached.get(`${p.code} ${p.year}`);
    if (!cost || (!cost.spend && !cost.outcome)) return;
    const indicator = indicators.get(p.code);
    const outcome = cost.outcome
      || (reach?.additive && { value: reach.sum, qualifier: reach.qualifier, wording: reach.wording });
    const unit = UNIT_WORDS[indicator.unit] || "";
    const perPerson = cost.costPerOutcome
      ? qualified(pounds(cost.costPerOutcome.money.amount), cost.costPerOutcome.qualifier)
      : `none: ${cost.missing.map((m) => MISSING_LABELS[m] || m).join(", ")}`;
    rows.push(el("tr", { "data-indicator": p.code, "data-year": p.year },
      el("th", { scope: "row" }, indicator.name),
      el("td", {}, p.year),
      el("td", { class: "num" }, outcome
        ? qualified(groupDigits(outcome.value) + unit, outcome.qualifier, outcome.wording)
        : "—"),
      el("td", { class: "num" }, cost.spend ? qualified(pounds(cost.spend.money.amount), cost.spend.qualifier, cost.spend.wording) : "—"),
      el("td", { class: cost.costPerOutcome ? "num" : "num missing" }, perPerson)));
  });
  tbody.replaceChildren(...rows);
  return pairs.length > asked.length
    ? `Showing the first ${asked.length} of ${pairs.length} indicator-years.`
    : "";
}

// ---------------------------------------------------------------- rounds

const ROUNDS = `query Rounds {
  grantProgrammes(first: 20) {
    nodes {
      name
      rounds {
        number name closesOn awardedOn
        reportedAwardsCount reportedAwardedTotal { amount }
        summary {
          pot { money { amount } qualifier wording }
          awardedTotal { amount }
          awardsCount
          remaining { money { amount } qualifier }
          applicationsReceived { value qualifier wording }
          oversubscription { percentage qualifier }
          successRate { percentage qualifier }
        }
      }
    }
  }
}`;

/** Every grant round's summary, programme by programme. */
async function loadRounds(section, current) {
  const { grantProgrammes } = await graphql(ROUNDS);
  if (!current()) return STALE;
  const money = (r) => (r ? qualified(pounds(r.money.amount), r.qualifier, r.wording) : "—");
  const ratio = (r) => (r ? qualified(`${groupDigits(r.percentage, 1)}%`, r.qualifier) : "—");
  const rows = [];
  for (const programme of grantProgrammes.nodes) {
    for (const round of programme.rounds) {
      const s = round.summary;
      // Without awards recorded one by one, the report's own totals stand in.
      const reported = s.awardsCount === 0 && round.reportedAwardedTotal;
      const dates = [round.closesOn && `closes ${round.closesOn}`,
        round.awardedOn && `awarded ${round.awardedOn}`].filter(Boolean).join(", ");
      rows.push(el("tr", { "data-round": `${programme.name} ${round.number}` },
        el("td", {}, programme.name),
        el("th", { scope: "row" }, round.name),
        el("td", { class: "date" }, dates || "—"),
        el("td", { class: "num" }, money(s.pot)),
        el("td", { class: "num" }, reported
          ? `${pounds(round.reportedAwardedTotal.amount)} (reported)`
          : pounds(s.awardedTotal.amount)),
        el("td", { class: "num" }, reported && round.reportedAwardsCount !== null
          ? `${round.reportedAwardsCount} (reported)`
          : String(s.awardsCount)),
        el("td", { class: "num" }, money(s.remaining)),
        el("td", { class: "num" }, s.applicationsReceived
          ? qualified(String(s.applicationsReceived.value), s.applicationsReceived.qualifier,
            s.applicationsReceived.wording)
          : "—"),
        el("td", { class: "num" }, ratio(s.oversubscription)),
        el("td", { class: "num" }, ratio(s.successRate))));
    }
  }
  $("tbody", section).replaceChildren(...(rows.length ? rows
    : [el("tr", {}, el("td", { colspan: "10" }, "No grant rounds recorded."))]));
  return "";
}

// ---------------------------------------------------------------- API key

/** Shows the key form, saying why (no key, or a refused one). */
function askForKey(message) {
  $("#key-form").hidden = false;
  $("#key-state").hidden = true;
  const notice = $("#key-message");
  notice.hidden = false;
  notice.textContent = savedKey()
    ? `The saved API key was refused (${message}). Paste another.`
    : "This server needs an API key to read: paste one (any role) above.";
}

function showKeyState() {
  $("#key-state").hidden = !savedKey();
}

/** Saves the typed key (for this tab, or this device if asked) and reloads. */
function useKey(event) {
  event.preventDefault();
  const key = $("#api-key").value.trim();
  if (!key) return;
  forgetKey();
  ($("#remember-key").checked ? localStorage : sessionStorage).setItem(KEY_NAME, key);
  $("#api-key").value = "";
  $("#key-form").hidden = true;
  $("#key-message").hidden = true;
  showKeyState();
  loadAll();
}

function forgetKey() {
  sessionStorage.removeItem(KEY_NAME);
  localStorage.removeItem(KEY_NAME);
  showKeyState();
}

// ---------------------------------------------------------------- start

/** Today in Europe/London as YYYY-MM-DD, the API's default "as of". */
function londonToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());
}

function showCalendar() {
  const asOf = $("#as-of").value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) return;
  const url = new URL(location.href);
  url.searchParams.set("asOf", asOf);
  url.searchParams.set("withinDays", $("#within").value);
  history.replaceState(null, "", url);
  panel("calendar", (section, current) => loadCalendar(section, current));
}

function loadAll() {
  showCalendar();
  panel("spend", loadSpend);
  panel("reach", loadReach);
  panel("rounds", loadRounds);
}

document.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(location.search);
  $("#as-of").value = params.get("asOf") || londonToday();
  if ([...$("#within").options].some((o) => o.value === params.get("withinDays"))) {
    $("#within").value = params.get("withinDays");
  }
  $("#as-of-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showCalendar();
  });
  $("#as-of").addEventListener("change", showCalendar);
  $("#within").addEventListener("change", showCalendar);
  $("#calendar-more").addEventListener("click", () =>
    panel("calendar", (section, current) => loadCalendar(section, current, true)));
  $("#key-form").addEventListener("submit", useKey);
  $("#forget-key").addEventListener("click", forgetKey);
  showKeyState();
  loadAll();
});
