"""Which earlier sessions of a caller a new task shows notes of: the rule, pure.

A returning caller's new task shows what the caller's earlier sessions left (their codes
and tags) only where retention allows it. An earlier session counts when:

- its service stored its context when the session left it (there is a stored record: the
  storage rule writes one only for a service that opted in at that instant);
- the record has not expired (30 days: ``StoredContext.visible_at``);
- the record's caller is the same caller: the same normalized number or address (the key
  the store writes beside the caller, ``adapters.caller_keys``; anonymous callers have
  none and match nobody);
- it is another session: a transfer within the current session is not an earlier visit.

Of those, the ``limit`` most recently stored are shown, newest first.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from context_service.domain.storage import StoredContext

__all__ = ["MAX_EARLIER_SESSIONS", "KeyedRecord", "counts", "earlier_sessions"]

MAX_EARLIER_SESSIONS: Final = 5
"""What a task shows at most: enough to recall a caller, few enough to read at a glance."""

KeyedRecord = tuple[str | None, StoredContext]
"""A stored record with its caller's key (None: anonymous, or stored before keys were)."""


def counts(keyed: KeyedRecord, caller_key: str | None, session_id: str, now: datetime) -> bool:
    """Whether one stored record is an earlier session of this caller, as of ``now``."""
    record_key, record = keyed
    return (
        caller_key is not None
        and record_key == caller_key
        and record.session_id != session_id
        and record.stored_at <= now
        and record.visible_at(now)
    )


def earlier_sessions(
    records: Iterable[KeyedRecord],
    caller_key: str | None,
    session_id: str,
    now: datetime,
    limit: int = MAX_EARLIER_SESSIONS,
) -> list[StoredContext]:
    """The earlier sessions that count, newest stored first (ties: the later departure,
    then the service session id, so the choice never depends on the read's order)."""
    chosen = [keyed[1] for keyed in records if counts(keyed, caller_key, session_id, now)]
    chosen.sort(key=lambda r: (r.stored_at, r.left_at, r.service_session_id), reverse=True)
    return chosen[: max(limit, 0)]
