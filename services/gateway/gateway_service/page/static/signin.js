// The demo's sign-in: GET /demo/users, then POST /demo/token for the chosen one.

import { el, TOKEN_KEY } from "./common.js";
import { safeNext } from "./next.js";

const status = document.getElementById("signin-status");
const users = document.getElementById("users");

export { safeNext };

function next() {
  return safeNext(new URLSearchParams(window.location.search).get("next") ?? "/");
}

function landing(user) {
  if (next() !== "/") return next();
  if (user.roles.includes("agent")) return "/";
  if (user.roles.includes("service_owner")) return "/settings";
  return "/admin";
}

async function signIn(user) {
  status.textContent = `Signing in as ${user.label}…`;
  const answer = await fetch("/demo/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    // Which registered demo user; the gateway signs the claims it registered for them.
    body: JSON.stringify({ tenant_id: user.tenant_id, user_id: user.user_id }),
  });
  if (!answer.ok) {
    status.textContent = `Sign-in failed (${answer.status}).`;
    return;
  }
  const { access_token: token } = await answer.json();
  sessionStorage.setItem(TOKEN_KEY, token);
  window.location.assign(landing(user));
}

(async () => {
  const answer = await fetch("/demo/users");
  const found = answer.ok ? await answer.json() : [];
  if (!found.length)
    status.textContent = "No demo users are registered: start the demo with `mysessions demo`.";
  for (const user of found) {
    users.append(
      el(
        "li",
        {},
        el(
          "button",
          { type: "button", class: "user", onclick: () => signIn(user) },
          el("strong", { text: user.label }),
          el("span", {
            class: "muted",
            text: ` ${user.user_id} · ${user.tenant_id} · ${user.roles.join(", ")}`,
          }),
        ),
      ),
    );
  }
})();
