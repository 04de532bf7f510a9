// The page's sign-in, as the gateway's GET /auth/config says: the demo's own sign-in page
// (demo mode), or OpenID Connect at the operator's provider (production, oidc.js).
//
// Production, step by step:
// - signIn: discovery, a fresh state, nonce and PKCE verifier kept in sessionStorage for the
//   round trip only, then the provider's sign-in page;
// - completeSignIn (on /auth/callback): the round trip is taken out of storage at once
//   (one use), the answer checked (state, issuer, ID token nonce), the code redeemed;
// - the session is kept fresh: the access token is renewed with the refresh token before it
//   expires (a minute before, or a quarter of its lifetime for short ones), and before any
//   request that would carry an expired one (a background tab's timers run late). When it
//   cannot be renewed (no refresh token, the provider said no, or stayed away until the
//   token expired), the page says "Your session ended — sign in again" and waits for the
//   agent: a redirect could throw away what they were typing.

import { el } from "./dom.js";
import { safeNext } from "./next.js";
import * as oidc from "./oidc.js";
import { forgetTokens, keepTokens, session, token } from "./tokens.js";

const ROUND_TRIP_KEY = "mysessions.signin";
/** Dispatched on window when the session ended and could not be renewed. */
export const SESSION_ENDED = "mysessions:session-ended";
const RENEW_AHEAD_MS = 60_000;
const RETRY_MS = 5_000;

let config = null;
let meta = null;
let renewal = null;
let renewing = null;
let ended = false;

/** The gateway's sign-in settings (GET /auth/config), read once per document. */
export function signInConfig() {
  config ??= fetch("/auth/config", { cache: "no-store" }).then((answer) => {
    if (!answer.ok) throw new oidc.SignInError(`the gateway answered ${answer.status}`);
    return answer.json();
  });
  config.catch(() => (config = null)); // a failed read is tried again next time
  return config;
}

function discovered(settings) {
  meta ??= oidc.discover(settings.issuer);
  meta.catch(() => (meta = null));
  return meta;
}

const here = () => window.location.pathname + window.location.search;
const redirectUri = (settings) => window.location.origin + settings.redirect_path;

/** Off to sign in, coming back to ``next`` (a page of this site) afterwards. */
export async function signIn(next = here()) {
  let settings;
  try {
    settings = await signInConfig();
    if (settings.mode === "demo") {
      forgetTokens();
      window.location.assign("/signin?next=" + encodeURIComponent(next));
      return;
    }
    if (!settings.issuer)
      throw new oidc.SignInError(
        "sign-in is not set up on this gateway (its GATEWAY_OIDC_CLIENT_ID is unset)",
      );
    const found = await discovered(settings);
    const verifier = oidc.randomToken(32);
    const roundTrip = {
      state: oidc.randomToken(16),
      nonce: oidc.randomToken(16),
      verifier,
      next: safeNext(next),
    };
    const target = oidc.authorizationUrl(found, settings, {
      redirectUri: redirectUri(settings),
      state: roundTrip.state,
      nonce: roundTrip.nonce,
      challenge: await oidc.pkceChallenge(verifier),
    });
    forgetTokens();
    sessionStorage.setItem(ROUND_TRIP_KEY, JSON.stringify(roundTrip));
    window.location.assign(target);
  } catch (error) {
    prompt("Sign-in is not possible right now", error.message, "Try again", () => signIn(next));
  }
}

/** On the redirect URI: checks the provider's answer, redeems the code, keeps the tokens.
 * Returns where to go next; throws ``SignInError`` saying why the answer is refused. */
export async function completeSignIn() {
  const params = new URLSearchParams(window.location.search);
  const saved = JSON.parse(sessionStorage.getItem(ROUND_TRIP_KEY) ?? "null");
  sessionStorage.removeItem(ROUND_TRIP_KEY); // one use, whatever happens next
  history.replaceState(null, "", window.location.pathname); // the code leaves the address bar
  if (!saved) throw new oidc.SignInError("this sign-in was not started in this tab, or was used");
  // Checked before anything else in the answer, errors included: what does not carry this
  // sign-in's state was not asked for by this tab.
  if (params.get("state") !== saved.state)
    throw new oidc.SignInError("the sign-in answer does not belong to this sign-in (state)");
  if (params.has("error"))
    throw new oidc.SignInError(`the sign-in service said no (${params.get("error").slice(0, 64)})`);
  const settings = await signInConfig();
  const found = await discovered(settings);
  const issuer = params.get("iss");
  if (issuer !== null ? issuer !== settings.issuer : found.authorization_response_iss_parameter_supported)
    throw new oidc.SignInError("the sign-in answer comes from another issuer");
  const code = params.get("code");
  if (!code) throw new oidc.SignInError("the sign-in answer carries no code");
  const answer = await oidc.redeemCode(found, settings, {
    code,
    verifier: saved.verifier,
    redirectUri: redirectUri(settings),
  });
  if (settings.scope.split(" ").includes("openid")) {
    if (!answer.id_token) throw new oidc.SignInError("the sign-in service sent no ID token");
    oidc.checkIdToken(answer.id_token, {
      issuer: settings.issuer,
      clientId: settings.client_id,
      nonce: saved.nonce,
    });
  }
  keepTokens(answer);
  return safeNext(saved.next);
}

/** A valid access token: the one held, or a renewed one when it expired and a refresh token
 * is held; null when there is none (then the caller signs in or says the session ended). */
export async function accessToken() {
  const current = token();
  if (current || !session().refresh_token) return current;
  try {
    await renewNow();
  } catch {
    return null;
  }
  return token();
}

/** Production: renews the access token before it expires, or says the session ended when it
 * cannot be. Demo mode: nothing (its tokens last the demo). */
export async function keepSessionFresh() {
  const settings = await signInConfig();
  if (settings.mode === "production" && settings.issuer) schedule(settings);
}

function schedule(settings) {
  clearTimeout(renewal);
  const { issued_at: issuedAt, expires_at: expiresAt, refresh_token: refresh } = session();
  if (!expiresAt || ended) return;
  const untilExpiry = Math.max(0, expiresAt - Date.now());
  if (!refresh) {
    renewal = setTimeout(() => sessionEnded(), untilExpiry);
    return;
  }
  const ahead = Math.min(RENEW_AHEAD_MS, (expiresAt - issuedAt) / 4);
  renewal = setTimeout(() => renewInTime(settings), Math.max(0, untilExpiry - ahead));
}

async function renewInTime(settings) {
  try {
    await renewNow();
    schedule(settings);
  } catch (error) {
    const left = (session().expires_at ?? 0) - Date.now();
    if (error.refused || left <= 0) sessionEnded();
    else renewal = setTimeout(() => renewInTime(settings), Math.min(RETRY_MS, left));
  }
}

/** One renewal at a time, shared by the timer and any request waiting for a token. */
function renewNow() {
  renewing ??= (async () => {
    try {
      const settings = await signInConfig();
      const found = await discovered(settings);
      keepTokens(await oidc.renew(found, settings, session().refresh_token));
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

/** The gateway refused the token, or it could not be renewed. Demo mode: back to the demo's
 * sign-in. Production: the tokens are dropped and the page says so, once. */
export async function sessionEnded() {
  let settings = { mode: "demo" };
  try {
    settings = await signInConfig();
  } catch {
    // the gateway does not answer: its sign-in page is as good a place as any to wait
  }
  if (settings.mode === "demo") {
    forgetTokens();
    window.location.assign("/signin?next=" + encodeURIComponent(here()));
    return;
  }
  if (ended) return;
  ended = true;
  clearTimeout(renewal);
  forgetTokens();
  // A live stream, let in while the token was valid, would go on updating the page.
  window.dispatchEvent(new Event(SESSION_ENDED));
  prompt(
    "Your session ended — sign in again",
    "Your sign-in could not be renewed, so My Sessions stopped updating. Sign in again to go on.",
    "Sign in again",
    () => signIn(),
  );
}

/** Signs out here and, where it offers it, at the provider; then to /auth/signed-out. */
export async function signOut() {
  const held = session();
  forgetTokens();
  clearTimeout(renewal);
  let settings = { mode: "demo" };
  try {
    settings = await signInConfig();
  } catch {
    // nothing is held any more; the provider's session is left as it is
  }
  if (settings.mode === "demo") {
    window.location.assign("/signin");
    return;
  }
  const after = window.location.origin + settings.post_logout_path;
  let target = after;
  try {
    if (settings.issuer)
      target = oidc.endSessionUrl(await discovered(settings), settings, held.id_token, after) ?? after;
  } catch {
    // the provider is away: signed out here, its own session ends by its own clock
  }
  window.location.assign(target);
}

/** A modal dialog saying what happened and offering the one thing to do about it. */
function prompt(title, text, action, onAction) {
  document.getElementById("session-prompt")?.remove();
  const dialog = el(
    "dialog",
    { id: "session-prompt", class: "session-prompt", "aria-labelledby": "session-prompt-title" },
    el("h2", { id: "session-prompt-title", text: title }),
    el("p", { text }),
    el("button", { type: "button", class: "primary", text: action, onclick: onAction }),
  );
  // Escape would leave the page on without a session: the one way on is to sign in.
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  document.body.append(dialog);
  dialog.showModal();
}
