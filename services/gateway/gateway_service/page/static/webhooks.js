// The settings screen's webhooks section: the selected service's trigger-event endpoints
// (/api/v1/owner/webhooks). Adding one shows its signing secret once; each endpoint's
// delivery log (recent attempts: status, time, outcome) and dead letters are a click away.

import { api, el, seg } from "./common.js";
import { $, fieldProblems, when } from "./screens.js";

const EVENTS = [
  ["session.started", "Session started"],
  ["task.offered", "Offered to an agent"],
  ["task.accepted", "Accepted by an agent"],
  ["session.transferred", "Transferred"],
  ["session.ended", "Session ended"],
  ["acw.saved", "After-call work saved"],
  ["reporting.record_written", "Reporting record written"],
];
let service = null;

export async function showWebhooks(serviceId) {
  service = serviceId;
  $("webhook-secret").classList.add("hidden");
  $("webhook-secret-value").value = "";
  $("webhook-log").classList.add("hidden");
  $("webhooks").classList.remove("hidden");
  await refresh();
}

function problem(text) {
  $("webhooks-problem").textContent = text;
}

async function refresh() {
  let endpoints;
  try {
    endpoints = (await api("/owner/webhooks")).filter((e) => e.service_id === service);
  } catch (error) {
    problem(error.message);
    return;
  }
  $("webhook-rows").replaceChildren(...endpoints.map(row));
  if (!endpoints.length) {
    $("webhook-rows").replaceChildren(
      el("tr", {}, el("td", { colspan: 6, text: "No endpoint yet." })),
    );
  }
}

function row(e) {
  const labels = EVENTS.filter(([type]) => e.event_types.includes(type)).map(([, l]) => l);
  const state = e.enabled ? "enabled" : `disabled: ${e.disabled_reason ?? ""}`;
  const action = (text, label, onclick) =>
    el("button", { type: "button", text, "aria-label": `${label} for ${e.url}`, onclick });
  return el(
    "tr",
    {},
    el("td", { text: e.url }),
    el("td", { text: labels.join(", ") + (e.include_caller ? " (with caller details)" : "") }),
    el("td", { text: state }),
    el("td", { text: String(e.pending) }),
    el("td", { text: String(e.dead_letters) }),
    el(
      "td",
      {},
      action("Delivery log", "Delivery log", () => showLog(e)),
      action("Redeliver", "Redeliver dead letters", () => redeliver(e)),
      action("Remove", "Remove endpoint", () => remove(e)),
    ),
  );
}

async function showLog(e) {
  try {
    const attempts = await api(`/owner/webhooks/${seg(e.endpoint_id)}/deliveries?limit=100`);
    $("webhook-log-title").textContent = `Delivery log of ${e.url}`;
    $("webhook-log-rows").replaceChildren(
      ...attempts.map((a) =>
        el(
          "tr",
          {},
          el("td", { text: when(new Date(a.at * 1000).toISOString()) }),
          el("td", { text: a.event_type }),
          el("td", { text: String(a.attempt) }),
          el("td", { text: a.status_code !== null ? String(a.status_code) : a.error }),
          el("td", { text: String(a.duration_ms) }),
          el("td", { text: a.outcome }),
        ),
      ),
    );
    if (!attempts.length) {
      $("webhook-log-rows").replaceChildren(
        el("tr", {}, el("td", { colspan: 6, text: "No attempt yet." })),
      );
    }
    $("webhook-log").classList.remove("hidden");
  } catch (error) {
    problem(error.message);
  }
}

async function redeliver(e) {
  try {
    const { queued } = await api(`/owner/webhooks/${seg(e.endpoint_id)}/redeliver`, {
      method: "POST",
      body: {},
    });
    problem("");
    $("status").textContent = `${queued} dead letter(s) queued again.`;
    await refresh();
  } catch (error) {
    problem(error.message);
  }
}

async function remove(e) {
  try {
    await api(`/owner/webhooks/${seg(e.endpoint_id)}`, { method: "DELETE" });
    $("webhook-log").classList.add("hidden");
    await refresh();
  } catch (error) {
    problem(error.message);
  }
}

async function add(event) {
  event.preventDefault();
  problem("");
  const url = $("webhook-url");
  url.removeAttribute("aria-invalid");
  const types = EVENTS.map(([type]) => type).filter((t) => $(`webhook-event-${t}`).checked);
  try {
    const created = await api("/owner/webhooks", {
      method: "POST",
      body: {
        service_id: service,
        url: url.value.trim(),
        event_types: types,
        include_caller: $("webhook-caller").checked,
      },
    });
    $("webhook-secret-value").value = created.secret;
    $("webhook-secret").classList.remove("hidden");
    $("webhook-secret-value").focus();
    $("webhook-secret-value").select();
    url.value = "";
    await refresh();
  } catch (error) {
    const problems = fieldProblems(error);
    if (problems.has("url")) {
      url.setAttribute("aria-invalid", "true");
      problem(`The URL was refused: ${problems.get("url")}`);
    } else if (problems.has("event_types")) problem("Choose at least one event.");
    else problem(error.message);
  }
}

$("webhook-events").replaceChildren(
  ...EVENTS.map(([type, label]) =>
    el(
      "div",
      { class: "check" },
      el("input", { type: "checkbox", id: `webhook-event-${type}`, checked: true }),
      el("label", { for: `webhook-event-${type}`, text: label }),
    ),
  ),
);
$("webhook-form").addEventListener("submit", add);
$("webhook-secret-done").addEventListener("click", () => {
  $("webhook-secret-value").value = "";
  $("webhook-secret").classList.add("hidden");
});
