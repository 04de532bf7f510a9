"""The data fields of each call event.

Layouts from the Queue Logs page of the Asterisk documentation
(docs.asterisk.org/Operation/Logging/Queue-Logs/), checked against the ``ast_queue_log``
calls in apps/app_queue.c, which is the authority where they differ: ATTENDEDTRANSFER's
LINK method writes *two* channel names, RINGCANCELED carries a ring time the page omits,
and CONNECT's ring time is in seconds (``(orig - to) / 1000``).

Times are whole seconds except RINGNOANSWER and RINGCANCELED, which give milliseconds.
Older Asterisk versions wrote fewer fields (no ENTERQUEUE position, no CONNECT ring time,
no TRANSFER times, EXITWITHKEY with key and position only): those fields are optional
here, and fields beyond the documented ones (empty ``data4``/``data5`` columns of a
database export) are ignored.
"""

import re
from dataclasses import dataclass, replace
from typing import Literal

from ingest_service.queue_log.lines import FIELD_SEPARATOR, QueueLogError, QueueLogLine

_WHOLE_NUMBER = re.compile(r"^\d{1,12}$")


@dataclass(frozen=True, slots=True)
class EnterQueue:
    """ENTERQUEUE(url|callerid|origposition[|calleridname])."""

    caller_number: str
    caller_name: str


@dataclass(frozen=True, slots=True)
class RingEnded:
    """RINGNOANSWER(ringtime) and RINGCANCELED(ringtime), in milliseconds."""

    ring_ms: int


@dataclass(frozen=True, slots=True)
class Connect:
    """CONNECT(holdtime|bridgedchanneluniqueid|ringtime), in seconds."""

    hold_s: int
    ring_s: int | None


@dataclass(frozen=True, slots=True)
class LeftQueue:
    """ABANDON, EXITEMPTY, EXITWITHTIMEOUT (position|origposition|waittime) and
    EXITWITHKEY(key|position|origposition|waittime)."""

    wait_s: int | None


@dataclass(frozen=True, slots=True)
class Completed:
    """COMPLETEAGENT and COMPLETECALLER (holdtime|calltime|origposition)."""

    hold_s: int
    call_s: int


@dataclass(frozen=True, slots=True)
class Transfer:
    """TRANSFER and BLINDTRANSFER (extension|context|holdtime|calltime|origposition), and
    ATTENDEDTRANSFER(method|method data...|holdtime|calltime|origposition) where the method
    is BRIDGE (bridge id), APP (application) or LINK (two channel names)."""

    mode: Literal["blind", "attended"]
    extension: str
    context: str
    method: str
    method_data: tuple[str, ...]
    hold_s: int | None
    call_s: int | None


def _field(line: QueueLogLine, index: int, name: str) -> str:
    if index >= len(line.data):
        raise QueueLogError(line.line_number, f"data{index + 1} ({name}) is missing", line.event)
    return line.data[index].strip()


def _required(line: QueueLogLine, index: int, name: str) -> int:
    value = _field(line, index, name)
    if not _WHOLE_NUMBER.match(value):
        raise QueueLogError(
            line.line_number, f"data{index + 1} ({name}) is not a whole number", line.event
        )
    return int(value)


def _optional(line: QueueLogLine, index: int, name: str) -> int | None:
    if index >= len(line.data) or not line.data[index].strip():
        return None
    return _required(line, index, name)


def enter_queue(line: QueueLogLine) -> EnterQueue:
    _field(line, 1, "callerid")
    _optional(line, 2, "origposition")
    # A caller id name may itself contain '|'; it is the last field, so it keeps the rest.
    name = FIELD_SEPARATOR.join(line.data[3:])
    return EnterQueue(caller_number=line.data[1].strip(), caller_name=name)


def ring_ended(line: QueueLogLine) -> RingEnded:
    return RingEnded(ring_ms=_required(line, 0, "ringtime"))


def connect(line: QueueLogLine) -> Connect:
    return Connect(
        hold_s=_required(line, 0, "holdtime"),
        ring_s=_optional(line, 2, "ringtime"),
    )


def left_queue(line: QueueLogLine) -> LeftQueue:
    if line.event == "EXITWITHKEY":
        _required(line, 1, "position")
        return LeftQueue(wait_s=_optional(line, 3, "waittime"))
    _required(line, 0, "position")
    return LeftQueue(wait_s=_required(line, 2, "waittime"))


def completed(line: QueueLogLine) -> Completed:
    return Completed(hold_s=_required(line, 0, "holdtime"), call_s=_required(line, 1, "calltime"))


def transfer(line: QueueLogLine) -> Transfer:
    if line.event != "ATTENDEDTRANSFER":
        return Transfer(
            mode="blind",
            extension=_field(line, 0, "extension"),
            context=_field(line, 1, "context"),
            method="",
            method_data=(),
            hold_s=_optional(line, 2, "holdtime"),
            call_s=_optional(line, 3, "calltime"),
        )
    data = list(line.data)
    while data and not data[-1].strip():
        data.pop()  # trailing empty columns of a database export
    if len(data) < 5:
        raise QueueLogError(
            line.line_number,
            f"expected method, method data, holdtime, calltime and origposition; "
            f"found {len(data)} fields",
            line.event,
        )
    trimmed = replace(line, data=tuple(data))
    last = len(data) - 1
    _required(trimmed, last, "origposition")
    return Transfer(
        mode="attended",
        extension="",
        context="",
        method=data[0].strip().upper(),
        method_data=tuple(part.strip() for part in data[1 : last - 2]),
        hold_s=_required(trimmed, last - 2, "holdtime"),
        call_s=_required(trimmed, last - 1, "calltime"),
    )
