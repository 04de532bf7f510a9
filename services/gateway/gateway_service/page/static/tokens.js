// The page's tokens, in sessionStorage: one tab's sign-in, shared by the tab's pages (My
// Sessions, settings and admin are separate documents), gone when the tab closes. Never in
// localStorage or a cookie: another tab or a request to the gateway never carries them.
//
// TOKEN_KEY holds the access token the API is called with; SESSION_KEY what renews it (the
// refresh token, when the provider gave one), when it expires, and the ID token (the hint of
// the provider's sign-out).

export const TOKEN_KEY = "mysessions.token";
const SESSION_KEY = "mysessions.session";

/** {issued_at, expires_at (ms since the epoch, or null), refresh_token, id_token}, or {}. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

/** The access token while it is valid (by its expiry, when known); null otherwise. */
export function token() {
  const access = sessionStorage.getItem(TOKEN_KEY);
  if (!access) return null;
  const { expires_at: expiresAt } = session();
  return expiresAt && Date.now() >= expiresAt ? null : access;
}

/** Keeps a token endpoint's answer. The expiry is counted from now on this clock (a
 * browser's clock may be off; ``expires_in`` is not). A renewal may omit the refresh token
 * or the ID token: the ones held are kept then. */
export function keepTokens(answer) {
  const now = Date.now();
  const seconds = Number(answer.expires_in);
  const held = session();
  sessionStorage.setItem(TOKEN_KEY, answer.access_token);
  sessionStorage.setItem(
    SESSION_KEY,
    JSON.stringify({
      issued_at: now,
      expires_at: seconds > 0 ? now + seconds * 1000 : null,
      refresh_token: answer.refresh_token ?? held.refresh_token ?? null,
      id_token: answer.id_token ?? held.id_token ?? null,
    }),
  );
}

export function forgetTokens() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
}
