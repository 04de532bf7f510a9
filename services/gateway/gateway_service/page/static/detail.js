// The detail panel of one task: the widgets its service switches on (GET /tasks/{id}).

import { api, el, present, seg } from "./common.js";
import { acwWidget } from "./acw.js";
import { emailWidget } from "./email.js";
import { blockedMessage, openTabs, safeUrl } from "./popups.js";
import {
  callerDetailLabel,
  detailField,
  duration,
  fullTime,
  isTicking,
  resultLabel,
  shownSeconds,
  TIMER_NAMES,
  tone,
} from "./present.js";

export class DetailPanel {
  constructor(container, { onSaved }) {
    this.container = container;
    this.onSaved = onSaved;
    this.id = null;
    this.detail = null;
    this.loading = null;
  }

  async open(id, { focus = true } = {}) {
    this.id = id;
    this.loading?.abort();
    this.loading = new AbortController();
    let detail;
    try {
      detail = await api(`/tasks/${seg(id)}`, { signal: this.loading.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      this.#show([
        el("h2", { id: "detail-title", text: "Details" }),
        el("p", { class: "error", role: "alert", text: error.message }),
      ]);
      return;
    }
    if (this.id !== id) return;
    this.detail = detail;
    this.captions = new Map();
    this.#render();
    if (focus) this.container.focus();
  }

  /** A live change of the open task: re-read the widgets when its state or marker moved. */
  taskChanged(view) {
    if (!this.detail || view.user_session_id !== this.id) return;
    const old = this.detail.task;
    this.detail.task = view;
    if (old.state !== view.state || old.open !== view.open) {
      // Never throw away what the agent is writing: a touched form stays (its save then
      // answers what changed, e.g. saved already by whom and when).
      const touched = this.container.querySelector("form[data-touched], textarea[data-touched]");
      if (!touched) return void this.open(this.id, { focus: false });
    }
    this.#renderResult();
  }

  /** A task's detail read again because its live context changed (a CRM flow set
   * parameters or the caller): shown if it is the open task, unless the agent is writing in
   * a form (kept, as on a state change). */
  contextChanged(detail) {
    if (!this.detail || detail.task.user_session_id !== this.id) return;
    if (this.container.querySelector("form[data-touched], textarea[data-touched]")) return;
    this.detail = detail;
    this.captions = new Map();
    this.#render();
  }

  caption(data) {
    if (!this.detail || data.user_session_id !== this.id || !this.transcriptList) return;
    const caption = data.caption;
    const line = this.#line(caption);
    const old = this.captions.get(caption.segment_id);
    if (old) old.replaceWith(line);
    else this.transcriptList.append(line);
    this.captions.set(caption.segment_id, line);
    this.transcriptState.textContent = "Live caption";
  }

  tick() {
    if (this.timerNode && this.detail && isTicking(this.detail.task)) {
      this.timerNode.textContent = duration(shownSeconds(this.detail.task));
    }
  }

  #show(children) {
    this.container.replaceChildren(...children);
  }

  #render() {
    const d = this.detail;
    const t = d.task;
    const w = d.widgets ?? {};
    this.resultNode = el("div", { class: "widget result-widget" });
    this.transcriptList = null;
    const widgets = [this.resultNode, this.#callerWidget(d, w), this.#serviceWidget(d)];
    if (d.earlier_notes?.length) widgets.push(earlierNotes(d.earlier_notes));
    if (w.session_details) widgets.push(this.#sessionDetails(d));
    if (w.context_links || w.map) widgets.push(this.#links(d, w));
    // A concluded session's page is today's template with what its service stored (the
    // API's URL); an ended task whose service stored nothing has none: "Not Available".
    if (w.embedded_context && d.embedded_context_url)
      widgets.push(this.#embedded(d.embedded_context_url));
    else if (w.embedded_context && t.state === "ended") widgets.push(this.#embeddedNotAvailable());
    if (w.chat && d.chat_url) widgets.push(this.#chat(d.chat_url));
    if (w.email && d.email) widgets.push(emailWidget(d.email, t.user_session_id));
    if (w.transcription && d.transcript)
      widgets.push(this.#transcript(d.transcript, Boolean(d.acw?.enabled)));
    if (d.acw?.enabled) widgets.push(acwWidget(d.acw, t, () => this.#saved()));
    this.#show([el("h2", { id: "detail-title", text: "Details" }), ...widgets]);
    this.#renderResult();
  }

  #renderResult() {
    const t = this.detail.task;
    const seconds = shownSeconds(t);
    const label = t.shown_timer ? TIMER_NAMES[t.shown_timer] : null;
    this.timerNode = el("span", { class: "big-timer", text: duration(seconds) });
    this.resultNode.className = `widget result-widget tone-${tone(t)}`;
    this.resultNode.replaceChildren(
      ...present([
        el("h3", { text: "Result" }),
        el("p", { class: "result-label", text: resultLabel(t) }),
        label
          ? el("p", {}, el("span", { class: "timer-name", text: `${label}: ` }), this.timerNode)
          : null,
        el("p", { class: "muted", text: `Started ${fullTime(t.started_at)}` }),
        t.open
          ? el("p", { class: "open-note", text: "After-call work is open for this session." })
          : null,
      ]),
    );
  }

  #callerWidget(d, w) {
    // Every field wraps anywhere (app.css, .caller-card): a long e-mail address or name
    // breaks inside the card instead of widening it past the panel.
    const box = el("div", { class: "widget caller-card" }, el("h3", { text: "Caller" }));
    const caller = w.caller_information ? d.caller : null;
    const name = caller?.display_name || d.task.caller?.display_name || "Anonymous";
    box.append(el("p", { class: "caller-name", text: name }));
    const address = caller?.address ?? d.task.caller?.address;
    if (address) box.append(el("p", { class: "muted caller-address", text: address }));
    if (caller?.details && Object.keys(caller.details).length)
      box.append(pairs(Object.entries(caller.details).map(([n, v]) => [callerDetailLabel(n), v])));
    return box;
  }

  #serviceWidget(d) {
    const name = d.service?.service_name ?? d.task.service_name ?? d.task.service_id ?? "";
    return el("div", { class: "widget" }, el("h3", { text: "Service" }), el("p", { text: name }));
  }

  #sessionDetails(d) {
    const box = el("div", { class: "widget" }, el("h3", { text: "Session details" }));
    if (!d.session_details?.length) box.append(el("p", { class: "muted", text: "Not Available" }));
    else box.append(pairs(d.session_details.map(sessionDetail)));
    return box;
  }

  #links(d, w) {
    const box = el("div", { class: "widget" }, el("h3", { text: "Context" }));
    const links = w.context_links ? (d.context_links ?? []) : [];
    if (links.length) {
      const list = el("ul", { class: "links" });
      for (const link of links) list.append(el("li", {}, external(link.url, link.name)));
      // In the page from the start, so a screen reader announces what is written into it.
      const status = el("p", { class: "popup-status", role: "status" });
      box.append(
        list,
        el("button", {
          type: "button",
          class: "open-all",
          text: "Open all context links",
          onclick: () => {
            const result = openTabs(links.map((link) => link.url));
            status.textContent = blockedMessage(
              result,
              "context link",
              "Then choose Open all context links again, or open each link above.",
            );
          },
        }),
        status,
      );
    } else if (w.context_links) box.append(el("p", { class: "muted", text: "No context links" }));
    if (w.map && d.map_url)
      box.append(el("p", {}, external(d.map_url, "Show the caller's location on a map")));
    return box;
  }

  #embedded(url) {
    const box = el(
      "div",
      { class: "widget wide embedded-widget" },
      el("h3", { text: "Conversation context" }),
    );
    let target;
    try {
      target = new URL(url);
    } catch {
      return box;
    }
    // A page on our own origin would be same-origin with allow-same-origin: refused.
    if (target.protocol !== "https:" || target.origin === window.location.origin) {
      box.append(
        el("p", { class: "muted", text: "The configured context page cannot be embedded." }),
      );
      return box;
    }
    box.append(
      el("iframe", {
        class: "embedded",
        title: "Conversation context",
        src: target.href,
        sandbox: "allow-scripts allow-forms allow-popups allow-same-origin",
        referrerpolicy: "no-referrer",
        loading: "lazy",
      }),
    );
    return box;
  }

  #embeddedNotAvailable() {
    return el(
      "div",
      { class: "widget wide embedded-widget" },
      el("h3", { text: "Conversation context" }),
      el("p", { class: "muted", text: "Not Available" }),
    );
  }

  #chat(url) {
    const status = el("p", { class: "popup-status", role: "status" });
    return el(
      "div",
      { class: "widget" },
      el("h3", { text: "Chat" }),
      el("button", {
        type: "button",
        class: "open-chat",
        text: "Open chat",
        onclick: () => {
          status.textContent = blockedMessage(openTabs([url]), "chat", "Then open it again.");
        },
      }),
      status,
    );
  }

  /** ``withAcw``: the task takes after-call work (``acw.enabled``: Codes and Tags was on
   * when it started). Only then does a pending transcript show its loading indicator, as
   * the product documents it ("If you have ACW configured, a loading indicator shows the
   * saving process"); elsewhere a pending transcript reads as none yet. */
  #transcript(transcript, withAcw) {
    const labels = {
      live: "Live caption",
      pending: withAcw ? "Saving the transcript…" : "No transcript yet",
      available: "Transcript",
      expired: "Transcript no longer kept",
      none: "No transcript",
    };
    const loading = transcript.state === "pending" && withAcw;
    this.transcriptState = el(
      "p",
      { class: loading ? "muted transcript-pending" : "muted", "aria-live": "polite" },
      loading ? el("span", { class: "spinner", "aria-hidden": "true" }) : null,
      labels[transcript.state] ?? transcript.state,
    );
    this.transcriptList = el("ol", { class: "transcript", "aria-label": "Transcript" });
    for (const line of transcript.lines ?? []) {
      const node = this.#line(line);
      if (line.segment_id) this.captions.set(line.segment_id, node);
      this.transcriptList.append(node);
    }
    return el(
      "div",
      { class: "widget wide transcript-widget" },
      el("h3", { text: "Transcription" }),
      this.transcriptState,
      this.transcriptList,
    );
  }

  #line(line) {
    return el(
      "li",
      { class: line.final === false ? "interim" : "" },
      el("span", { class: `speaker speaker-${line.speaker}`, text: `${line.speaker}: ` }),
      el("span", { text: line.text }),
    );
  }

  #saved() {
    this.onSaved?.(this.id);
    this.open(this.id, { focus: false });
  }
}

/** A session detail as a person reads it; a value another service of the session set
 * (a transfer carried it on) names that service, as the product documentation does. */
function sessionDetail(field) {
  const [label, shown] = detailField(field.name, field.value, field.label);
  return [label, field.set_in ? `${shown} (from ${field.set_in.service_name})` : shown];
}

function pairs(entries) {
  const list = el("dl", { class: "pairs" });
  for (const [name, value] of entries)
    list.append(el("dt", { text: name }), el("dd", { text: value ?? "Not Available" }));
  return list;
}

function external(url, text) {
  const safe = safeUrl(url);
  if (!safe) return el("span", { text });
  return el("a", { href: safe, target: "_blank", rel: "noopener noreferrer", text });
}

/** A returning caller's earlier notes: per earlier session (newest first) its date and
 * service, the codes' labels and the tags as saved. */
function earlierNotes(notes) {
  const list = el("ul", { class: "earlier-notes" });
  for (const note of notes) {
    const codes = [
      note.primary_code ? `Primary: ${note.primary_code}` : null,
      note.secondary_code ? `Secondary: ${note.secondary_code}` : null,
    ].filter(Boolean);
    list.append(
      el(
        "li",
        {},
        el(
          "p",
          { class: "note-when" },
          el("time", { datetime: note.at, text: fullTime(note.at) }),
          el("span", { class: "muted", text: ` \u00B7 ${note.service_name}` }),
        ),
        codes.length ? el("p", { class: "note-codes", text: codes.join(" \u00B7 ") }) : null,
        note.tags.length
          ? el(
              "ul",
              { class: "note-tags", "aria-label": "Tags" },
              ...note.tags.map((tag) => el("li", { class: "chip", text: tag })),
            )
          : null,
      ),
    );
  }
  return el(
    "section",
    { class: "widget wide earlier", "aria-labelledby": "earlier-title" },
    el("h3", { id: "earlier-title", text: "Earlier notes on this caller" }),
    list,
  );
}
