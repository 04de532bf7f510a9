// The owner's side of the tenant's catalogs (GET /api/v1/owner/catalogs): a checkbox per code
// set and conversation context a tenant admin defined; the service enables items by id
// (its settings' code_sets and conversation_contexts). Owners enable, never edit: the items
// are changed on the admin screen, and a change reaches every service that enables them.

import { api, el } from "./common.js";

const KINDS = [
  ["code_sets", "catalog-code-sets", (item) => item.primary_codes.map((c) => c.label)],
  ["conversation_contexts", "catalog-contexts", (item) => item.context_links.map((l) => l.name)],
];
let catalog = { code_sets: [], conversation_contexts: [] };

export async function loadCatalog() {
  catalog = await api("/owner/catalogs");
}

/** One checkbox per item of the tenant, ticked where ``settings`` enables it; an id enabled
 * but gone from the catalog is listed too, ticked, so the owner sees it and can untick it. */
export function renderEnabled(settings) {
  for (const [kind, container, contents] of KINDS) {
    const known = new Map(catalog[kind].map((item) => [item.id, item]));
    const ids = [...known.keys(), ...settings[kind].filter((id) => !known.has(id))];
    const boxes = ids.map((id, i) => {
      const item = known.get(id);
      const box = `${container}-${i}`;
      const shown = item ? contents(item).join(", ") : "";
      return el(
        "div",
        { class: "check" },
        el("input", {
          type: "checkbox",
          id: box,
          value: id,
          checked: settings[kind].includes(id),
        }),
        el("label", {
          for: box,
          text: item
            ? `${item.name}${shown ? ` (${shown})` : ""}`
            : `${id} (no longer in your tenant's catalog)`,
        }),
      );
    });
    $(container).replaceChildren(
      ...(boxes.length ? boxes : [el("p", { class: "muted small", text: "None defined yet." })]),
    );
  }
}

/** The ticked items' ids, in the catalog's order: what the service enables. */
export function enabledItems() {
  return Object.fromEntries(
    KINDS.map(([kind, container]) => [
      kind,
      [...document.querySelectorAll(`#${container} input:checked`)].map((box) => box.value),
    ]),
  );
}

const $ = (id) => document.getElementById(id);
