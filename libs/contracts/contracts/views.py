"""The view of one task: what ``mysessions view --json``, the agent's live channel and the
gateway all return. Defined once, here; the queue renders it, everybody else reads it.

Timers are seconds at ``as_of``. Those named in ``live_timers`` keep counting: a client
shows ``timers[name] + (now - as_of)``, so a page ticks from the server's instants, not from
when the update happened to arrive. ``shown_timer`` is the one the result widget shows
(queue time while incoming, dial-out and ringing time for outbound attempts, connected time
for answered calls, ring time for the rest).
"""

from typing import Literal

from pydantic import Field, HttpUrl

from contracts.base import Identifier, Message, ShortText, UtcMillis
from contracts.inbound import Direction, Modality
from contracts.task_rules import TaskOutcome, TaskState

CallerSource = Literal["address_book", "directory", "crm"]
TimerName = Literal["queue_s", "ring_s", "connected_s", "dialout_s", "ringing_s"]


class TaskTimers(Message):
    """Seconds, never negative; null where the timer's start never happened."""

    queue_s: float | None = Field(ge=0)
    ring_s: float | None = Field(ge=0)
    connected_s: float | None = Field(ge=0)
    dialout_s: float | None = Field(ge=0)
    ringing_s: float | None = Field(ge=0)


class CallerView(Message):
    """Who is on the other end. Caller details are kept for ongoing tasks only: an ended
    task shows ``{"display_name": "Not Available", "address": null}``, unless its service
    stores conversation context and the reader composed in the caller of that record, or
    the caller is one of the tenant's own users (``directory_upn``), whom the reader looks
    up in the directory again. The queue renders the name upstream sent; readers compose in
    the caller the context service resolved (``company`` and ``source`` then say what was
    found where)."""

    display_name: ShortText = Field(
        description='"Anonymous" when nobody knows the caller of a live task; "Not Available"'
        " on an ended task (the queue keeps no caller details once a task ended)."
    )
    address: str | None = Field(
        max_length=320,
        description="The number or address; null for anonymous callers and ended tasks.",
    )
    # Left out of the JSON when null, so a view nobody resolved reads as it always did.
    company: ShortText | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="The company a source knows the caller by; absent when none does.",
    )
    source: CallerSource | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Which source resolved the caller (address book, directory or CRM); "
        "absent when none did. Directory callers are looked up again whenever shown.",
    )
    earlier_notes: int | None = Field(
        default=None,
        ge=1,
        exclude_if=lambda value: value is None,
        description="A live task's returning caller: how many earlier sessions of the same "
        "number or address left codes or tags, within the 30 days their services stored "
        "context; absent otherwise. The task's detail lists them.",
    )
    directory_upn: str | None = Field(
        default=None,
        max_length=320,
        exclude_if=lambda value: value is None,
        description="An ended task's caller from the tenant's own directory (an internal user, "
        "address kind upn): the one caller detail the queue keeps after the end, so a reader "
        "can show the name the directory has now (readers replace this caller with it, or "
        'with "Not Available"). Absent for customers and live tasks.',
    )


class EmailPreview(Message):
    """The mail's preview while the task is live; both null once it ended."""

    subject: str | None = Field(max_length=998)
    snippet: str | None = Field(max_length=160, description="Plain text, at most 160 chars.")


class TaskView(Message):
    session_id: Identifier
    user_session_id: Identifier
    service_id: Identifier | None
    service_name: ShortText | None
    modality: Modality
    direction: Direction
    state: TaskState
    outcome: TaskOutcome | None
    open: bool = Field(description="After-call work is due on this task.")
    started_at: UtcMillis
    updated_at: UtcMillis
    end_reason: ShortText | None
    inferred: bool = Field(description="Closed by the watchdog, not by an upstream event.")
    timers: TaskTimers
    live_timers: tuple[TimerName, ...] = Field(description="Timers still counting at as_of.")
    shown_timer: TimerName | None
    as_of: UtcMillis = Field(description="The instant the timers were computed at.")
    caller: CallerView
    email: EmailPreview | None = Field(
        description="Set for e-mail tasks; subject and snippet are null once the task ended."
    )
    chat_url: HttpUrl | None = Field(description="The chat's link while the task is live.")
