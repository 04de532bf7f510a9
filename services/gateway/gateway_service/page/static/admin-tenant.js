// The tenant admin's tenant-wide configuration: the CRM URL template and deadline (GET/PUT
// /api/v1/admin/tenant-settings, saved as a new version on the version shown), a test of
// the saved CRM with a number or UPN (POST .../crm-test; nothing is stored), and address
// book and directory imports from a CSV file (POST /api/v1/admin/imports/{kind}), with the
// same report as `mysessions contacts import`. Kept apart from admin.js so the screen's
// sections can grow side by side.

import { accessToken, API, api, ApiError, el, UNREACHABLE } from "./common.js";
import { $, fieldProblems, when } from "./screens.js";

let shownVersion = 0;
let limits = null;

function clearProblems(form) {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

/** Each 422 problem next to the control whose data-loc it names; the rest in ``summary``. */
function showProblems(form, error, summary) {
  const problems = fieldProblems(error);
  const unplaced = [];
  let n = 0;
  for (const [loc, message] of problems) {
    const target = form.querySelector(`[data-loc="${CSS.escape(loc)}"]`);
    if (!target) {
      unplaced.push(message);
      continue;
    }
    const id = `${form.id}-problem-${n++}`;
    target.setAttribute("aria-invalid", "true");
    target.setAttribute("aria-describedby", id);
    target.after(el("p", { class: "error field-error", id, text: message }));
  }
  summary.textContent = problems.size
    ? `Not saved: ${problems.size} problem(s)${unplaced.length ? `: ${unplaced.join(" ")}` : ", shown next to the fields."}`
    : error.message;
}

function showSettings(settings) {
  shownVersion = settings.version;
  $("crm-url").value = settings.crm_url_template ?? "";
  $("crm-timeout").value = String(settings.crm_timeout_s);
  $("crm-version").textContent = settings.version
    ? `Version ${settings.version}, saved ${when(settings.updated_at)}.`
    : "Never set: no CRM is asked.";
  $("crm-test-button").disabled = !settings.crm_url_template;
}

async function loadSettings() {
  try {
    showSettings(await api("/admin/tenant-settings"));
  } catch (error) {
    $("crm-problem").textContent = error.message;
  }
}

async function saveSettings(event) {
  event.preventDefault();
  const form = $("crm-form");
  clearProblems(form);
  $("crm-problem").textContent = "";
  $("crm-saved").textContent = "";
  const url = $("crm-url").value.trim();
  try {
    const saved = await api("/admin/tenant-settings", {
      method: "PUT",
      body: {
        crm_url_template: url || null,
        crm_timeout_s: Number($("crm-timeout").value),
        base_version: shownVersion,
      },
    });
    const changed = saved.version !== shownVersion;
    showSettings(saved);
    $("crm-saved").textContent = changed ? `Saved as version ${saved.version}.` : "Nothing changed.";
  } catch (error) {
    if (error.status === 409) {
      $("crm-problem").textContent = `${error.message} (your edits are still in the form).`;
      return;
    }
    showProblems(form, error, $("crm-problem"));
  }
}

function testOutcome(result) {
  const took = `${result.elapsed_ms} ms of ${result.timeout_s} s allowed`;
  if (result.outcome === "found") {
    const rows = Object.entries(result.fields).flatMap(([name, value]) => [
      el("dt", { text: name }),
      el("dd", { text: value }),
    ]);
    return [el("p", { text: `Found (${took}):` }), el("dl", { class: "crm-fields" }, ...rows)];
  }
  if (result.outcome === "not_found") return [el("p", { text: `Not found: the CRM does not know this caller (${took}).` })];
  return [el("p", { class: "error", text: `Failed: ${result.reason} (${took}).` })];
}

async function testCrm(event) {
  event.preventDefault();
  const form = $("crm-test-form");
  clearProblems(form);
  $("crm-test-result").replaceChildren(el("p", { text: "Asking the CRM…" }));
  try {
    const result = await api("/admin/tenant-settings/crm-test", {
      method: "POST",
      body: { address: $("crm-test-address").value },
    });
    $("crm-test-result").replaceChildren(...testOutcome(result));
  } catch (error) {
    const summary = el("p", { class: "error" });
    showProblems(form, error, summary);
    $("crm-test-result").replaceChildren(summary);
  }
}

function mib(bytes) {
  return `${(bytes / 1048576).toFixed(bytes % 1048576 ? 1 : 0)} MiB`;
}

async function loadLimits() {
  try {
    limits = await api("/admin/imports/limits");
    $("import-limits").textContent =
      `At most ${mib(limits.max_bytes)} and ${limits.max_rows.toLocaleString("en")} rows. ` +
      `Address book columns: ${limits.columns.contacts.join(", ")}. ` +
      `Directory columns: ${limits.columns.directory.join(", ")}.`;
  } catch (error) {
    $("import-problem").textContent = error.message;
  }
}

async function upload(kind, file, params) {
  let answer;
  try {
    answer = await fetch(`${API}/admin/imports/${encodeURIComponent(kind)}?${params}`, {
      method: "POST",
      headers: {
        Accept: "application/json",
        Authorization: `Bearer ${(await accessToken()) ?? ""}`,
        "Content-Type": "text/csv",
      },
      body: file,
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, { detail: UNREACHABLE });
  }
  const text = await answer.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (!answer.ok) throw new ApiError(answer.status, body);
  return body;
}

function report(result) {
  const counts = `${result.imported} imported, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected`;
  const what = result.kind === "contacts" ? "Address book" : "Directory";
  const parts = [
    el("p", {
      class: "import-counts",
      text: `${what}: ${counts}${result.dry_run ? " (dry run: nothing written)" : ""}.`,
    }),
  ];
  if (result.rejected_rows.length) {
    const rows = result.rejected_rows.map((row) =>
      el("tr", {}, el("td", { text: String(row.row) }), el("td", { text: row.reason })),
    );
    parts.push(
      el(
        "table",
        {},
        el("caption", { text: "Rejected rows (the others were imported)" }),
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Row" }), el("th", { scope: "col", text: "Problem" }))),
        el("tbody", {}, ...rows),
      ),
    );
    if (result.rejected > result.rejected_rows.length) {
      parts.push(el("p", { text: `… and ${result.rejected - result.rejected_rows.length} more rejected rows.` }));
    }
  }
  return parts;
}

async function importFile(event) {
  event.preventDefault();
  const form = $("import-form");
  clearProblems(form);
  $("import-problem").textContent = "";
  const file = $("import-file").files[0];
  if (!file) {
    $("import-problem").textContent = "Choose a CSV file first.";
    return;
  }
  if (limits && file.size > limits.max_bytes) {
    $("import-problem").textContent = `The file has ${mib(file.size)}; at most ${mib(limits.max_bytes)} are taken. Split it and import each part.`;
    return;
  }
  const params = new URLSearchParams({ dry_run: String($("import-dry-run").checked) });
  const region = $("import-region").value.trim();
  if (region) params.set("region", region);
  $("import-report").replaceChildren(el("p", { text: `Importing ${file.name}…` }));
  $("import-button").disabled = true;
  try {
    $("import-report").replaceChildren(...report(await upload($("import-kind").value, file, params)));
  } catch (error) {
    $("import-report").replaceChildren();
    if (error.status === 401) {
      $("import-problem").textContent = "Signed out: sign in again, then import the file again.";
      return;
    }
    showProblems(form, error, $("import-problem"));
  } finally {
    $("import-button").disabled = false;
  }
}

/** Loads the tenant's settings and import limits and wires the section's forms. */
export async function startTenant() {
  $("crm-form").addEventListener("submit", saveSettings);
  $("crm-test-form").addEventListener("submit", testCrm);
  $("import-form").addEventListener("submit", importFile);
  await Promise.all([loadSettings(), loadLimits()]);
}
