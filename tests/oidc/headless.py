"""Signing in at the test provider without a browser: the authorization code flow with
PKCE, as the page does it, over plain HTTP (httpx). For tests that need a provider's real
tokens but not the page (a token of another issuer)."""

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from .running import Account, Client


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def sign_in(issuer: str, client: Client, resource: str, account: Account) -> dict[str, Any]:
    """The token endpoint's answer (access, ID and refresh tokens) for ``account``."""
    redirect_uri = client.redirect_uris[0]
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    async with httpx.AsyncClient(base_url=issuer, timeout=10) as http:
        meta = (await http.get("/.well-known/openid-configuration")).json()
        answer = await http.get(
            meta["authorization_endpoint"],
            params={
                "response_type": "code",
                "client_id": client.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid offline_access",
                "state": state,
                "nonce": secrets.token_urlsafe(16),
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
                "resource": resource,
            },
        )
        # Follow the provider's redirects (its login form, consent) until it sends the
        # browser back to the client's redirect URI with the code.
        for _ in range(10):
            location = urljoin(str(answer.url), answer.headers.get("location", ""))
            if answer.is_redirect and location.startswith(redirect_uri):
                break
            if answer.is_redirect:
                answer = await http.get(location)
                continue
            form = re.search(r'action="(/interaction/[\w-]+/login)"', answer.text)
            assert form, f"no login form: {answer.status_code} {answer.text[:200]}"
            answer = await http.post(
                form.group(1), data={"login": account.login, "password": account.password}
            )
        else:
            raise AssertionError("the provider never sent the browser back")
        query = parse_qs(urlsplit(location).query)
        assert query["state"] == [state]
        tokens = await http.post(
            meta["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": redirect_uri,
                "client_id": client.client_id,
                "code_verifier": verifier,
            },
        )
        tokens.raise_for_status()
        body: dict[str, Any] = tokens.json()
        return body
