"""The translator's memory of open calls as plain JSON, so a follower can stop and resume.

Only what later lines need is kept: calls still open in full, and for ended calls only how
many incarnations each call id had (a call id that enters a queue again after its end
becomes ``<call>-r2``). That count is kept for the :data:`MAX_ENDED` latest call ids (by
first appearance) besides the open ones, which bounds the snapshot: a call id re-entering
after that many newer calls is taken for a new call with its first id again.
"""

from datetime import datetime
from typing import Any, Final

from ingest_service.queue_log.state import Call, Visit

MAX_ENDED: Final = 10_000
VERSION: Final = 1


def _visit_to_json(visit: Visit) -> dict[str, Any]:
    return {
        "service_session_id": visit.service_session_id,
        "service_id": visit.service_id,
        "service_name": visit.service_name,
        "queued_at": visit.queued_at.isoformat(),
        "accepted_at": visit.accepted_at.isoformat() if visit.accepted_at else None,
        "open": visit.open,
    }


def _visit_from_json(raw: dict[str, Any]) -> Visit:
    accepted = raw["accepted_at"]
    return Visit(
        service_session_id=raw["service_session_id"],
        service_id=raw["service_id"],
        service_name=raw["service_name"],
        queued_at=datetime.fromisoformat(raw["queued_at"]),
        accepted_at=datetime.fromisoformat(accepted) if accepted else None,
        open=raw["open"],
    )


def calls_to_json(
    calls: dict[str, Call], incarnations: dict[str, int], line_number: int
) -> dict[str, Any]:
    open_calls = {key: call for key, call in calls.items() if not call.ended}
    ended = [key for key in incarnations if key not in open_calls][-MAX_ENDED:]
    return {
        "version": VERSION,
        "line_number": line_number,
        "open": {
            key: {
                "session_id": call.session_id,
                "visits": call.visits,
                "offers": call.offers,
                "visit": _visit_to_json(call.visit) if call.visit else None,
            }
            for key, call in open_calls.items()
        },
        "incarnations": {
            key: incarnations[key] for key in [*ended, *open_calls] if key in incarnations
        },
    }


def calls_from_json(raw: dict[str, Any]) -> tuple[dict[str, Call], dict[str, int], int]:
    if raw.get("version") != VERSION:
        raise ValueError("unknown queue_log translator snapshot version")
    calls = {
        key: Call(
            session_id=item["session_id"],
            visits=item["visits"],
            offers=dict(item["offers"]),
            visit=_visit_from_json(item["visit"]) if item["visit"] else None,
        )
        for key, item in raw["open"].items()
    }
    return calls, dict(raw["incarnations"]), int(raw["line_number"])
