"""The agent's list as the API pages it: filters, search and an opaque cursor, pure.

Search (``q``) matches, ignoring case, the caller's display name, company or address, or
the service name: the caller as the rows show it (``own_tasks.shown``: resolved by the
context service for live tasks, stored for ended ones). The cursor holds where the last
page ended (its offset and the last task's id) and a fingerprint of the query it belongs
to: the next page starts after that task wherever it moved to (the list reorders as calls
arrive), or at the offset when it left the list. A cursor of another query, or one that is
not ours, is refused (``BadCursor``, 422).
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from contracts import TaskView

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_CURSOR_CHARS",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "BadCursor",
    "TaskQuery",
    "decode_cursor",
    "encode_cursor",
    "page_start",
]

DEFAULT_LIMIT: Final = 100
MAX_LIMIT: Final = 1000
"""The history holds at most 1,000 entries: one page can be the whole list."""
MAX_QUERY_CHARS: Final = 256
MAX_CURSOR_CHARS: Final = 512


class BadCursor(ValueError):
    """The cursor was not made by this gateway for this query."""


@dataclass(frozen=True, slots=True)
class TaskQuery:
    q: str | None = None
    service_id: str | None = None
    outcome: str | None = None
    open_only: bool = False

    def filters(self, view: TaskView) -> bool:
        """Service, outcome and open marker (no caller data needed)."""
        return (
            (self.service_id is None or view.service_id == self.service_id)
            and (self.outcome is None or view.outcome == self.outcome)
            and (not self.open_only or view.open)
        )

    def searches(self, view: TaskView) -> bool:
        if not self.q:
            return True
        wanted = self.q.casefold()
        caller = view.caller
        fields = (caller.display_name, caller.company, caller.address, view.service_name)
        return any(wanted in field.casefold() for field in fields if field)

    def fingerprint(self) -> str:
        shape = json.dumps([self.q, self.service_id, self.outcome, self.open_only])
        return hashlib.sha256(shape.encode()).hexdigest()[:16]


def encode_cursor(query: TaskQuery, offset: int, last_id: str) -> str:
    body = json.dumps({"o": offset, "a": last_id, "f": query.fingerprint()}, separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def decode_cursor(query: TaskQuery, cursor: str) -> tuple[int, str]:
    """(offset, last task id) of a cursor made by ``encode_cursor`` for this query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw)
        offset, last_id, fingerprint = body["o"], body["a"], body["f"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise BadCursor("the cursor is not valid: start again without one") from None
    if not (isinstance(offset, int) and offset >= 0 and isinstance(last_id, str)):
        raise BadCursor("the cursor is not valid: start again without one")
    if fingerprint != query.fingerprint():
        raise BadCursor("the cursor belongs to another search or filter: start again")
    return offset, last_id


def page_start(ids: Sequence[str], offset: int, last_id: str) -> int:
    """Where the page after ``last_id`` starts: after it, or at ``offset`` once it left."""
    for position, task_id in enumerate(ids):
        if task_id == last_id:
            return position + 1
    return min(offset, len(ids))
