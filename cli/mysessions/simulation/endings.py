"""How every session ends: its settled transcript, if it had one, then ``session.ended``."""

from typing import Literal

from contracts import SessionEnded, TranscriptFinal

from mysessions.simulation.model import Call
from mysessions.simulation.world import World

EndedBy = Literal["caller", "agent", "system"]


def end_session(world: World, call: Call, ended_by: EndedBy, reason: str) -> None:
    if call.ended:
        raise RuntimeError(f"{call.session_id} has already ended")
    settle_transcript(world, call)
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


def settle_transcript(world: World, call: Call) -> None:
    """The transcript of the task that was on the call, once it leaves it (by transfer or
    end); the next task's transcript starts empty."""
    if call.transcript and call.transcribed is not None:
        world.emit(
            TranscriptFinal(
                **world.common(call),
                service_session_id=call.transcribed.service_session_id,
                user_session_id=call.transcribed.user_session_id,
                service_id=call.transcribed.service_id,
                lines=call.transcript,
            )
        )
    call.transcript = []
    call.transcribed = None
