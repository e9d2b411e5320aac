// Drives the dashboard at BASE_URL in Debian's headless Chromium and checks
// what a person would see on the demo data; saves a screenshot.
//
//   node tests/browser/dashboard.mjs BASE_URL SCREENSHOT_PATH
//
// With COMMTRACK_API_KEY set, the server is expected to refuse reads without
// a key: the page must ask for one, and the key is typed into its form.
// Any request to another origin fails the run (the page must work offline).
// Exits 0 when every check passes; prints the failure and exits 1 otherwise.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error("usage: node dashboard.mjs BASE_URL SCREENSHOT_PATH");
  process.exit(2);
}
const origin = new URL(base).origin;
const apiKey = process.env.COMMTRACK_API_KEY || "";
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

// The whole run is bounded, whatever hangs.
setTimeout(() => {
  console.error("dashboard check timed out after 90 s");
  process.exit(1);
}, 90_000).unref();

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const profile = mkdtempSync(join(tmpdir(), "commtrack-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  // Without these Chromium reaches out to Google services and, on a closed
  // network, stalls or logs errors.
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

const outside = [];
const problems = [];
const graphqlRequests = [];
let failed = false;
/** Index of the first GraphQL request made after the key was typed in. */
let keyFrom = 0;
try {
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith("data:")) return route.continue();
    outside.push(url);
    return route.abort("blockedbyclient");
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/graphql") {
      graphqlRequests.push({ auth: request.headers().authorization || "" });
    }
  });

  const response = await page.goto(`${base}/`, { waitUntil: "load" });
  check(response.status() === 200, `GET / answered ${response.status()}`);
  const csp = response.headers()["content-security-policy"] || "";
  check(csp.includes("script-src 'self'"), `no script policy on the page: ${csp}`);
  check((await page.title()) === "commtrack dashboard", `title is ${await page.title()}`);

  if (apiKey) {
    // A closed server: every panel fails with UNAUTHENTICATED and the page asks.
    await page.locator("#key-form").waitFor({ state: "visible", timeout: 15_000 });
    const notice = await page.locator("#key-message").innerText();
    check(/API key/.test(notice), `the key notice says: ${notice}`);
    keyFrom = graphqlRequests.length;
    await page.fill("#api-key", apiKey);
    await page.click("#key-form button[type=submit]");
    await page.locator("#key-state").waitFor({ state: "visible" });
    // The key is dropped from problems' view: the refusals before it were expected.
    problems.length = 0;
  }

  // The as-of picker re-reads the calendar.
  await page.fill("#as-of", "2026-11-23");
  await page.click("#as-of-form button[type=submit]");
  const sarc = page.locator(
    'tr[data-kind="EXTENSION_DECISION_DUE"][data-contract="WYCA-SARC-2023"]',
  );
  await sarc.waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector("#calendar").dataset.state === "ready");
  const cells = await sarc.locator("td").allInnerTexts();
  check(cells[0] === "2026-12-31", `SARC decision due ${cells[0]}, expected 2026-12-31`);
  check(cells[1] === "38", `SARC decision in ${cells[1]} days, expected 38`);
  check(cells[2] === "RED", `SARC decision is ${cells[2]}, expected RED`);
  check(cells[5] === "2027-03-31", `if we do nothing the SARC ends ${cells[5]}`);
  check(cells[6] === "2030-03-31", `with every option the SARC ends ${cells[6]}`);
  check(await sarc.evaluate((row) => row.classList.contains("rag-red")), "SARC row is not red");
  check(new URL(page.url()).searchParams.get("asOf") === "2026-11-23", "as-of not in the URL");
  const rows = await page.locator("#calendar-table tbody tr").count();
  check(rows >= 4, `${rows} calendar rows as of 2026-11-23, expected at least 4`);

  // The spend chart: one bar segment per group, each with a height.
  await page.waitForFunction(() => document.querySelector("#spend").dataset.state === "ready");
  const bars = page.locator("#spend-chart svg.bars rect.bar");
  const barCount = await bars.count();
  const groupCount = await page.locator("#spend-table tbody tr").count();
  check(barCount > 0, "the spend chart has no bars");
  check(barCount === groupCount, `${barCount} bars for ${groupCount} spend groups`);
  for (const height of await bars.evaluateAll((rects) => rects.map((r) => r.getBBox().height))) {
    check(height > 0, "a spend bar has no height");
  }
  const label = await page.locator("#spend-chart svg.bars").getAttribute("aria-labelledby");
  check(Boolean(label), "the chart has no accessible name");

  // Reach and cost per person; grant rounds.
  await page.waitForFunction(() => ["reach", "rounds"]
    .every((id) => document.getElementById(id).dataset.state === "ready"));
  const reach = await page.locator("#reach-table tbody").innerText();
  check(/30,000/.test(reach), `the VRP's reach is not shown: ${reach}`);
  check(/no spend recorded/.test(reach), `the missing side of cost per person is not named: ${reach}`);
  const rounds = await page.locator("#rounds-table tbody tr").count();
  check(rounds >= 1, "no grant round shown");

  if (apiKey) {
    const after = graphqlRequests.slice(keyFrom);
    const keyed = after.filter((r) => r.auth === `Bearer ${apiKey}`).length;
    check(after.length >= 5 && keyed === after.length,
      `${keyed} of the ${after.length} GraphQL requests after the key was given carried it`);
  }

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });

  check(outside.length === 0, `the page asked for outside URLs: ${outside.join(", ")}`);
  check(problems.length === 0, problems.join("\n"));
  console.log(`dashboard ok: ${rows} calendar rows, ${barCount} bars, ${rounds} rounds; ` +
    `screenshot ${screenshot}`);
} catch (error) {
  failed = true;
  console.error(`dashboard check failed: ${error.message}`);
  if (outside.length) console.error(`outside requests: ${outside.join(", ")}`);
  if (problems.length) console.error(problems.join("\n"));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
