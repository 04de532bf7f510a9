"""Standard Webhooks signatures: what a receiver checks before it trusts a request.

The secret is ``whsec_`` and the base64 of its key bytes; the signed content is
``<webhook-id>.<webhook-timestamp>.<body>``; the signature header is ``v1,`` and the base64
of that content's HMAC-SHA256 under the key (several, space-separated, while a secret is
rotated; one here).
"""

import base64
import hashlib
import hmac
from typing import Final

__all__ = ["SECRET_PREFIX", "key_of", "secret_of", "sign"]

SECRET_PREFIX: Final = "whsec_"


def secret_of(key: bytes) -> str:
    """The secret as shown to the owner once: ``whsec_<base64 key>``."""
    return SECRET_PREFIX + base64.b64encode(key).decode()


def key_of(secret: str) -> bytes:
    """The key bytes of a ``whsec_`` secret (raises ValueError on anything else)."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header of one attempt."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
