"""A real OpenID provider for the sign-in tests (panva's oidc-provider, run by Node.js)."""
