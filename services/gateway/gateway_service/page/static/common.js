// Shared by every page of the gateway: the token, the API's fetch wrapper, the live stream.
//
// The token lives in sessionStorage (tokens.js); session.js signs in and keeps it fresh. A
// demo sign-in may hand it over in the URL fragment (#access_token=...): the fragment never
// reaches a server or a Referer, and it is removed from the address bar at once.

import { accessToken, sessionEnded, signIn } from "./session.js";
import { session, TOKEN_KEY } from "./tokens.js";

export { el, present } from "./dom.js";
export { accessToken, keepSessionFresh, SESSION_ENDED, signOut } from "./session.js";
export { TOKEN_KEY, token } from "./tokens.js";
export const API = "/api/v1";

export function takeTokenFromFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const given = fragment.get("access_token");
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
}

/** Not signed in: off to sign in (the demo's page, or the provider), back here after. */
export function toSignIn() {
  signIn();
}

/** The API refused the request (401): a tab that never signed in signs in; one whose
 * token was refused, or could not be renewed, is told its session ended (production) or
 * sent to sign in (demo). */
function refused(sent) {
  if (sent || session().issued_at) sessionEnded();
  else toSignIn();
}

/** An error answer of the API: ``status`` and its JSON body (``detail`` and more). */
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.detail === "string" ? body.detail : `the server answered ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

export const UNREACHABLE = "The gateway cannot be reached right now; check the connection and try again.";

/** ``path`` under /api/v1; ``body`` is sent as JSON. 401 signs out to the sign-in page;
 * no answer at all is an ``ApiError`` with status 0 and a message a person can act on. */
export async function api(path, { method = "GET", body, signal } = {}) {
  const sent = await accessToken();
  const headers = { Accept: "application/json", Authorization: `Bearer ${sent ?? ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let answer;
  try {
    answer = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    // fetch() rejects only when no answer came at all (network down, gateway restarting).
    throw new ApiError(0, { detail: UNREACHABLE });
  }
  if (answer.status === 401) {
    refused(sent);
    throw new ApiError(401, { detail: "signed out" });
  }
  const text = await answer.text();
  const parsed = text ? safeJson(text) : null;
  if (!answer.ok) throw new ApiError(answer.status, parsed);
  return parsed;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/** An id as one URL path segment. */
export const seg = (id) => encodeURIComponent(id);

/**
 * The agent's live stream (GET /api/v1/live) read with fetch(), since EventSource cannot
 * send the Authorization header. ``handlers``: {task(view, id), caption(data), context(data),
 * refresh(data), status(text)}. Reconnects with backoff (1 s doubling to 30 s, with jitter) and sends the
 * last seen event id as ``Last-Event-ID``, so nothing is missed across a sleep or a network
 * change; the server answers ``refresh`` when it cannot replay what was missed.
 * Returns {stop(), setLastEventId(id)}.
 */
export function liveStream(lastEventId, handlers) {
  let lastId = lastEventId;
  let stopped = false;
  let controller = null;
  let delay = 1000;

  async function connectOnce() {
    controller = new AbortController();
    const sent = await accessToken();
    const headers = { Accept: "text/event-stream", Authorization: `Bearer ${sent ?? ""}` };
    if (lastId) headers["Last-Event-ID"] = lastId;
    const answer = await fetch(API + "/live", {
      headers,
      signal: controller.signal,
      cache: "no-store",
    });
    if (answer.status === 401) {
      stopped = true;
      refused(sent);
      return;
    }
    if (!answer.ok || !answer.body) throw new Error(`live stream answered ${answer.status}`);
    handlers.status?.("live");
    delay = 1000;
    const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut;
      // Events end at a blank line; a line may end in \n, \r\n or \r.
      while ((cut = buffer.search(/\r\n\r\n|\n\n|\r\r/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + (buffer.startsWith("\r\n\r\n", cut) ? 4 : 2));
        dispatch(parseEvent(block));
      }
    }
  }

  function dispatch(event) {
    if (!event) return;
    if (event.id !== undefined) lastId = event.id;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // a malformed event is dropped, the stream goes on
    }
    if (event.event === "task") handlers.task?.(data, event.id);
    else if (event.event === "caption") handlers.caption?.(data);
    else if (event.event === "context") handlers.context?.(data);
    else if (event.event === "refresh") handlers.refresh?.(data);
  }

  (async () => {
    while (!stopped) {
      try {
        await connectOnce();
      } catch (error) {
        if (stopped) return;
      }
      if (stopped) return;
      handlers.status?.("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
      delay = Math.min(delay * 2, 30000);
    }
  })();

  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
    setLastEventId(id) {
      lastId = id;
    },
    get lastEventId() {
      return lastId;
    },
  };
}

/** One SSE block -> {event, id, data}; null for comments (heartbeats) and empty blocks. */
export function parseEvent(block) {
  let event = "message";
  let id;
  const data = [];
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id" && !value.includes("\0")) id = value;
  }
  if (!data.length) return null;
  return { event, id, data: data.join("\n") };
}
