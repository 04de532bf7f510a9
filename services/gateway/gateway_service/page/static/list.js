// The task list: one row per task, keyed by user_session_id. A live change replaces one
// row (and moves it when its place changed); nothing else is rendered again, so a list of
// 1,000 history entries stays smooth. One ticker a second updates the live timers shown.

import { el, present } from "./common.js";
import { modalityIcon } from "./icons.js";
import {
  compareTasks,
  duration,
  fullTime,
  isTicking,
  modalityLabel,
  pulse,
  resultLabel,
  shownSeconds,
  TIMER_NAMES,
  tone,
  when,
} from "./present.js";

export class TaskList {
  constructor(container, onOpen) {
    this.container = container;
    this.onOpen = onOpen;
    this.views = []; // in display order
    this.rows = new Map(); // user_session_id -> <li>
    this.ticking = new Set(); // rows whose timer counts
    this.visible = new Set(); // rows on screen (IntersectionObserver)
    this.selected = null;
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) this.visible.add(entry.target);
        else this.visible.delete(entry.target);
      }
    });
    container.addEventListener("keydown", (event) => this.#arrows(event));
  }

  /** Replaces the whole list (a fresh fetch): the server's order as it is. */
  replace(views) {
    for (const row of this.rows.values()) this.observer.unobserve(row);
    this.rows.clear();
    this.ticking.clear();
    this.visible.clear();
    this.views = views.slice();
    const fragment = document.createDocumentFragment();
    for (const view of this.views) fragment.append(this.#row(view));
    this.container.replaceChildren(fragment);
  }

  /** Appends the next page (already in order, after the rows shown). */
  append(views) {
    const fragment = document.createDocumentFragment();
    for (const view of views) {
      if (this.rows.has(view.user_session_id)) continue;
      this.views.push(view);
      fragment.append(this.#row(view));
    }
    this.container.append(fragment);
  }

  has(id) {
    return this.rows.has(id);
  }

  view(id) {
    return this.views.find((v) => v.user_session_id === id) ?? null;
  }

  /** One task changed (a live `task` event): update its row in place, moved if needed. */
  upsert(view) {
    const id = view.user_session_id;
    const old = this.rows.get(id);
    const at = old ? this.views.findIndex((v) => v.user_session_id === id) : -1;
    if (at >= 0) this.views.splice(at, 1);
    let index = this.views.findIndex((other) => compareTasks(view, other) < 0);
    if (index < 0) index = this.views.length;
    // Keep the row where it is when its place did not change (no jump, focus kept).
    const row = old ? this.#fill(old, view) : this.#row(view);
    this.views.splice(index, 0, view);
    const next = this.views[index + 1];
    const before = next ? this.rows.get(next.user_session_id) : null;
    if (!old || row.nextElementSibling !== (before ?? null)) {
      const hadFocus = row.contains(document.activeElement);
      this.container.insertBefore(row, before ?? null);
      if (hadFocus) row.querySelector("button").focus();
    }
    return row;
  }

  remove(id) {
    const row = this.rows.get(id);
    if (!row) return;
    this.observer.unobserve(row);
    this.ticking.delete(row);
    this.visible.delete(row);
    this.rows.delete(id);
    this.views = this.views.filter((v) => v.user_session_id !== id);
    row.remove();
  }

  select(id) {
    if (this.selected)
      this.rows.get(this.selected)?.querySelector("button")?.removeAttribute("aria-current");
    this.selected = id;
    this.rows.get(id)?.querySelector("button")?.setAttribute("aria-current", "true");
  }

  /** Called once a second: only live timers on screen are written. */
  tick() {
    for (const row of this.ticking) {
      if (!this.visible.has(row)) continue;
      const view = row._view;
      row.querySelector(".timer").textContent = duration(shownSeconds(view));
    }
  }

  #row(view) {
    const row = el("li", { class: "task" });
    const button = el("button", { type: "button", class: "task-open" });
    button.addEventListener("click", () => this.onOpen(row._view.user_session_id));
    row.append(button);
    this.rows.set(view.user_session_id, row);
    this.observer.observe(row);
    return this.#fill(row, view);
  }

  #fill(row, view) {
    row._view = view;
    row.dataset.id = view.user_session_id;
    row.dataset.state = view.state;
    row.dataset.open = String(view.open);
    row.className = `task tone-${tone(view)}`;
    const button = row.firstElementChild;
    const beat = pulse(view);
    const seconds = shownSeconds(view);
    const timerName = view.shown_timer ? TIMER_NAMES[view.shown_timer] : "";
    const caller = view.caller?.display_name || "Anonymous";
    button.replaceChildren(
      ...present([
        el("span", {
          class: beat ? `pulse pulse-${beat}` : "pulse pulse-none",
          "aria-hidden": "true",
        }),
        el(
          "span",
          { class: "task-main" },
          // Cut to one line with an ellipsis: the whole of it is the title (a long e-mail
          // address), and the detail's caller card shows it wrapped.
          el("span", { class: "caller", title: caller, text: caller }),
          el(
            "span",
            { class: "task-meta" },
            el(
              "span",
              { class: "modality", "data-modality": view.modality },
              modalityIcon(view.modality),
              el("span", { text: modalityLabel(view) }),
            ),
            el("span", { class: "service", text: view.service_name || view.service_id || "" }),
            returningMarker(view.caller?.earlier_notes),
          ),
        ),
        el(
          "span",
          { class: "task-side" },
          el("span", { class: "result", text: resultLabel(view) }),
          el(
            "span",
            { title: timerName },
            timerName ? el("span", { class: "sr", text: `${timerName} ` }) : null,
            el("span", { class: "timer", text: duration(seconds) }),
          ),
          el("time", {
            class: "when",
            datetime: view.started_at,
            title: fullTime(view.started_at),
            text: when(view.started_at),
          }),
        ),
        view.open
          ? el(
              "span",
              { class: "marker", title: "After-call work open" },
              el("span", { "aria-hidden": "true", text: "i" }),
              el("span", { class: "sr", text: "After-call work open" }),
            )
          : null,
      ]),
    );
    if (this.selected === view.user_session_id) button.setAttribute("aria-current", "true");
    if (isTicking(view)) this.ticking.add(row);
    else this.ticking.delete(row);
    return row;
  }

  #arrows(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const row = event.target.closest("li.task");
    if (!row) return;
    const next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    if (next) {
      event.preventDefault();
      next.querySelector("button").focus();
    }
  }
}

/** A returning caller's marker: how many earlier sessions left notes (the detail lists
 * them). The symbol is hidden from screen readers, the words are read. */
function returningMarker(count) {
  if (!count) return null;
  const notes = count === 1 ? "note" : "notes";
  const words = `Returning caller, ${count} earlier ${notes}`;
  return el(
    "span",
    { class: "returning", title: words },
    el("span", { "aria-hidden": "true", text: `\u21BA ${count} ${notes}` }),
    el("span", { class: "sr", text: words }),
  );
}
