"""Which URLs an endpoint may have: the rule that keeps webhooks from reaching inside.

Pure, but beside the domain rather than in it: URLs are parsed by ``urllib.parse``, and the
domains may import nothing of ``urllib`` (pyproject, "pure-domains").

A webhook makes this system send requests to an address someone typed, so an owner could
point one at the operator's own network (server-side request forgery). In production:

- the scheme is ``https``;
- the host is no loopback, private, link-local (cloud metadata lives there), shared,
  reserved, multicast or unspecified address, written as an IP or found by resolving
  the name at delivery (``adapters.sender`` checks every address the name resolves to),
  and not ``localhost`` or a name under ``.localhost``;
- no user name or password in the URL (it would be shown and stored as the URL).

In development (``WEBHOOKS_MODE=development``) ``http`` is allowed too, but only to a
loopback host (``127.0.0.0/8``, ``::1``, ``localhost``): a receiver on the developer's own
machine; ``https`` may go anywhere.
"""

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

__all__ = ["Mode", "TargetRefused", "check_target", "is_public_address"]

Mode = Literal["production", "development"]

MAX_URL_CHARS = 2048


class TargetRefused(ValueError):
    """The URL breaks the rule; the message says which part (never echoes the URL)."""


def is_public_address(text: str) -> bool:
    """True for an IP address a production webhook may reach."""
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def check_target(url: str, mode: Mode) -> str:
    """The URL if the rule allows it in ``mode``; raises TargetRefused otherwise."""
    if len(url) > MAX_URL_CHARS:
        raise TargetRefused(f"the URL is longer than {MAX_URL_CHARS} characters")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise TargetRefused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("the URL carries a user name or password; use the signature")
    if parts.fragment:
        raise TargetRefused("the URL has a fragment")
    if parts.scheme == "http":
        if mode == "development" and _is_loopback_host(host):
            return url
        raise TargetRefused("the URL must use https (http only to loopback in development)")
    if parts.scheme != "https":
        raise TargetRefused("the URL must use https")
    if mode == "development":
        return url
    if _is_loopback_host(host):
        raise TargetRefused("the host is a loopback address")
    literal = _literal_address(host)
    if literal is not None and not is_public_address(literal):
        raise TargetRefused("the host is a private, link-local or reserved address")
    return url
