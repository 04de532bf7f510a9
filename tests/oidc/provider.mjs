// A real OpenID provider for the page's sign-in tests: panva's oidc-provider (OpenID
// Certified), configured as an operator would configure theirs for My Sessions.
//
//   node provider.mjs CONFIG.json
//
// CONFIG (written by tests/oidc/running.py): the host, the signing key file (made when
// missing, so two providers can share one key and differ by issuer alone), the page's
// client, the gateway's resource indicator (its audience), the access token lifetime and the
// accounts. It listens on a free port, then prints one JSON line {"issuer": ...} on stdout.
//
// The library is imported from the directory in OIDC_PROVIDER_MODULES (the node_modules that
// scripts/fetch_oidc_provider.sh installs with `npm ci` into .cache/), so this file stays in
// the repository and the packages stay out of it.
//
// What a provider for My Sessions needs, and where it is set below:
// - the page is a public client (no secret) using the authorization code flow with PKCE
//   (S256), its redirect URI being the gateway's /auth/callback;
// - the access token is a JWT for the gateway (resource indicator = GATEWAY_AUDIENCE),
//   signed RS256 with a key of the provider's JWKS, carrying the claims the gateway reads:
//   sub, tenant_id, roles, services;
// - refresh tokens for the page's client when the test asks for them (renewal).

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const modules = process.env.OIDC_PROVIDER_MODULES;
if (!modules) throw new Error("OIDC_PROVIDER_MODULES must name the installed node_modules");
const library = pathToFileURL(join(modules, "oidc-provider", "lib", "index.js")).href;
const { default: Provider, errors } = await import(library);

function signingKey(path) {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex") };
    writeFileSync(path, JSON.stringify({ ...jwk, use: "sig", alg: "RS256" }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

const accounts = new Map(config.accounts.map((account) => [account.sub, account]));

function account(sub) {
  const found = accounts.get(sub);
  if (!found) return undefined;
  return { accountId: sub, claims: async () => ({ sub, ...found.claims }) };
}

const client = config.client;
const server = createServer();
await new Promise((resolve) => server.listen(0, config.host, resolve));
const issuer = `http://${config.host}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.client_id,
      token_endpoint_auth_method: "none", // a public client: the page keeps no secret
      application_type: "web",
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris,
      response_types: ["code"],
      grant_types: client.refresh ? ["authorization_code", "refresh_token"] : ["authorization_code"],
    },
  ],
  jwks: { keys: [signingKey(config.key_file)] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  pkce: { required: () => true }, // S256 is the only method this library accepts
  findAccount: (_ctx, sub) => account(sub),
  // The page's client may renew (refresh_token grant) whenever it is allowed to: operators'
  // providers decide this by their own policy, not by the offline_access scope alone.
  issueRefreshToken: async (_ctx, theClient) => theClient.grantTypeAllowed("refresh_token"),
  // The claims the gateway reads, in the access token it verifies.
  extraTokenClaims: async (_ctx, token) =>
    token.kind === "AccessToken" ? accounts.get(token.accountId)?.claims : undefined,
  clientBasedCORS: (_ctx, origin, theClient) =>
    theClient.redirectUris.some((uri) => new URL(uri).origin === origin),
  features: {
    devInteractions: { enabled: false }, // the login page below checks a password
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => config.resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator) => {
        if (indicator !== config.resource) throw new errors.InvalidTarget();
        return {
          scope: "sessions",
          audience: config.resource,
          accessTokenTTL: config.access_token_ttl_s,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        };
      },
    },
  },
  ttl: { IdToken: config.access_token_ttl_s, Session: 3600, Interaction: 600, Grant: 3600 },
});

const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><main><h1>${title}</h1>${body}</main></body></html>`;

function loginForm(uid, problem) {
  return page(
    "Sign in to the test provider",
    (problem ? `<p role="alert">${problem}</p>` : "") +
      `<form method="post" action="/interaction/${uid}/login">` +
      '<label>Username <input name="login" autocomplete="username" required></label>' +
      '<label>Password <input name="password" type="password" required></label>' +
      '<button type="submit">Sign in</button></form>',
  );
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res, status, html) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(html);
}

// The page is a first-party app: what it asks for is granted without a consent screen.
async function consent(details) {
  const { prompt, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(" "));
  return { consent: { grantId: await grant.save() } };
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page("Unknown sign-in", ""));
  if (details.prompt.name === "consent")
    return provider.interactionFinished(req, res, await consent(details), {
      mergeWithLastSubmission: true,
    });
  if (action !== "login" || req.method !== "POST") return send(res, 200, loginForm(uid));
  const form = await formBody(req);
  const found = config.accounts.find((a) => a.login === form.get("login"));
  if (!found || found.password !== form.get("password"))
    return send(res, 200, loginForm(uid, "Wrong username or password."));
  return provider.interactionFinished(req, res, { login: { accountId: found.sub } }, {
    mergeWithLastSubmission: false,
  });
}

const handle = provider.callback();
server.on("request", (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login))?$/.exec(req.url.split("?")[0]);
  if (!match) return handle(req, res);
  interaction(req, res, match[1], match[2]).catch((error) => {
    console.error(`interaction failed: ${error.name}`);
    send(res, 400, page("Sign-in failed", `<p>${error.name}</p>`));
  });
});

process.stdout.write(JSON.stringify({ issuer }) + "\n");
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
