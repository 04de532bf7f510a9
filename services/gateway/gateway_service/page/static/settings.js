// The service owner's screen: the owned services' settings (GET/PUT /api/v1/owner/services),
// with the tenant's catalog items to enable (settings-catalogs.js),
// edited as a form. The API's 422 problems are shown next to the field they name; switching
// "store conversation context" on shows the plain warning first and needs its confirmation.

import { api, el, seg } from "./common.js";
import { $, fieldProblems, say, signedInAs, when } from "./screens.js";
import { enabledItems, loadCatalog, renderEnabled } from "./settings-catalogs.js";
import { showWebhooks } from "./webhooks.js";

const WIDGETS = [
  ["codes_and_tags", "Codes and tags (after-call work)"],
  ["session_details", "Session details"],
  ["caller_information", "Caller information"],
  ["map", "Map of the caller's address"],
  ["context_links", "Context links"],
  ["embedded_context", "Embedded context"],
  ["transcription", "Transcription and live captions"],
  ["email", "E-mail preview"],
  ["chat", "Open-chat button"],
];
const SYSTEM_FIELDS = [
  ["session_id", "Session id"],
  ["service_id", "Service id"],
  ["service_name", "Service name"],
  ["service_upn", "Service UPN"],
  ["caller", "Caller number or UPN"],
  ["modality", "Modality"],
  ["started_at", "Started at"],
];
let me = null;
let services = [];
let current = null; // the selected service's settings as stored
let warning = "";
let rows = { primary_codes: [], secondary_codes: [], context_links: [], parameters: [] };

async function start() {
  me = await signedInAs(
    "service_owner",
    "This screen is for service owners; your sign-in has no service owner role.",
  );
  if (!me) return;
  let list, note;
  try {
    [list, note] = await Promise.all([
      api("/owner/services"),
      api("/owner/store-context-warning"),
      loadCatalog(),
    ]);
  } catch (error) {
    say(error.message);
    return;
  }
  services = list;
  warning = note.warning;
  $("store-warning-text").textContent = warning;
  buildStaticChecks();
  renderServiceList();
  if (services.length) select(services[0].service_id);
  else say("Your sign-in owns no service.");
}

function buildStaticChecks() {
  $("widgets").replaceChildren(
    ...WIDGETS.map(([name, label]) => checkbox(`widget-${name}`, label, `widgets.${name}`)),
  );
  $("system_fields").replaceChildren(
    ...SYSTEM_FIELDS.map(([name, label]) => checkbox(`system-${name}`, label)),
  );
}

function checkbox(id, label, loc) {
  return el(
    "div",
    { class: "check" },
    el("input", { type: "checkbox", id, "data-loc": loc }),
    el("label", { for: id, text: label }),
  );
}

function renderServiceList() {
  $("services").replaceChildren(
    ...services.map((s) =>
      el(
        "li",
        {},
        el("button", {
          type: "button",
          class: "link",
          "aria-current": current?.service_id === s.service_id ? "true" : null,
          text: `${s.service_name} (${s.service_id})`,
          onclick: () => select(s.service_id),
        }),
      ),
    ),
  );
}

async function select(serviceId) {
  try {
    current = await api(`/owner/services/${seg(serviceId)}`);
  } catch (error) {
    say(error.message);
    return;
  }
  fill(current);
  renderServiceList();
  $("history").classList.add("hidden");
  $("form").classList.remove("hidden");
  say("");
  showWebhooks(serviceId);
}

function fill(s) {
  clearProblems();
  $("form-title").textContent = `${s.service_name} (${s.service_id}), version ${s.version}`;
  $("service_name").value = s.service_name;
  for (const [name] of WIDGETS) $(`widget-${name}`).checked = Boolean(s.widgets[name]);
  rows = {
    primary_codes: s.primary_codes.map((c) => ({ ...c })),
    secondary_codes: s.secondary_codes.map((c) => ({ ...c })),
    context_links: s.context_links.map((l) => ({ ...l })),
    parameters: s.session_details_fields.parameters.map((name) => ({
      name,
      label: (s.session_details_fields.parameter_labels ?? []).find((l) => l.name === name)?.label,
    })),
  };
  renderRows();
  renderEnabled(s);
  $("acw_window_m").value = String(Math.round(s.acw_window_s / 60));
  $("embedded_context_url").value = s.embedded_context_url ?? "";
  $("map_url_template").value = s.map_url_template;
  for (const [name] of SYSTEM_FIELDS)
    $(`system-${name}`).checked = s.session_details_fields.system.includes(name);
  $("store_context").checked = s.store_context;
  $("confirm_store_context").checked = false;
  $("store-note").textContent = s.store_context
    ? `On since ${when(s.store_context_enabled_at)}: sessions leaving the service are kept 30 days.`
    : "Off: nothing about concluded sessions is kept.";
  showWarning();
}

// The warning appears when the switch goes from off (as stored) to on, before any save.
function showWarning() {
  const switchingOn = $("store_context").checked && !current?.store_context;
  $("store-warning").classList.toggle("hidden", !switchingOn);
  if (!switchingOn) $("confirm_store_context").checked = false;
}

const ROW_KINDS = {
  primary_codes: [["id", "Code id"], ["label", "Label"]],
  secondary_codes: [["id", "Code id"], ["label", "Label"]],
  context_links: [["name", "Link name"], ["url_template", "URL template"]],
  parameters: [["name", "Parameter name"], ["label", "Label agents see"]],
};
const ROW_LOC = {
  primary_codes: "primary_codes",
  secondary_codes: "secondary_codes",
  context_links: "context_links",
  parameters: "session_details_fields.parameters",
};
const MAX_LENGTH = { id: 128, label: 64, name: 64, url_template: 2048 };

function readRows() {
  for (const kind of Object.keys(rows)) {
    rows[kind] = rows[kind].map((row, i) => {
      const read = {};
      for (const [field] of ROW_KINDS[kind]) read[field] = $(`${kind}-${i}-${field}`).value;
      return read;
    });
  }
}

function renderRows() {
  for (const kind of Object.keys(rows)) {
    $(kind).replaceChildren(
      ...rows[kind].map((row, i) => {
        const loc = `${ROW_LOC[kind]}.${i}`;
        const cells = ROW_KINDS[kind].map(([field, label]) => {
          const id = `${kind}-${i}-${field}`;
          return el(
            "span",
            { class: "cell" },
            el("label", { for: id, text: `${label} ${i + 1}` }),
            el("input", {
              id,
              value: row[field] ?? "",
              maxlength: MAX_LENGTH[field],
              // A parameter's name is the list's entry itself; its label goes to
              // parameter_labels (see body()), whose problems show at the form's top.
              "data-loc": kind === "parameters" && field === "name" ? loc : `${loc}.${field}`,
            }),
          );
        });
        const remove = el("button", {
          type: "button",
          text: "Remove",
          "aria-label": `Remove row ${i + 1}`,
          onclick: () => {
            readRows();
            rows[kind].splice(i, 1);
            renderRows();
          },
        });
        return el("div", { class: "row", "data-loc": loc }, ...cells, remove);
      }),
    );
  }
}

function addRow(kind) {
  readRows();
  const blank = Object.fromEntries(ROW_KINDS[kind].map(([field]) => [field, ""]));
  rows[kind].push(blank);
  renderRows();
  $(`${kind}-${rows[kind].length - 1}-${ROW_KINDS[kind][0][0]}`).focus();
}

function body() {
  readRows();
  const widgets = Object.fromEntries(WIDGETS.map(([name]) => [name, $(`widget-${name}`).checked]));
  const minutes = Number($("acw_window_m").value);
  return {
    tenant_id: me.tenant_id,
    service_id: current.service_id,
    service_name: $("service_name").value.trim(),
    widgets,
    primary_codes: rows.primary_codes,
    secondary_codes: rows.secondary_codes,
    acw_window_s: Number.isFinite(minutes) ? Math.round(minutes * 60) : 0,
    context_links: rows.context_links,
    embedded_context_url: $("embedded_context_url").value.trim() || null,
    map_url_template: $("map_url_template").value.trim(),
    session_details_fields: {
      system: SYSTEM_FIELDS.map(([name]) => name).filter((n) => $(`system-${n}`).checked),
      parameters: rows.parameters.map((row) => row.name),
      // Only the rows given a label: an empty one means "show the name".
      parameter_labels: rows.parameters
        .filter((row) => row.label.trim())
        .map((row) => ({ name: row.name, label: row.label.trim() })),
    },
    ...enabledItems(),
    store_context: $("store_context").checked,
    confirm_store_context: $("confirm_store_context").checked,
  };
}

function clearProblems() {
  $("form-problem").textContent = "";
  for (const node of document.querySelectorAll(".field-error")) node.remove();
  for (const node of document.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-errormessage");
  }
}

// Each problem goes next to the element its location names, or its nearest named parent.
function showProblems(problems) {
  let n = 0;
  const unplaced = [];
  for (const [loc, message] of problems) {
    let parts = loc.split(".");
    let target = null;
    while (parts.length && !target) {
      target = document.querySelector(`[data-loc="${CSS.escape(parts.join("."))}"]`);
      if (!target) parts = parts.slice(0, -1);
    }
    if (!target) {
      unplaced.push(`${loc || "request"}: ${message}`);
      continue;
    }
    const id = `problem-${n++}`;
    const note = el("p", { id, class: "error field-error", text: message });
    if (target.tagName === "FIELDSET") target.querySelector("legend").after(note);
    else if (target.closest(".check")) target.closest(".check").after(note);
    else target.after(note);
    if (["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) {
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-errormessage", id);
    }
  }
  $("form-problem").textContent = problems.size
    ? `Not saved: ${problems.size} problem(s), shown next to the fields. ${unplaced.join(" ")}`
    : "";
  document.querySelector("[aria-invalid]")?.focus();
}

async function save(event) {
  event.preventDefault();
  clearProblems();
  const sending = body();
  if (sending.store_context && !current.store_context && !sending.confirm_store_context) {
    showWarning();
    showProblems(new Map([["confirm_store_context", "Confirm that you have read this first."]]));
    return;
  }
  $("save").disabled = true;
  try {
    const saved = await api(`/owner/services/${seg(current.service_id)}`, {
      method: "PUT",
      body: sending,
    });
    const changed = saved.version !== current.version;
    current = saved;
    services = services.map((s) => (s.service_id === saved.service_id ? saved : s));
    fill(saved);
    renderServiceList();
    say(changed ? `Saved as version ${saved.version}.` : "Nothing changed; nothing saved.");
  } catch (error) {
    const problems = fieldProblems(error);
    if (problems.size) showProblems(problems);
    else $("form-problem").textContent = error.message;
  } finally {
    $("save").disabled = false;
  }
}

async function showHistory() {
  try {
    const versions = await api(`/owner/services/${seg(current.service_id)}/history?limit=50`);
    $("history-rows").replaceChildren(
      ...versions.map((v) =>
        el(
          "tr",
          {},
          el("td", { text: String(v.version) }),
          el("td", { text: when(v.updated_at) }),
          el("td", { text: v.store_context ? "yes" : "no" }),
          el("td", {
            text: WIDGETS.filter(([n]) => v.widgets[n]).map(([, l]) => l).join(", ") || "none",
          }),
        ),
      ),
    );
    if (!versions.length) {
      $("history-rows").replaceChildren(el("tr", {}, el("td", { colspan: 4, text: "Never saved." })));
    }
    $("history").classList.remove("hidden");
  } catch (error) {
    say(error.message);
  }
}

$("form").addEventListener("submit", save);
$("store_context").addEventListener("change", showWarning);
$("add-primary").addEventListener("click", () => addRow("primary_codes"));
$("add-secondary").addEventListener("click", () => addRow("secondary_codes"));
$("add-link").addEventListener("click", () => addRow("context_links"));
$("add-parameter").addEventListener("click", () => addRow("parameters"));
$("show-history").addEventListener("click", showHistory);
start();
