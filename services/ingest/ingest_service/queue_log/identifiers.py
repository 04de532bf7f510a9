"""Contract-safe ids for what queue_log names, and deterministic event ids.

Every id on our topics matches ``Identifier`` (``^[A-Za-z0-9][A-Za-z0-9._:@/-]*$``, at most
128 characters). Asterisk's call ids, queue names, member names and channel names may hold
spaces and other characters, so they all pass through :func:`safe_identifier`.
"""

import hashlib
import re
import uuid
from typing import Final

MAX_LENGTH: Final = 128

EVENT_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:ingest:asterisk-queue-log")
"""Namespace of the uuid5 event ids; changing it would break de-duplication of re-sent files."""

_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._:@/-]+")
_UNSAFE_OR_SLASH = re.compile(r"[^A-Za-z0-9._:@-]+")
_LEADING = re.compile(r"^[^A-Za-z0-9]+")


def is_identifier(text: str) -> bool:
    return len(text) <= MAX_LENGTH and _IDENTIFIER.match(text) is not None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def fit(identifier: str) -> str:
    """Keep an id within MAX_LENGTH; a digest of the whole keeps long ids apart."""
    if len(identifier) <= MAX_LENGTH:
        return identifier
    digest = _digest(identifier)
    return f"{identifier[: MAX_LENGTH - len(digest) - 1]}-{digest}"


def safe_identifier(
    raw: str, *, lower: bool = False, allow_slash: bool = True, fallback: str = "id"
) -> str:
    """Replace each run of unsafe characters with ``-``.

    Different inputs can meet (``a b`` and ``a-b``); ids built from names are meant to be
    readable, and operators who need exact ids give a mapping instead.
    """
    text = raw.strip().lower() if lower else raw.strip()
    text = (_UNSAFE if allow_slash else _UNSAFE_OR_SLASH).sub("-", text)
    text = _LEADING.sub("", text).rstrip("-")
    if not text:
        return f"{fallback}-{_digest(raw)}"
    return fit(text)


def event_id(tenant_id: str, session_id: str, line_text: str, index: int) -> uuid.UUID:
    """The same line of the same file always yields the same ids, so a re-sent file is
    de-duplicated downstream by ``event_id``."""
    return uuid.uuid5(EVENT_NAMESPACE, "\x1f".join((tenant_id, session_id, line_text, str(index))))
