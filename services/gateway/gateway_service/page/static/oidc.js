// OpenID Connect for a public client in the browser: discovery, the authorization code flow
// with PKCE (S256, hashed by the Web Crypto API), refresh and sign-out. No library: these are
// a few HTTP exchanges, and the page loads nothing but its own files.
//
// No ID token signature is checked here: the ID token comes straight from the provider's
// token endpoint over TLS, in answer to this page's own code and verifier (OpenID Connect
// Core 3.1.3.7), and the gateway verifies the access token it is sent by the provider's
// keys. What the page checks is that the answer belongs to the sign-in it started: state,
// the issuer of the answer (RFC 9207, against mix-ups), and the ID token's issuer, audience
// and nonce.

/** A sign-in step that failed; the message is safe to show (it carries no token).
 * ``refused``: the provider answered no (a used or revoked refresh token), as opposed to
 * not answering at all. */
export class SignInError extends Error {
  constructor(message, { refused = false } = {}) {
    super(message);
    this.refused = refused;
  }
}

export function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** ``bytes`` random bytes, base64url: 32 give a 43-character PKCE verifier (RFC 7636). */
export function randomToken(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of ``verifier``: base64url(SHA-256(verifier)). */
export async function pkceChallenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function getJson(url, init, what) {
  let answer;
  try {
    answer = await fetch(url, { cache: "no-store", credentials: "omit", ...init });
  } catch {
    throw new SignInError("the sign-in service cannot be reached right now");
  }
  let body = {};
  try {
    body = await answer.json();
  } catch {
    // an answer that is not JSON is judged by its status below
  }
  if (!answer.ok) {
    const said = typeof body.error === "string" ? body.error.slice(0, 64) : answer.status;
    throw new SignInError(`the sign-in service refused ${what} (${said})`, {
      refused: answer.status >= 400 && answer.status < 500,
    });
  }
  return body;
}

/** The provider's discovery document, checked: its issuer is exactly ``issuer`` (OpenID
 * Connect Discovery 4.3), and the token endpoint is on the issuer's origin, the one the
 * page's Content-Security-Policy lets it reach. */
export async function discover(issuer) {
  const url = issuer.replace(/\/$/, "") + "/.well-known/openid-configuration";
  const meta = await getJson(url, { headers: { Accept: "application/json" } }, "its settings");
  if (meta.issuer !== issuer)
    throw new SignInError("the sign-in service names another issuer than this gateway's");
  for (const endpoint of ["authorization_endpoint", "token_endpoint"])
    if (typeof meta[endpoint] !== "string")
      throw new SignInError(`the sign-in service names no ${endpoint}`);
  if (new URL(meta.token_endpoint).origin !== new URL(issuer).origin)
    throw new SignInError("the sign-in service's token endpoint is not on its issuer's origin");
  const methods = meta.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes("S256"))
    throw new SignInError("the sign-in service does not offer PKCE with S256");
  return meta;
}

/** Where to send the browser to sign in. */
export function authorizationUrl(meta, config, { redirectUri, state, nonce, challenge }) {
  const url = new URL(meta.authorization_endpoint);
  const params = {
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: redirectUri,
    scope: config.scope,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  };
  if (config.resource) params.resource = config.resource;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

async function tokenRequest(meta, config, form) {
  if (config.resource) form.resource = config.resource;
  const answer = await getJson(
    meta.token_endpoint,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ client_id: config.client_id, ...form }),
    },
    "the tokens",
  );
  if (typeof answer.access_token !== "string" || String(answer.token_type).toLowerCase() !== "bearer")
    throw new SignInError("the sign-in service sent no bearer access token");
  return answer;
}

/** The code from the redirect for tokens (the verifier proves this page asked for it). */
export function redeemCode(meta, config, { code, verifier, redirectUri }) {
  return tokenRequest(meta, config, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
}

/** New tokens for a refresh token (the provider may rotate it: the answer's replaces it). */
export function renew(meta, config, refreshToken) {
  return tokenRequest(meta, config, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** The claims of a JWT, unverified (see the top of this file for why that is enough here). */
export function claimsOf(jwt) {
  const part = String(jwt).split(".")[1] ?? "";
  try {
    const binary = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new SignInError("the sign-in service sent a malformed ID token");
  }
}

/** The ID token is for this client, from this issuer, for this very sign-in (nonce). */
export function checkIdToken(idToken, { issuer, clientId, nonce }) {
  const claims = claimsOf(idToken);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== issuer) throw new SignInError("the ID token names another issuer");
  if (!audiences.includes(clientId)) throw new SignInError("the ID token is for another client");
  if (claims.nonce !== nonce)
    throw new SignInError("the sign-in answer does not belong to this sign-in (nonce)");
  return claims;
}

/** The provider's sign-out URL, back to ``after``; null when it offers none. */
export function endSessionUrl(meta, config, idToken, after) {
  if (typeof meta.end_session_endpoint !== "string") return null;
  const url = new URL(meta.end_session_endpoint);
  url.searchParams.set("client_id", config.client_id);
  url.searchParams.set("post_logout_redirect_uri", after);
  if (idToken) url.searchParams.set("id_token_hint", idToken);
  return url.href;
}
