// After-call work: codes pulldowns, tags with suggestions as the agent types, save once.
// A second save is refused by the server (409): the form then says who saved and when.

import { api, ApiError, el, seg } from "./common.js";
import { fullTime } from "./present.js";

const MAX_TAGS = 20;
const MAX_TAG_CHARS = 64;
let formCount = 0;

export function acwWidget(acw, task, onSaved) {
  const box = el("div", { class: "widget wide acw" }, el("h3", { text: "Codes and tags" }));
  if (acw.saved) {
    box.append(savedNote(acw.saved, acw));
    return box;
  }
  if (!acw.open) {
    box.append(
      el("p", {
        class: "muted",
        text:
          task.state === "ended"
            ? "No after-call work is due."
            : "After-call work opens when the session ends.",
      }),
    );
    return box;
  }
  box.append(form(acw, task, onSaved));
  return box;
}

function savedNote(saved, acw) {
  // A saved code is {id, label} as saved (its label then), or an id to look up.
  const label = (codes, code) => code?.label ?? codes.find((c) => c.id === code)?.label ?? code;
  const parts = [];
  if (saved.primary_code)
    parts.push(["Primary code", label(acw.primary_codes ?? [], saved.primary_code)]);
  if (saved.secondary_code)
    parts.push(["Secondary code", label(acw.secondary_codes ?? [], saved.secondary_code)]);
  parts.push(["Tags", saved.tags?.length ? saved.tags.join(", ") : "none"]);
  parts.push(["Saved", `by ${saved.saved_by} at ${fullTime(saved.saved_at)}`]);
  const list = el("dl", { class: "pairs saved" });
  for (const [name, value] of parts)
    list.append(el("dt", { text: name }), el("dd", { text: value }));
  return list;
}

function form(acw, task, onSaved) {
  const n = ++formCount;
  const tags = [];
  const status = el("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const primary = codeSelect(`acw-primary-${n}`, "Primary code", acw.primary_codes ?? []);
  const secondary = codeSelect(`acw-secondary-${n}`, "Secondary code", acw.secondary_codes ?? []);
  const chips = el("ul", { class: "chips", "aria-label": "Tags added" });
  const suggestions = el("div", {
    class: "suggestions",
    "aria-label": "Tag suggestions",
    role: "group",
  });
  const input = el("input", {
    id: `acw-tag-${n}`,
    type: "text",
    maxlength: MAX_TAG_CHARS,
    autocomplete: "off",
    "aria-describedby": `acw-tag-help-${n}`,
  });
  const help = el("p", {
    id: `acw-tag-help-${n}`,
    class: "muted small",
    text: `Enter adds a tag; up to ${MAX_TAGS}. Suggestions follow as you type.`,
  });

  function addTag(text) {
    const tag = text.trim().slice(0, MAX_TAG_CHARS);
    if (!tag || tags.includes(tag)) return;
    if (tags.length >= MAX_TAGS) {
      status.textContent = `At most ${MAX_TAGS} tags.`;
      return;
    }
    tags.push(tag);
    const chip = el(
      "li",
      { class: "chip" },
      el("span", { text: tag }),
      el("button", {
        type: "button",
        class: "chip-remove",
        "aria-label": `Remove tag ${tag}`,
        text: "×",
        onclick: () => {
          tags.splice(tags.indexOf(tag), 1);
          chip.remove();
          input.focus();
        },
      }),
    );
    chips.append(chip);
    input.value = "";
    suggestions.replaceChildren();
  }

  let asking = null;
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const prefix = input.value.trim();
    if (!prefix) return void suggestions.replaceChildren();
    timer = setTimeout(async () => {
      asking?.abort();
      asking = new AbortController();
      try {
        const found = await api(
          `/tasks/${seg(task.user_session_id)}/tags?prefix=${encodeURIComponent(prefix)}&limit=10`,
          { signal: asking.signal },
        );
        suggestions.replaceChildren(
          ...(found?.suggestions ?? [])
            .filter((s) => !tags.includes(s.tag))
            .map((s) =>
              el("button", {
                type: "button",
                class: "suggestion",
                "aria-label": `Add suggested tag ${s.tag}`,
                text: `${s.tag} (${s.count})`,
                onclick: () => {
                  addTag(s.tag);
                  input.focus();
                },
              }),
            ),
        );
      } catch (error) {
        if (error.name !== "AbortError") suggestions.replaceChildren();
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      addTag(input.value);
    }
  });

  const save = el("button", { type: "submit", class: "primary", text: "Save" });
  const body = el(
    "form",
    { class: "acw-form", novalidate: true },
    primary.field,
    secondary.field,
    el(
      "div",
      { class: "field" },
      el("label", { for: input.id, text: "Tags" }),
      input,
      help,
      suggestions,
      chips,
    ),
    el("div", { class: "actions" }, save),
    status,
  );
  const touch = () => (body.dataset.touched = "true");
  body.addEventListener("input", touch);
  body.addEventListener("change", touch);
  body.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (input.value.trim()) addTag(input.value);
    if ((acw.primary_codes ?? []).length && !primary.select.value) {
      status.textContent = "Choose a primary code before saving.";
      primary.select.focus();
      return;
    }
    save.disabled = true;
    status.textContent = "Saving…";
    try {
      const saved = await api(`/tasks/${seg(task.user_session_id)}/acw`, {
        method: "POST",
        body: {
          primary_code: primary.select.value || null,
          secondary_code: secondary.select.value || null,
          tags,
        },
      });
      status.textContent = `Saved by ${saved.saved_by} at ${fullTime(saved.saved_at)}.`;
      onSaved();
    } catch (error) {
      save.disabled = false;
      if (error instanceof ApiError && error.status === 409) {
        const b = error.body;
        status.textContent = `Already saved by ${b.saved_by} at ${b.saved_at ? fullTime(b.saved_at) : "an earlier time"}; a session is saved once.`;
        save.disabled = true;
      } else status.textContent = `Not saved: ${error.message}`;
    }
  });
  return body;
}

function codeSelect(id, label, codes) {
  const select = el("select", { id, disabled: codes.length ? null : true });
  select.append(el("option", { value: "", text: codes.length ? "Choose…" : "No codes" }));
  for (const code of codes) select.append(el("option", { value: code.id, text: code.label }));
  return {
    select,
    field: el("div", { class: "field" }, el("label", { for: id, text: label }), select),
  };
}
