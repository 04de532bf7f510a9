"""JSON read with keys compared case-insensitively: AWS's own samples spell the same key
``agentInfo`` and ``AgentInfo``, ``agentArn`` and ``AgentArn``."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


class InvalidConnectEvent(ValueError):
    """An event without what its type needs; the message names the field only."""


def get(obj: object, *path: str) -> Any:
    """The value at ``path`` (keys matched case-insensitively), or None."""
    current: Any = obj
    for key in path:
        if not isinstance(current, Mapping):
            return None
        folded = key.casefold()
        current = next((v for k, v in current.items() if str(k).casefold() == folded), None)
    return current


def text(obj: object, *path: str) -> str:
    value = get(obj, *path)
    return value.strip() if isinstance(value, str) else ""


def instant(obj: object, *path: str) -> datetime | None:
    """An ISO 8601 time (``2021-08-04T17:29:09.000Z``) or None; a bad one is an error."""
    raw = text(obj, *path)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidConnectEvent(f"{'.'.join(path)}: not an ISO 8601 time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def resource_id(arn: str) -> str:
    """The last segment of an ARN (``.../agent/<id>`` -> ``<id>``)."""
    return arn.rsplit("/", 1)[-1]
