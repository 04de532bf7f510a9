// The e-mail widget: the message as the server sanitized it (nh3), and the reply draft.
//
// The preview runs in an iframe with srcdoc: sandboxed with no scripts and an opaque origin,
// under the page's own policy (which it inherits) plus a stricter one of its own that loads
// nothing remote (no images, fonts or styles from the sender's servers: no tracking pixels).

import { api, ApiError, el, seg } from "./common.js";
import { fullTime } from "./present.js";

const MAX_DRAFT_CHARS = 32768;
const PREVIEW_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

export function previewDocument(html) {
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_POLICY}">` +
    `<base target="_blank"></head><body>${html}</body></html>`
  );
}

export function emailWidget(email, userSessionId) {
  const id = seg(userSessionId);
  const sender = email.sender ?? {};
  const status = el("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const draft = el("textarea", {
    id: "email-draft",
    rows: 6,
    maxlength: MAX_DRAFT_CHARS,
    disabled: email.sent ? true : null,
  });
  draft.addEventListener("input", () => (draft.dataset.touched = "true"));
  draft.value = typeof email.draft === "string" ? email.draft : (email.draft?.body ?? "");
  const save = el("button", {
    type: "button",
    text: "Save draft",
    disabled: email.sent ? true : null,
  });
  const send = el("button", {
    type: "button",
    class: "primary",
    text: "Send reply",
    disabled: email.sent ? true : null,
  });

  save.addEventListener("click", async () => {
    status.textContent = "Saving…";
    try {
      const saved = await api(`/tasks/${id}/email/draft`, {
        method: "PUT",
        body: { body: draft.value },
      });
      status.textContent = `Draft saved at ${fullTime(saved.updated_at)}.`;
    } catch (error) {
      status.textContent = `Not saved: ${error.message}`;
    }
  });
  send.addEventListener("click", async () => {
    status.textContent = "Sending…";
    send.disabled = true;
    try {
      await api(`/tasks/${id}/email/draft`, { method: "PUT", body: { body: draft.value } });
      const sent = await api(`/tasks/${id}/email/send`, { method: "POST" });
      status.textContent = `Reply sent at ${fullTime(sent.sent_at)}.`;
      draft.disabled = true;
      save.disabled = true;
    } catch (error) {
      const already = error instanceof ApiError && error.status === 409;
      status.textContent = already ? "This reply was sent already." : `Not sent: ${error.message}`;
      send.disabled = already;
    }
  });

  const frame = el("iframe", {
    class: "email-preview",
    title: `E-mail: ${email.subject ?? "(no subject)"}`,
    sandbox: "allow-popups allow-popups-to-escape-sandbox",
    referrerpolicy: "no-referrer",
  });
  frame.srcdoc = previewDocument(email.html ?? "");

  return el(
    "div",
    { class: "widget wide email" },
    el("h3", { text: "E-mail" }),
    el("p", { class: "email-subject", text: email.subject ?? "(no subject)" }),
    el("p", {
      class: "muted",
      text:
        `From ${sender.display_name ?? ""} ${sender.address ? `<${sender.address}>` : ""}`.trim() +
        (email.received_at ? ` · ${fullTime(email.received_at)}` : ""),
    }),
    frame,
    el("div", { class: "field" }, el("label", { for: "email-draft", text: "Reply" }), draft),
    el("div", { class: "actions" }, save, send),
    email.sent ? el("p", { class: "muted", text: "A reply was sent." }) : null,
    status,
  );
}
