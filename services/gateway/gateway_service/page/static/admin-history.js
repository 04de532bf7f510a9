// The tenant admin's historical sessions (GET /api/v1/admin/history): every concluded
// session of the tenant, filtered, paged by the server's cursor, with the stored context
// where the service kept one ("Not Available" otherwise), and the CSV export of the current
// filter (GET /api/v1/admin/history.csv, fetched with the token: a plain link carries none).

import { accessToken, API, api, el } from "./common.js";
import { $, fieldProblems, when } from "./screens.js";

const PAGE = 50;
const NOT_AVAILABLE = "Not Available";
let nextCursor = null;
let filter = new URLSearchParams();

function dayAfter(date) {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString();
}

function readFilter() {
  const params = new URLSearchParams();
  const text = { q: "h-q", service_id: "h-service", user_id: "h-agent", outcome: "h-outcome" };
  for (const [name, id] of Object.entries(text)) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  // Dates are whole UTC days: "until" includes its day, so the bound is the next midnight.
  if ($("h-from").value) params.set("ended_from", `${$("h-from").value}T00:00:00Z`);
  if ($("h-to").value) params.set("ended_before", dayAfter($("h-to").value));
  return params;
}

function seconds(value) {
  if (value === null || value === undefined) return "–";
  const s = Math.round(value);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function durations(item) {
  return `Queue ${seconds(item.queue_s)}, talk ${seconds(item.talk_s)}, hold ${seconds(item.hold_s)}, wrap-up ${seconds(item.acw_s)}`;
}

function codes(item) {
  const parts = [item.primary_code, item.secondary_code, ...item.tags].filter(Boolean);
  return parts.length ? parts.join(", ") : "–";
}

function caller(context) {
  if (!context) return NOT_AVAILABLE;
  const name = context.caller_name ?? "Anonymous";
  return context.caller_address ? `${name} (${context.caller_address})` : name;
}

function parameters(context) {
  if (!context) return NOT_AVAILABLE;
  const pairs = Object.entries(context.parameters);
  return pairs.length ? pairs.map(([k, v]) => `${k}: ${v}`).join(", ") : "–";
}

function expiry(context) {
  if (!context) return el("td", { text: NOT_AVAILABLE });
  return el("td", {}, el("time", { datetime: context.expires_at, text: when(context.expires_at) }));
}

function row(item) {
  return el(
    "tr",
    {},
    el("td", { text: item.session_id }),
    el("td", { text: item.outcome_name }),
    el("td", { text: item.service_name ?? item.service_id ?? "–" }),
    el("td", { text: item.user_id ?? "–" }),
    el("td", {}, el("time", { datetime: item.started_at, text: when(item.started_at) })),
    el("td", { text: durations(item) }),
    el("td", { text: codes(item) }),
    el("td", { text: caller(item.context) }),
    el("td", { text: parameters(item.context) }),
    expiry(item.context),
  );
}

function showProblem(error) {
  const problems = fieldProblems(error);
  $("history-problem").textContent = problems.size
    ? [...problems].map(([loc, message]) => `${loc}: ${message}`).join("; ")
    : error.message;
}

async function load(fresh) {
  const params = new URLSearchParams(filter);
  params.set("limit", String(PAGE));
  if (!fresh && nextCursor) params.set("cursor", nextCursor);
  $("history-problem").textContent = "";
  try {
    const page = await api(`/admin/history?${params}`);
    const rows = page.items.map(row);
    if (fresh) $("history-rows").replaceChildren(...rows);
    else $("history-rows").append(...rows);
    if (fresh && !rows.length) {
      const none = el("td", { colspan: 10, text: "No concluded sessions match." });
      $("history-rows").replaceChildren(el("tr", {}, none));
    }
    nextCursor = page.next_cursor;
    $("history-more").classList.toggle("hidden", !nextCursor);
  } catch (error) {
    showProblem(error);
  }
}

async function exportCsv() {
  $("history-problem").textContent = "";
  const answer = await fetch(`${API}/admin/history.csv?${filter}`, {
    headers: { Authorization: `Bearer ${(await accessToken()) ?? ""}` },
    cache: "no-store",
  });
  if (!answer.ok) {
    $("history-problem").textContent = `The export failed (${answer.status}).`;
    return;
  }
  const link = el("a", {
    href: URL.createObjectURL(await answer.blob()),
    download: "historical-sessions.csv",
  });
  link.click();
  URL.revokeObjectURL(link.href);
}

export function startHistory() {
  $("history-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    filter = readFilter();
    nextCursor = null;
    load(true);
  });
  $("history-more").addEventListener("click", () => load(false));
  $("h-export").addEventListener("click", exportCsv);
  return load(true);
}
