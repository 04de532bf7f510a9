// The settings and admin screens' share of the page's common.js (same names, same
// behaviour), until the My Sessions page's common.js lands: then import from "./common.js".
//
// The token lives in sessionStorage under "mysessions.token" (one tab's sign-in).

export const TOKEN_KEY = "mysessions.token";
export const API = "/api/v1";

export function takeTokenFromFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const found = fragment.get("access_token");
  if (found) {
    sessionStorage.setItem(TOKEN_KEY, found);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function toSignIn() {
  sessionStorage.removeItem(TOKEN_KEY);
  window.location.assign("/signin?next=" + encodeURIComponent(window.location.pathname));
}

/** An error answer of the API: ``status`` and its JSON body (``detail`` and more). */
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.detail === "string" ? body.detail : `the server answered ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

/** ``path`` under /api/v1; ``body`` is sent as JSON. 401 goes to the sign-in page. */
export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json", Authorization: `Bearer ${token() ?? ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    cache: "no-store",
  });
  if (answer.status === 401) {
    toSignIn();
    throw new ApiError(401, { detail: "signed out" });
  }
  const text = await answer.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  if (!answer.ok) throw new ApiError(answer.status, parsed);
  return parsed;
}

/** An id as one URL path segment. */
export const seg = (id) => encodeURIComponent(id);

/** A child element: ``el("span", {class: "x", text: "hi"}, child...)``. Text only, never HTML. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** The field problems of a 422 (``detail``: a list of {loc, msg}) as "a.b.0" -> message. */
export function fieldProblems(error) {
  const problems = new Map();
  const detail = error?.body?.detail;
  if (error?.status === 422 && Array.isArray(detail)) {
    for (const item of detail) {
      const loc = (item.loc ?? []).filter((part, i) => !(i === 0 && part === "body"));
      const key = loc.join(".");
      problems.set(key, problems.has(key) ? `${problems.get(key)}; ${item.msg}` : item.msg);
    }
  }
  return problems;
}

/** A UTC instant as the browser's local date and time. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}
