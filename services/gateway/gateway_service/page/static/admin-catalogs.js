// The tenant admin's catalogs: code sets and conversation contexts defined once for the
// tenant (GET /api/v1/admin/catalogs, PUT and DELETE /api/v1/admin/code-sets/{id} and
// /api/v1/admin/conversation-contexts/{id}); service owners enable them per service on
// /settings. Each list shows which services use an item; removing one in use is refused by
// the server (409 naming them), and that answer is shown as it comes.

import { api, el, seg } from "./common.js";
import { $, fieldProblems, say } from "./screens.js";

const KINDS = {
  code_sets: {
    path: "code-sets",
    prefix: "cs",
    noun: "code set",
    rows: {
      primary_codes: [["id", "Code id"], ["label", "Label"]],
      secondary_codes: [["id", "Code id"], ["label", "Label"]],
    },
    summary: (item) =>
      `${item.primary_codes.map((c) => c.label).join(", ") || "no primary codes"}; ` +
      `${item.secondary_codes.map((c) => c.label).join(", ") || "no secondary codes"}`,
  },
  conversation_contexts: {
    path: "conversation-contexts",
    prefix: "cc",
    noun: "conversation context",
    rows: { context_links: [["name", "Link name"], ["url_template", "URL template"]] },
    summary: (item) =>
      [
        ...item.context_links.map((l) => l.name),
        item.embedded_context_url ? "embedded page" : null,
      ]
        .filter(Boolean)
        .join(", ") || "nothing yet",
  },
};
const MAX_LENGTH = { id: 128, label: 64, name: 64, url_template: 2048 };
const rows = { code_sets: {}, conversation_contexts: {} };

export async function startCatalogs() {
  for (const [kind, spec] of Object.entries(KINDS)) {
    $(`${spec.prefix}-form`).addEventListener("submit", (event) => save(event, kind));
    $(`${spec.prefix}-new`).addEventListener("click", () => edit(kind, null));
    for (const list of Object.keys(spec.rows)) {
      $(`${spec.prefix}-add-${list}`).addEventListener("click", () => addRow(kind, list));
    }
    edit(kind, null);
  }
  await load();
}

async function load() {
  let catalogs;
  try {
    catalogs = await api("/admin/catalogs");
  } catch (error) {
    say(error.message);
    return;
  }
  for (const kind of Object.keys(KINDS)) renderList(kind, catalogs[kind]);
}

function renderList(kind, items) {
  const spec = KINDS[kind];
  const body = $(`${spec.prefix}-rows`);
  if (!items.length) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 5, text: `No ${spec.noun} yet.` })));
    return;
  }
  body.replaceChildren(
    ...items.map((item) =>
      el(
        "tr",
        {},
        el("td", { text: `${item.name} (${item.id})` }),
        el("td", { text: spec.summary(item) }),
        el("td", { text: item.used_by.join(", ") || "no service" }),
        el("td", { text: String(item.version) }),
        el(
          "td",
          {},
          el("button", {
            type: "button",
            text: "Edit",
            "aria-label": `Edit ${spec.noun} ${item.name}`,
            onclick: () => edit(kind, item),
          }),
          " ",
          el("button", {
            type: "button",
            text: "Remove",
            "aria-label": `Remove ${spec.noun} ${item.name}`,
            onclick: () => remove(kind, item),
          }),
        ),
      ),
    ),
  );
}

function edit(kind, item) {
  const spec = KINDS[kind];
  clearProblems(kind);
  $(`${spec.prefix}-id`).value = item?.id ?? "";
  $(`${spec.prefix}-id`).readOnly = Boolean(item); // the id is the item: a new id is a new item
  $(`${spec.prefix}-name`).value = item?.name ?? "";
  for (const list of Object.keys(spec.rows)) {
    rows[kind][list] = (item?.[list] ?? []).map((row) => ({ ...row }));
  }
  if (kind === "conversation_contexts") $("cc-embedded").value = item?.embedded_context_url ?? "";
  $(`${spec.prefix}-form-title`).textContent = item
    ? `Change ${spec.noun} ${item.name}`
    : `Define a new ${spec.noun}`;
  renderRows(kind);
  if (item) $(`${spec.prefix}-name`).focus();
}

function renderRows(kind) {
  const spec = KINDS[kind];
  for (const [list, fields] of Object.entries(spec.rows)) {
    $(`${spec.prefix}-${list}`).replaceChildren(
      ...rows[kind][list].map((row, i) => {
        const cells = fields.map(([field, label]) => {
          const id = `${spec.prefix}-${list}-${i}-${field}`;
          return el(
            "span",
            { class: "cell" },
            el("label", { for: id, text: `${label} ${i + 1}` }),
            el("input", {
              id,
              value: row[field] ?? "",
              maxlength: MAX_LENGTH[field],
              "data-loc": `${list}.${i}.${field}`,
            }),
          );
        });
        const drop = el("button", {
          type: "button",
          text: "Remove",
          "aria-label": `Remove row ${i + 1}`,
          onclick: () => {
            readRows(kind);
            rows[kind][list].splice(i, 1);
            renderRows(kind);
          },
        });
        return el("div", { class: "row", "data-loc": `${list}.${i}` }, ...cells, drop);
      }),
    );
  }
}

function readRows(kind) {
  const spec = KINDS[kind];
  for (const [list, fields] of Object.entries(spec.rows)) {
    rows[kind][list] = rows[kind][list].map((_, i) =>
      Object.fromEntries(
        fields.map(([field]) => [field, $(`${spec.prefix}-${list}-${i}-${field}`).value.trim()]),
      ),
    );
  }
}

function addRow(kind, list) {
  const spec = KINDS[kind];
  readRows(kind);
  rows[kind][list].push(Object.fromEntries(spec.rows[list].map(([field]) => [field, ""])));
  renderRows(kind);
  $(`${spec.prefix}-${list}-${rows[kind][list].length - 1}-${spec.rows[list][0][0]}`).focus();
}

function body(kind) {
  const spec = KINDS[kind];
  readRows(kind);
  const sent = { id: $(`${spec.prefix}-id`).value.trim(), name: $(`${spec.prefix}-name`).value.trim() };
  for (const list of Object.keys(spec.rows)) sent[list] = rows[kind][list];
  if (kind === "conversation_contexts") {
    sent.embedded_context_url = $("cc-embedded").value.trim() || null;
  }
  return sent;
}

async function save(event, kind) {
  event.preventDefault();
  const spec = KINDS[kind];
  clearProblems(kind);
  const sending = body(kind);
  if (!sending.id) {
    showProblems(kind, new Map([["id", "Give the item an id (no spaces)."]]));
    return;
  }
  try {
    const saved = await api(`/admin/${spec.path}/${seg(sending.id)}`, { method: "PUT", body: sending });
    say(`Saved ${spec.noun} ${saved.name} as version ${saved.version}.`);
    await load();
    edit(kind, null);
  } catch (error) {
    const problems = fieldProblems(error);
    if (problems.size) showProblems(kind, problems);
    else $(`${spec.prefix}-problem`).textContent = error.message;
  }
}

async function remove(kind, item) {
  const spec = KINDS[kind];
  clearProblems(kind);
  try {
    await api(`/admin/${spec.path}/${seg(item.id)}`, { method: "DELETE" });
    say(`Removed ${spec.noun} ${item.name}.`);
    await load();
  } catch (error) {
    // 409: services enable it; the server's sentence names them.
    $(`${spec.prefix}-problem`).textContent = `Not removed: ${error.message}`;
  }
}

function clearProblems(kind) {
  const form = $(`${KINDS[kind].prefix}-form`);
  $(`${KINDS[kind].prefix}-problem`).textContent = "";
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-errormessage");
  }
}

// Each problem next to the element of this form its location names, or its nearest parent.
function showProblems(kind, problems) {
  const spec = KINDS[kind];
  const form = $(`${spec.prefix}-form`);
  const unplaced = [];
  let n = 0;
  for (const [loc, message] of problems) {
    let parts = loc.split(".");
    let target = null;
    while (parts.length && !target) {
      target = form.querySelector(`[data-loc="${CSS.escape(parts.join("."))}"]`);
      if (!target) parts = parts.slice(0, -1);
    }
    if (!target) {
      unplaced.push(`${loc || "request"}: ${message}`);
      continue;
    }
    const id = `${spec.prefix}-problem-${n++}`;
    const note = el("p", { id, class: "error field-error", text: message });
    if (target.tagName === "FIELDSET") target.querySelector("legend").after(note);
    else target.after(note);
    if (target.tagName === "INPUT") {
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-errormessage", id);
    }
  }
  $(`${spec.prefix}-problem`).textContent =
    `Not saved: ${problems.size} problem(s), shown next to the fields. ${unplaced.join(" ")}`;
  form.querySelector("[aria-invalid]")?.focus();
}
