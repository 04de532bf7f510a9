"""The ``webhook-id`` of an event sent to an endpoint: the same on every attempt and every
time the event is read again, different per endpoint, so a receiver de-duplicates on it."""

import uuid
from typing import Final

__all__ = ["message_id"]

_NAMESPACE: Final = uuid.UUID("6f1c3c3e-5d43-4a59-9a43-4c1f3e0b7a52")


def message_id(endpoint_id: str, event_type: str, event_key: str) -> str:
    return "msg_" + uuid.uuid5(_NAMESPACE, f"{endpoint_id}\x1f{event_type}\x1f{event_key}").hex
