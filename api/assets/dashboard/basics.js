// The dashboard's basics, shared by its panels (dashboard.js, loaded after
// this file): the GraphQL client, exact formatting of the API's decimal
// strings, DOM and SVG builders, and the runner that shows each panel's
// progress. Money arrives as decimal strings; it is formatted as text so no
// penny is lost, and turned into numbers only to scale the chart.
"use strict";

const ENDPOINT = "/graphql";
const KEY_NAME = "commtrack.apiKey";

const $ = (selector, root = document) => root.querySelector(selector);

// ---------------------------------------------------------------- the API

class AuthError extends Error {}

/** The saved API key: this tab's, else this device's. */
function savedKey() {
  return sessionStorage.getItem(KEY_NAME) || localStorage.getItem(KEY_NAME) || "";
}

/** POSTs one GraphQL request; resolves to its `data` or throws its errors. */
async function graphql(query, variables = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const key = savedKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
    credentials: "same-origin",
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the server answered HTTP ${response.status} ${response.statusText}`);
  }
  const errors = body.errors || [];
  if (response.status === 401 || errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
    throw new AuthError(errors[0]?.message || "an API key is needed");
  }
  if (errors.length) {
    throw new Error(errors
      .map((e) => e.message + (e.extensions?.requestId ? ` (request ${e.extensions.requestId})` : ""))
      .join("; "));
  }
  return body.data;
}

// ---------------------------------------------------------------- formatting

/**
 * Groups the thousands of a decimal string, exactly: "1234567.8" → "1,234,567.8",
 * or "1,234,567.80" with `places` 2 (only ever padding: the API already rounds).
 */
function groupDigits(decimal, places = 0) {
  const negative = decimal.startsWith("-");
  const [whole, fraction = ""] = decimal.replace("-", "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const digits = fraction.padEnd(places, "0");
  return (negative ? "-" : "") + grouped + (digits ? `.${digits}` : "");
}

const pounds = (amount) => "£" + groupDigits(amount, 2);

/** A reported figure keeps the report's own words ("just over 30,000"). */
function qualified(text, qualifier, wording) {
  if (wording) return `${text} (${wording})`;
  const mark = { APPROXIMATE: "about ", AT_LEAST: "at least ", AT_MOST: "at most " }[qualifier];
  return (mark || "") + text;
}

/** £ axis labels: £950, £12k, £2.3m. */
function shortPounds(value) {
  if (value >= 1e6) return `£${+(value / 1e6).toFixed(1)}m`;
  if (value >= 1e3) return `£${+(value / 1e3).toFixed(1)}k`;
  return `£${Math.round(value)}`;
}
// ---------------------------------------------------------------- DOM helpers

/** An element with attributes and children (strings become text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** What a load returns when a newer load of the same panel has started. */
const STALE = Symbol("stale");
const generations = {};

/**
 * Runs `load` for a panel, showing progress and failures in its status line;
 * `load` gets the section and a function telling whether it is still current.
 */
async function panel(id, load) {
  const section = document.getElementById(id);
  const status = $(".status", section);
  const generation = (generations[id] || 0) + 1;
  generations[id] = generation;
  const current = () => generations[id] === generation;
  status.textContent = "Loading…";
  section.setAttribute("aria-busy", "true");
  section.dataset.state = "loading";
  try {
    const result = await load(section, current);
    if (result === STALE) return;
    status.textContent = result || "";
    section.dataset.state = "ready";
  } catch (error) {
    if (!current()) return;
    section.dataset.state = "failed";
    status.textContent = error instanceof AuthError
      ? "Not shown: the server needs an API key."
      : `Could not load: ${error.message}`;
    if (error instanceof AuthError) askForKey(error.message);
  } finally {
    if (current()) section.removeAttribute("aria-busy");
  }
}
