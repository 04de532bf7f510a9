"""Readable, run-unique ids and deterministic event ids.

Ids carry the run tag (seed and start), so a second run never reuses a session id or an
event id that ingest has already de-duplicated, while the same config repeats exactly.
"""

from itertools import count
from typing import Final
from uuid import UUID, uuid5

EVENT_ID_NAMESPACE: Final = UUID("6f1b7c1e-2a55-4c4e-9d7e-5a0c3f1d2b90")


class Ids:
    def __init__(self, run_tag: str) -> None:
        self._run_tag = run_tag
        self._events = count(1)
        self._sessions = count(1)

    def event_id(self) -> UUID:
        return uuid5(EVENT_ID_NAMESPACE, f"{self._run_tag}/{next(self._events)}")

    def session_id(self) -> str:
        return f"sim-{self._run_tag}-{next(self._sessions):06d}"


def service_session_id(session_id: str, visit: int) -> str:
    """The session's ``visit``-th stay in a service: ``...-000042.q2`` after one transfer."""
    return f"{session_id}.q{visit}"


def user_session_id(service_session_id: str, offer: int) -> str:
    return f"{service_session_id}.o{offer}"


def outbound_user_session_id(session_id: str) -> str:
    return f"{session_id}.dial"
