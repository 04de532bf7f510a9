"""Fold a session's facts into its tasks.

The result depends only on the *set* of facts: duplicates (same ``event_id``) collapse and
the facts are put in one fixed order before the state machine runs (closing facts ordered
``SKEW_TOLERANCE`` late, see :mod:`.skew`). So a redelivered,
late or reordered event, or a rebuild from the stored log, gives the same tasks as the live
run, and the queue can recompute a session's view from scratch on every event.
"""

import json
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType

from queue_service.domain.facts import Fact, FactKind, fact_to_dict
from queue_service.domain.rules import apply
from queue_service.domain.session_state import SessionState
from queue_service.domain.skew import ordering_instant
from queue_service.domain.task import Task

# Ties at the same millisecond are common (one upstream action emits several events), so
# their order is fixed by kind, in the order things happen: the session exists before it is
# queued, an offer rings before it is answered, and ends come last. A transfer sorts before
# offers so that the target user's offer, stamped with the transfer's own instant, is not
# withdrawn by it.
_RANK: Mapping[FactKind, int] = MappingProxyType(
    {
        FactKind.SESSION_STARTED: 0,
        FactKind.EMAIL_RECEIVED: 1,
        FactKind.CHAT_RECEIVED: 1,
        FactKind.SESSION_TRANSFERRED: 2,
        FactKind.SESSION_QUEUED: 3,
        FactKind.OUTBOUND_DIALING: 4,
        FactKind.TASK_OFFERED: 5,
        FactKind.OUTBOUND_RINGING: 6,
        FactKind.TASK_ACCEPTED: 7,
        FactKind.OUTBOUND_DESTINATION_ACCEPTED: 7,
        FactKind.TASK_DECLINED: 8,
        FactKind.TASK_RONA: 8,
        FactKind.TASK_CANCELLED: 8,
        FactKind.TASK_RESCINDED: 8,
        FactKind.OUTBOUND_DESTINATION_DECLINED: 8,
        FactKind.OUTBOUND_DESTINATION_NOT_REACHED: 8,
        FactKind.OUTBOUND_NOT_ACCEPTED: 8,
        FactKind.OUTBOUND_USER_ABORTED: 8,
        FactKind.SESSION_ABANDONED: 9,
        FactKind.SESSION_QUEUE_EXITED: 9,
        FactKind.SESSION_ENDED: 10,
        FactKind.SESSION_EXPIRED: 11,
        FactKind.ACW_SAVED: 12,
    }
)


def fold(facts: Iterable[Fact], acw_services: AbstractSet[str] | None = None) -> list[Task]:
    """The tasks of one session, in the order they appeared.

    ``acw_services``: the session's services whose settings have Codes and Tags on; only
    their tasks can be open for after-call work (see ``session_state.is_open``). ``None``
    leaves settings out of the rule (tests of the state machine alone); the worker always
    passes the set.

    Every task's ``rev`` is the number of distinct facts folded, so a view computed from
    more facts carries a higher ``rev``; ``updated_at`` is the instant of the last fact that
    changed that task. Facts of more than one tenant or session raise ``ValueError``.
    """
    distinct = _distinct(facts)
    if not distinct:
        return []
    if any(fact.kind == FactKind.SESSION_ENDED for fact in distinct):
        # The watchdog's expiry is a guess made when the session went quiet; a real end,
        # even one that arrives after it, carries the true outcome and connected time.
        applied = [fact for fact in distinct if fact.kind != FactKind.SESSION_EXPIRED]
    else:
        applied = distinct
    first = distinct[0]
    state = SessionState(
        tenant_id=first.tenant_id, session_id=first.session_id, acw_services=acw_services
    )
    views: dict[str, Task] = {}
    for fact in sorted(applied, key=fact_order):
        apply(state, fact)
        for draft in state.drafts.values():
            view = state.project(draft)
            if views.get(draft.user_session_id) != view:
                # Never backwards: a closing fact applied late may carry an earlier instant.
                draft.updated_at = max(draft.updated_at, fact.at)
                view = replace(view, updated_at=draft.updated_at)
            views[draft.user_session_id] = view
    return [replace(view, rev=len(distinct)) for view in views.values()]


def fact_order(fact: Fact) -> tuple[datetime, int, str]:
    """The fixed order facts are applied in: time (closing facts ``SKEW_TOLERANCE`` late),
    then kind, then event id."""
    return ordering_instant(fact), _RANK[fact.kind], fact.event_id


def _distinct(facts: Iterable[Fact]) -> list[Fact]:
    kept: dict[str, Fact] = {}
    for fact in facts:
        if kept and _scope(fact) != _scope(next(iter(kept.values()))):
            raise ValueError(
                f"fact {fact.event_id} is of session {_scope(fact)}, "
                f"not {_scope(next(iter(kept.values())))}: fold one session at a time"
            )
        other = kept.get(fact.event_id)
        # Two different facts under one id should not exist; if they do, pick one by
        # content, never by arrival, so the result still depends on the set alone.
        if other is None or (other != fact and _content(fact) < _content(other)):
            kept[fact.event_id] = fact
    return list(kept.values())


def _scope(fact: Fact) -> tuple[str, str]:
    return fact.tenant_id, fact.session_id


def _content(fact: Fact) -> str:
    return json.dumps(fact_to_dict(fact), sort_keys=True)
