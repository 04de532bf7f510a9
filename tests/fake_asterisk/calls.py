"""AMI events of one queued call, with the fields apps/app_queue.c documents.

Each event carries the caller's channel snapshot (``Channel`` ... ``Linkedid``); agent
events also the member leg's (``DestChannel`` ... ``DestUniqueid``). Times are epoch
seconds; ``stamped`` adds ``Timestamp`` as ``timestampevents = yes`` does.
"""

from dataclasses import dataclass, field

Fields = list[tuple[str, str]]


def wire(fields: Fields) -> bytes:
    return "".join(f"{key}: {value}\r\n" for key, value in fields).encode() + b"\r\n"


def _snapshot(prefix: str, channel: str, uniqueid: str, linkedid: str, number: str) -> Fields:
    return [
        (f"{prefix}Channel", channel),
        (f"{prefix}ChannelState", "6"),
        (f"{prefix}ChannelStateDesc", "Up"),
        (f"{prefix}CallerIDNum", number),
        (f"{prefix}CallerIDName", "<unknown>"),
        (f"{prefix}ConnectedLineNum", "<unknown>"),
        (f"{prefix}ConnectedLineName", "<unknown>"),
        (f"{prefix}Language", "en"),
        (f"{prefix}AccountCode", ""),
        (f"{prefix}Context", "from-pstn"),
        (f"{prefix}Exten", "s"),
        (f"{prefix}Priority", "1"),
        (f"{prefix}Uniqueid", uniqueid),
        (f"{prefix}Linkedid", linkedid),
    ]


@dataclass
class Call:
    linkedid: str
    number: str = "+15551230001"
    name: str = "Jane Roe"
    queue: str = "support"
    stamped: bool = True
    legs: dict[str, str] = field(default_factory=dict)
    """DestUniqueid -> interface."""

    def _event(self, name: str, at: float, *parts: Fields) -> Fields:
        head = [("Event", name), ("Privilege", "agent,all")]
        if self.stamped:
            head.append(("Timestamp", f"{at:.6f}"))
        return head + [item for part in parts for item in part]

    def _caller(self) -> Fields:
        snap = _snapshot("", f"PJSIP/trunk-{self.linkedid[-8:]}", self.linkedid, self.linkedid, "")
        snap[3] = ("CallerIDNum", self.number)
        snap[4] = ("CallerIDName", self.name)
        return snap

    def _dest(self, leg: str) -> Fields:
        interface = self.legs[leg]
        return _snapshot("Dest", f"{interface}-0000{leg[-4:]}", leg, self.linkedid, "")

    def _member(self, leg: str) -> Fields:
        interface = self.legs[leg]
        return [("Queue", self.queue), ("MemberName", interface), ("Interface", interface)]

    def join(self, at: float, position: int = 1) -> Fields:
        extra = [("Queue", self.queue), ("Position", str(position)), ("Count", str(position))]
        return self._event("QueueCallerJoin", at, self._caller(), extra)

    def called(self, at: float, interface: str, leg: str) -> Fields:
        self.legs[leg] = interface
        return self._event("AgentCalled", at, self._caller(), self._dest(leg), self._member(leg))

    def dial_end(self, at: float, leg: str, status: str) -> Fields:
        extra = [("DialStatus", status), ("Forward", "")]
        return self._event("DialEnd", at, self._caller(), self._dest(leg), extra)

    def ring_no_answer(self, at: float, leg: str, ring_ms: int) -> Fields:
        extra = [*self._member(leg), ("RingTime", str(ring_ms))]
        return self._event("AgentRingNoAnswer", at, self._caller(), self._dest(leg), extra)

    def dump(self, at: float, leg: str) -> Fields:
        return self._event("AgentDump", at, self._caller(), self._dest(leg), self._member(leg))

    def leave(self, at: float) -> Fields:
        extra = [("Queue", self.queue), ("Count", "0"), ("Position", "1")]
        return self._event("QueueCallerLeave", at, self._caller(), extra)

    def connect(self, at: float, leg: str, hold_s: int, ring_s: int) -> Fields:
        extra = [*self._member(leg), ("HoldTime", str(hold_s)), ("RingTime", str(ring_s))]
        return self._event("AgentConnect", at, self._caller(), self._dest(leg), extra)

    def complete(self, at: float, leg: str, hold_s: int, talk_s: int, reason: str) -> Fields:
        extra = [
            *self._member(leg),
            ("HoldTime", str(hold_s)),
            ("TalkTime", str(talk_s)),
            ("Reason", reason),
        ]
        return self._event("AgentComplete", at, self._caller(), self._dest(leg), extra)

    def abandon(self, at: float, hold_s: int) -> Fields:
        extra = [
            ("Queue", self.queue),
            ("Position", "1"),
            ("OriginalPosition", "1"),
            ("HoldTime", str(hold_s)),
        ]
        return self._event("QueueCallerAbandon", at, self._caller(), extra)

    def blind_transfer(self, at: float, leg: str, extension: str, context: str) -> Fields:
        transferer = _snapshot("Transferer", self.legs[leg], leg, self.linkedid, "")
        transferee = _snapshot("Transferee", "PJSIP/trunk", self.linkedid, self.linkedid, "")
        extra = [
            ("Result", "Success"),
            ("IsExternal", "No"),
            ("Context", context),
            ("Extension", extension),
        ]
        return self._event("BlindTransfer", at, transferer, transferee, extra)

    def attended_transfer(self, at: float, leg: str, target_channel: str) -> Fields:
        """The agent consulted ``target_channel`` (a second call), then joined them."""
        interface = self.legs[leg]
        original = _snapshot(
            "OrigTransferer", f"{interface}-0000{leg[-4:]}", leg, self.linkedid, ""
        )
        second = _snapshot("SecondTransferer", f"{interface}-0001", f"{leg}.b", f"{leg}.b", "")
        target = _snapshot("TransferTarget", target_channel, f"{leg}.t", f"{leg}.b", "")
        transferee = _snapshot("Transferee", "PJSIP/trunk", self.linkedid, self.linkedid, "")
        extra = [("Result", "Success"), ("IsExternal", "No"), ("DestType", "Bridge")]
        extra.append(("DestBridgeUniqueid", "bridge-1"))
        return self._event("AttendedTransfer", at, original, second, target, transferee, extra)

    def hangup(self, at: float, uniqueid: str | None = None) -> Fields:
        snap = _snapshot("", "PJSIP/trunk", uniqueid or self.linkedid, self.linkedid, "")
        extra = [("Cause", "16"), ("Cause-txt", "Normal Clearing")]
        return self._event("Hangup", at, snap, extra)
