"""The headers every page response carries.

The page loads nothing but its own files (``'self'``), runs no inline script and cannot be
framed. Two kinds of frames appear inside it:

- the embedded context widget: a page the service owner configured, on any ``https:``
  origin (the page is static, so it cannot know the tenants' origins in advance; http and
  ``data:``/``javascript:`` stay blocked). It runs sandboxed, and the page refuses a URL on
  its own origin, where ``allow-same-origin`` would lift the sandbox.
- the e-mail preview: an ``srcdoc`` document, which inherits this policy (no remote images,
  no scripts) and adds its own, stricter one; sandboxed without scripts or same-origin.

In production the page signs in at the OpenID provider: it reads the provider's discovery
document and redeems codes and refresh tokens at its token endpoint, so ``connect-src`` adds
the origin of the provider's issuer, and no other (``sign_in_origin``). Going to the
provider's sign-in page is a navigation, which no directive here governs.
"""

from typing import Final
from urllib.parse import urlsplit


def content_security_policy(sign_in_origin: str | None = None) -> str:
    """The page's policy; ``sign_in_origin`` (the provider's) may be fetched from too."""
    connect = "connect-src 'self'" + (f" {sign_in_origin}" if sign_in_origin else "")
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            connect,
            "frame-src https:",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        )
    )


def sign_in_origin(issuer: str | None) -> str | None:
    """``scheme://host[:port]`` of the provider's issuer (settings made sure it is http(s)
    with a host), as a CSP source; None without one."""
    if not issuer:
        return None
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def page_headers(sign_in_origin: str | None = None) -> dict[str, str]:
    """The headers of every page response."""
    return {
        "Content-Security-Policy": content_security_policy(sign_in_origin),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        # The files change with the code; revalidate (ETag) instead of serving a stale page.
        "Cache-Control": "no-cache",
    }


CONTENT_SECURITY_POLICY: Final = content_security_policy()
"""The policy without a sign-in origin (demo mode, or production without a page client)."""
PAGE_HEADERS: Final = page_headers()
