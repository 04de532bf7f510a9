"""The headers every page response carries.

The page loads nothing but its own files (``'self'``), runs no inline script and cannot be
framed. Two kinds of frames appear inside it:

- the embedded context widget: a page the service owner configured, on any ``https:``
  origin (the page is static, so it cannot know the tenants' origins in advance; http and
  ``data:``/``javascript:`` stay blocked). It runs sandboxed, and the page refuses a URL on
  its own origin, where ``allow-same-origin`` would lift the sandbox.
- the e-mail preview: an ``srcdoc`` document, which inherits this policy (no remote images,
  no scripts) and adds its own, stricter one; sandboxed without scripts or same-origin.
"""

from typing import Final

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src https:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    )
)

PAGE_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    # The files change with the code; revalidate (ETag) instead of serving a stale page.
    "Cache-Control": "no-cache",
}
