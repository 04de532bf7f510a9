"""Tenant API keys for CRM flows, as pure rules: how a key looks, how it is kept, what it
allows. No I/O (``connector.key_store`` keeps them in MongoDB).

A key is ``msk_<key id>_<secret>``: the id (12 random bytes, hex) finds the record, the
secret (32 random bytes, URL-safe base64) proves possession. Only a SHA-256 digest of the
whole key is kept: the key carries 256 random bits, so a fast hash is enough (no password
stretching needed: nobody can guess a key to test against the digest), and the digest is
compared in constant time. The key is shown once, when created.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, get_args

__all__ = [
    "ACTIONS",
    "LAST_USE_EVERY",
    "Action",
    "ApiKey",
    "NewKey",
    "digest",
    "key_id_of",
    "last_use_due",
    "new_key",
    "verifies",
]

Action = Literal["set_parameters", "remove_parameters", "set_caller"]
ACTIONS: Final[tuple[Action, ...]] = get_args(Action)

LAST_USE_EVERY: Final = timedelta(minutes=1)
"""A key's last use is written at most this often, not on every request."""

_PREFIX: Final = "msk_"
_SHAPE: Final = re.compile(r"^msk_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$")
MAX_KEY_CHARS: Final = 4 + 24 + 1 + 43


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key's record: never the key itself, only its digest."""

    tenant_id: str
    key_id: str
    name: str
    services: tuple[str, ...]
    actions: tuple[Action, ...]
    digest: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def allows(self, action: Action) -> bool:
        return action in self.actions

    def covers(self, service_id: str) -> bool:
        return service_id in self.services


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just made: ``secret`` is the whole key, to be shown once and never kept."""

    record: ApiKey
    secret: str


def new_key(
    tenant_id: str,
    name: str,
    services: tuple[str, ...],
    actions: tuple[Action, ...],
    created_by: str,
    now: datetime,
) -> NewKey:
    key_id = secrets.token_hex(12)
    secret = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    record = ApiKey(
        tenant_id=tenant_id,
        key_id=key_id,
        name=name,
        services=tuple(dict.fromkeys(services)),
        actions=tuple(a for a in ACTIONS if a in actions),
        digest=digest(secret),
        created_at=now,
        created_by=created_by,
    )
    return NewKey(record, secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_id_of(presented: str) -> str | None:
    """The id in a presented key, or None when it has not the shape of a key."""
    found = _SHAPE.match(presented) if len(presented) <= MAX_KEY_CHARS else None
    return found.group(1) if found else None


def verifies(record: ApiKey, presented: str) -> bool:
    """Whether ``presented`` is the key of ``record`` (constant time in the digest)."""
    return hmac.compare_digest(record.digest, digest(presented))


def last_use_due(record: ApiKey, now: datetime) -> bool:
    """Whether this use should be written: the first, or a minute after the last written."""
    return record.last_used_at is None or now - record.last_used_at >= LAST_USE_EVERY
