// The tenant admin's API keys for CRM flows (the connector API): make one scoped to services
// and actions (GET/POST /api/v1/admin/connector-keys), see each key's last use, revoke one
// (POST .../{key_id}/revoke). A new key is shown once, here, and never again: only its
// digest is kept.

import { api, el } from "./common.js";
import { $, fieldProblems, when } from "./screens.js";

const ACTION_LABELS = {
  set_parameters: "Set parameters",
  remove_parameters: "Remove parameters",
  set_caller: "Set caller details",
};

function row(key) {
  const revoke = key.revoked_at
    ? el("span", { class: "muted", text: `Revoked ${when(key.revoked_at)}` })
    : el("button", {
        type: "button",
        text: "Revoke",
        "aria-label": `Revoke key ${key.name} (${key.key_id})`,
        onclick: () => revokeKey(key),
      });
  return el(
    "tr",
    {},
    el("td", {}, el("span", { text: key.name }), el("br"), el("code", { class: "small", text: key.key_id })),
    el("td", { text: key.services.join(", ") }),
    el("td", { text: key.actions.map((a) => ACTION_LABELS[a] ?? a).join(", ") }),
    el("td", { text: `${when(key.created_at)} by ${key.created_by}` }),
    el("td", { text: key.last_used_at ? when(key.last_used_at) : "Never" }),
    el("td", {}, revoke),
  );
}

async function loadKeys() {
  try {
    const answer = await api("/admin/connector-keys");
    const rows = answer.items.map(row);
    $("key-rows").replaceChildren(
      ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 6, text: "No API keys yet." }))]),
    );
  } catch (error) {
    $("keys-problem").textContent = error.message;
  }
}

async function revokeKey(key) {
  $("keys-problem").textContent = "";
  try {
    await api(`/admin/connector-keys/${encodeURIComponent(key.key_id)}/revoke`, { method: "POST" });
    $("keys-status").textContent = `Key ${key.name} revoked: it is refused from its next request on.`;
  } catch (error) {
    $("keys-problem").textContent = error.message;
  }
  await loadKeys();
}

async function createKey(event) {
  event.preventDefault();
  $("keys-problem").textContent = "";
  for (const node of $("key-form").querySelectorAll(".field-error")) node.remove();
  const services = $("key-services")
    .value.split(/[\s,]+/)
    .filter(Boolean);
  const actions = [...$("key-form").querySelectorAll('input[name="key-action"]:checked')].map(
    (box) => box.value,
  );
  try {
    const made = await api("/admin/connector-keys", {
      method: "POST",
      body: { name: $("key-name").value.trim(), services, actions },
    });
    $("new-key-value").value = made.key;
    $("new-key").classList.remove("hidden");
    $("new-key-value").focus();
    $("new-key-value").select();
    $("keys-status").textContent = `Key ${made.name} made. Copy it now: it is not shown again.`;
    $("key-form").reset();
  } catch (error) {
    const problems = fieldProblems(error);
    for (const [loc, message] of problems) {
      const target = $("key-form").querySelector(`[data-loc="${CSS.escape(loc.split(".")[0])}"]`);
      if (target) target.after(el("p", { class: "error field-error", text: message }));
    }
    $("keys-problem").textContent = problems.size ? "No key was made." : error.message;
  }
  await loadKeys();
}

/** Starts the API keys section (after the sign-in is known to be a tenant admin's). */
export async function startKeys() {
  $("key-form").addEventListener("submit", createKey);
  $("new-key-done").addEventListener("click", () => {
    $("new-key-value").value = "";
    $("new-key").classList.add("hidden");
  });
  await loadKeys();
}
