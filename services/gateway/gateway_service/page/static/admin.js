// The tenant admin's screen: the historical sessions (admin-history.js), the catalogs
// (admin-catalogs.js), the CRM settings and address-book imports (admin-tenant.js), the
// stored context
// records (GET /api/v1/admin/stored-sessions) with search and expiry, and unprovisioning (POST /api/v1/admin/unprovision) confirmed by
// typing the id to erase again. The server checks the confirmation too; the button only
// becomes active once the typed id matches.

import { startCatalogs } from "./admin-catalogs.js";
import { startHistory } from "./admin-history.js";
import { startTenant } from "./admin-tenant.js";
import { startKeys } from "./admin-keys.js";
import { api, el } from "./common.js";
import { $, fieldProblems, say, signedInAs, when } from "./screens.js";

const PAGE = 50;
let me = null;
let nextCursor = null;
let query = "";

async function start() {
  me = await signedInAs(
    "tenant_admin",
    "This screen is for tenant admins; your sign-in has no tenant admin role.",
  );
  if (me) {
    await Promise.all([startHistory(), startKeys(), load(true), startCatalogs(), startTenant()]);
  }
}

function daysLeft(iso) {
  const days = Math.max(0, Math.ceil((new Date(iso) - Date.now()) / 86400000));
  return days === 1 ? "in 1 day" : `in ${days} days`;
}

function callerText(caller) {
  if (!caller) return "Not available";
  const name = caller.display_name ?? (caller.source === "none" ? "Anonymous" : "");
  return name ? `${name} (${caller.address})` : caller.address;
}

function row(item) {
  return el(
    "tr",
    {},
    el("td", { text: item.session_id }),
    el("td", { text: `${item.service_name} (${item.service_id})` }),
    el("td", { text: callerText(item.caller) }),
    el("td", { text: when(item.left_at) }),
    el("td", { text: when(item.stored_at) }),
    el("td", {}, el("time", { datetime: item.expires_at, text: `${when(item.expires_at)} (${daysLeft(item.expires_at)})` })),
  );
}

async function load(fresh) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (query) params.set("q", query);
  if (!fresh && nextCursor) params.set("cursor", nextCursor);
  try {
    const page = await api(`/admin/stored-sessions?${params}`);
    const rows = page.items.map(row);
    if (fresh) $("rows").replaceChildren(...rows);
    else $("rows").append(...rows);
    if (fresh && !rows.length) {
      $("rows").replaceChildren(el("tr", {}, el("td", { colspan: 6, text: "No stored sessions." })));
    }
    nextCursor = page.next_cursor;
    $("more").classList.toggle("hidden", !nextCursor);
    say(fresh ? `${page.items.length}${nextCursor ? "+" : ""} stored session(s).` : "");
  } catch (error) {
    say(error.message);
  }
}

function scope() {
  return document.querySelector('input[name="scope"]:checked').value;
}

function expected() {
  return scope() === "service" ? $("service_id").value.trim() : me?.tenant_id ?? "";
}

function updateConfirm() {
  const service = scope() === "service";
  $("service-field").classList.toggle("hidden", !service);
  $("confirm-label").textContent = service
    ? "Type the service id again to confirm"
    : `Type your tenant id (${me?.tenant_id ?? ""}) to confirm`;
  const target = expected();
  $("erase").disabled = !target || $("confirm").value !== target;
}

async function unprovision(event) {
  event.preventDefault();
  $("unprovision-problem").textContent = "";
  for (const node of document.querySelectorAll(".field-error")) node.remove();
  const service = scope() === "service";
  $("erase").disabled = true;
  try {
    const answer = await api("/admin/unprovision", {
      method: "POST",
      body: {
        scope: scope(),
        service_id: service ? $("service_id").value.trim() : null,
        confirm: $("confirm").value,
      },
    });
    $("erased").replaceChildren(
      el("p", { text: `Erased for ${service ? `service ${answer.service_id}` : "the tenant"}:` }),
      el(
        "ul",
        {},
        ...Object.entries(answer.erased).map(([kind, count]) =>
          el("li", { text: `${kind}: ${count}` }),
        ),
      ),
    );
    $("confirm").value = "";
    await load(true);
  } catch (error) {
    const problems = fieldProblems(error);
    for (const [loc, message] of problems) {
      const target = document.querySelector(`[data-loc="${CSS.escape(loc)}"]`);
      if (target) target.after(el("p", { class: "error field-error", text: message }));
    }
    $("unprovision-problem").textContent = problems.size ? "Nothing was erased." : error.message;
  } finally {
    updateConfirm();
  }
}

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  query = $("q").value.trim();
  nextCursor = null;
  load(true);
});
$("more").addEventListener("click", () => load(false));
$("unprovision").addEventListener("submit", unprovision);
for (const id of ["scope-service", "scope-tenant", "service_id", "confirm"]) {
  $(id).addEventListener("input", updateConfirm);
  $(id).addEventListener("change", updateConfirm);
}
start().then(updateConfirm);
