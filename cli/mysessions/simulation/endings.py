"""How every session ends: its settled transcript, if it had one, then ``session.ended``."""

from typing import Literal

from contracts import SessionEnded, TranscriptFinal

from mysessions.simulation.model import Call
from mysessions.simulation.world import World

EndedBy = Literal["caller", "agent", "system"]


def end_session(world: World, call: Call, ended_by: EndedBy, reason: str) -> None:
    if call.ended:
        raise RuntimeError(f"{call.session_id} has already ended")
    if call.transcript:
        world.emit(TranscriptFinal(**world.common(call), lines=call.transcript))
    world.emit(
        SessionEnded(
            **world.common(call),
            ended_by=ended_by,
            reason=reason,
            service_session_id=call.visit.service_session_id if call.visit else None,
        )
    )
    call.ended = True
    call.visit = None
