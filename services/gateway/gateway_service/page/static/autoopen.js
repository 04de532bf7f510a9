// "Open context links when a session comes in": the agent's own choice, off until they
// switch it on. It is kept in this browser's localStorage, one key per tenant and user
// (a preference, not a secret: the tokens stay in sessionStorage, tokens.js), so it holds
// across tabs and sign-ins on this machine and never reaches the gateway.
//
// A tab opened without a click is blocked unless the agent allowed pop-ups for this site,
// so each attempt says in the page's status when the browser blocked it and how to allow
// it (popups.js), the same as "Open all context links".

import { api, seg } from "./common.js";
import { blockedMessage, openTabs } from "./popups.js";

const KEY = "mysessions.auto-open-context";
// The context worker builds a session's live context on its own consumer, so an incoming
// task can reach the page before its links can be rendered (seconds, when that worker
// lags): ask again each second while the task lives, for up to 15 s.
const TRIES = 15;
const PAUSE_MS = 1000;

export const preferenceKey = (me) => `${KEY}:${me.tenant_id}:${me.user_id}`;

export function autoOpenWanted(me) {
  try {
    return localStorage.getItem(preferenceKey(me)) === "on";
  } catch {
    return false; // storage refused (a private window's policy): the default, off
  }
}

export function setAutoOpen(me, on) {
  try {
    if (on) localStorage.setItem(preferenceKey(me), "on");
    else localStorage.removeItem(preferenceKey(me));
  } catch {
    // Not kept beyond this page; the checkbox still says what this page does.
  }
}

/** Opens the context links of each task that comes in while the page is open, once per
 *  task, when ``wanted()``; what the browser blocked is written into ``status``. */
export class AutoOpener {
  constructor(status, wanted) {
    this.status = status;
    this.wanted = wanted;
    this.done = new Set(); // user_session_ids already handled
  }

  /** A live `task` event: ``isNew`` when the page did not show the task before. */
  async taskArrived(view, isNew) {
    const id = view.user_session_id;
    if (!isNew || view.state !== "incoming" || this.done.has(id) || !this.wanted()) return;
    this.done.add(id);
    const links = await this.#links(id);
    if (!links.length) return;
    const result = openTabs(links.map((link) => link.url));
    const who = view.caller?.display_name || "Anonymous";
    const message = blockedMessage(
      result,
      "context link",
      "Until then, open them from the session's details.",
    );
    this.status.textContent = message ? `A session from ${who} came in. ${message}` : "";
  }

  async #links(id) {
    for (let attempt = 1; attempt <= TRIES; attempt += 1) {
      let detail;
      try {
        detail = await api(`/tasks/${seg(id)}`);
      } catch {
        return []; // gone or unreachable: nothing to open, the list says the rest
      }
      if (!detail.widgets?.context_links) return [];
      if (detail.context_links?.length) return detail.context_links;
      if (detail.task.state === "ended") return [];
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    return [];
  }
}
