"""The SSE events of the live stream (see the README's "Live updates"). Pure.

``task``: ``id`` = the stream entry id, data = the ``contracts.TaskView`` JSON as the
queue rendered it, an ended task's caller composed in as the list shows it
(``stored_callers``). ``caption``: no id (captions are not replayed), data =
``{"session_id", "user_session_id", "caption": contracts.LiveCaption}``. ``refresh``:
``id`` = the stream's tip, data = ``{"reason"}``: refetch the list. ``context``: no id,
data = ``{"session_id", "user_session_id"}``: what the task's detail shows of the live
context (custom parameters, the caller) changed; reread the detail. ``: heartbeat``.
"""

import json
from typing import Final

from contracts import LiveCaption
from fastapi.sse import ServerSentEvent

from gateway_service.live.ids import ZERO
from gateway_service.live.replay import Position

__all__ = [
    "HEARTBEAT",
    "caption_event",
    "context_event",
    "event_id",
    "refresh_event",
    "task_event",
]

HEARTBEAT: Final = ServerSentEvent(comment="heartbeat")


def event_id(position: Position) -> str:
    """A position as an event id; an absent stream is ``0-0`` (what ``live_position`` says)."""
    return str(position if position is not None else ZERO)


def task_event(entry_id: str, view_json: str) -> ServerSentEvent:
    return ServerSentEvent(event="task", id=entry_id, raw_data=view_json)


def caption_event(session_id: str, user_session_id: str, caption: LiveCaption) -> ServerSentEvent:
    data = (
        f'{{"session_id":{json.dumps(session_id)},'
        f'"user_session_id":{json.dumps(user_session_id)},'
        f'"caption":{caption.model_dump_json()}}}'
    )
    return ServerSentEvent(event="caption", raw_data=data)


def context_event(session_id: str, user_session_id: str) -> ServerSentEvent:
    data = json.dumps({"session_id": session_id, "user_session_id": user_session_id})
    return ServerSentEvent(event="context", raw_data=data)


def refresh_event(tip: Position, reason: str) -> ServerSentEvent:
    return ServerSentEvent(
        event="refresh", id=event_id(tip), raw_data=json.dumps({"reason": reason})
    )
