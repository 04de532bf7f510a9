"""A FreeSWITCH stand-in for tests: mod_callcenter's events as FreeSWITCH writes them, and
an inbound event socket server speaking the real ESL protocol over TCP.

Headers and their values follow ``mod_callcenter.c`` (``CC-Action``, ``CC-Member-UUID``,
``CC-Agent-Called-Time`` in epoch seconds, ``Event-Date-Timestamp`` in microseconds, ...).
"""

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote


def _micros(at: datetime) -> str:
    return str(round(at.timestamp() * 1_000_000))


def _seconds(at: datetime | None) -> str:
    return "0" if at is None else str(int(at.timestamp()))


@dataclass
class FreeSwitchCall:
    """One caller's channel in one mod_callcenter, building the events it fires."""

    queue: str = "support@default"
    session_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    member_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    cid_number: str = "+15551230001"
    cid_name: str = "Jane Roe"
    core_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    sequence: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    joined: datetime | None = None

    def _event(self, at: datetime, headers: dict[str, str], name: str = "CUSTOM") -> dict[str, str]:
        base = {
            "Event-Name": name,
            "Core-UUID": self.core_uuid,
            "FreeSWITCH-Hostname": "fs1",
            "Event-Date-Timestamp": _micros(at),
            "Event-Sequence": str(next(self.sequence)),
        }
        if name == "CUSTOM":
            base["Event-Subclass"] = "callcenter::info"
        return {**base, **headers}

    def _member(self) -> dict[str, str]:
        return {
            "CC-Queue": self.queue,
            "CC-Member-UUID": self.member_uuid,
            "CC-Member-Session-UUID": self.session_uuid,
            "CC-Member-CID-Name": self.cid_name,
            "CC-Member-CID-Number": self.cid_number,
        }

    def queue_start(self, at: datetime) -> dict[str, str]:
        self.joined = at
        return self._event(at, {**self._member(), "CC-Action": "member-queue-start"})

    def moved_to(self, queue: str) -> None:
        """The call enters another queue: a new member of the same channel."""
        self.queue = queue
        self.member_uuid = str(uuid.uuid4())

    def offering(self, at: datetime, agent: str) -> dict[str, str]:
        return self._event(
            at,
            {
                **self._member(),
                "CC-Action": "agent-offering",
                "CC-Agent": agent,
                "CC-Agent-Type": "callback",
                "CC-Agent-System": "single_box",
            },
        )

    def bridge_start(self, at: datetime, agent: str, called: datetime) -> dict[str, str]:
        return self._event(
            at,
            {
                **self._member(),
                "CC-Action": "bridge-agent-start",
                "CC-Agent": agent,
                "CC-Agent-System": "single_box",
                "CC-Agent-UUID": str(uuid.uuid4()),
                "CC-Agent-Called-Time": _seconds(called),
                "CC-Agent-Answered-Time": _seconds(at),
                "CC-Member-Joined-Time": _seconds(self.joined),
            },
        )

    def bridge_fail(self, at: datetime, agent: str, cause: str, called: datetime) -> dict[str, str]:
        return self._event(
            at,
            {
                **self._member(),
                "CC-Action": "bridge-agent-fail",
                "CC-Agent": agent,
                "CC-Hangup-Cause": cause,
                "CC-Agent-System": "single_box",
                "CC-Agent-Called-Time": _seconds(called),
                "CC-Agent-Aborted-Time": _seconds(at),
                "CC-Member-Joined-Time": _seconds(self.joined),
            },
        )

    def bridge_end(self, at: datetime, agent: str, answered: datetime) -> dict[str, str]:
        return self._event(
            at,
            {
                **self._member(),
                "CC-Action": "bridge-agent-end",
                "CC-Agent": agent,
                "CC-Hangup-Cause": "NORMAL_CLEARING",
                "CC-Agent-Bridged": "true",
                "CC-Agent-Answered-Time": _seconds(answered),
                "CC-Bridge-Terminated-Time": _seconds(at),
                "CC-Member-Joined-Time": _seconds(self.joined),
            },
        )

    def queue_end_terminated(self, at: datetime, agent: str) -> dict[str, str]:
        return self._event(
            at,
            {
                **self._member(),
                "CC-Action": "member-queue-end",
                "CC-Cause": "Terminated",
                "CC-Agent": agent,
                "CC-Hangup-Cause": "NORMAL_CLEARING",
                "CC-Member-Leaving-Time": _seconds(at),
                "CC-Member-Joined-Time": _seconds(self.joined),
                "Answer-State": "answered",
            },
        )

    def queue_end_cancel(
        self, at: datetime, reason: str, answer_state: str = "hangup"
    ) -> dict[str, str]:
        return self._event(
            at,
            {
                **self._member(),
                "CC-Action": "member-queue-end",
                "CC-Cause": "Cancel",
                "CC-Cancel-Reason": reason,
                "CC-Member-Leaving-Time": _seconds(at),
                "CC-Member-Joined-Time": _seconds(self.joined),
                "Answer-State": answer_state,
            },
        )

    def hangup(self, at: datetime, disposition: str = "recv_bye") -> dict[str, str]:
        return self._event(
            at,
            {
                "Unique-ID": self.session_uuid,
                "Hangup-Cause": "NORMAL_CLEARING",
                "Answer-State": "hangup",
                "variable_sip_hangup_disposition": disposition,
            },
            name="CHANNEL_HANGUP_COMPLETE",
        )


def event_plain(headers: dict[str, str]) -> bytes:
    """One ``text/event-plain`` frame, values URL-encoded as FreeSWITCH writes them."""
    body = "".join(f"{name}: {quote(value, safe='')}\n" for name, value in headers.items())
    body_bytes = (body + "\n").encode()
    head = f"Content-Length: {len(body_bytes)}\nContent-Type: text/event-plain\n\n"
    return head.encode() + body_bytes


class EslServer:
    """An inbound event socket: ``auth/request``, ``auth <password>`` -> ``+OK accepted``,
    ``event plain ...`` -> ``+OK event listener enabled plain``, then events to every
    subscribed client. ``drop()`` closes every connection (FreeSWITCH restarting)."""

    def __init__(self, password: str = "ClueCon") -> None:
        self.password = password
        self.subscriptions: list[str] = []
        self.refused_auth = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0
        self._changed = asyncio.Event()
        """Set whenever a client subscribes or leaves; waiters clear it and wait again."""

    async def __aenter__(self) -> "EslServer":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _command(self, reader: asyncio.StreamReader) -> str:
        lines: list[str] = []
        while True:
            line = await reader.readline()
            if not line:
                raise ConnectionError("client left")
            text = line.decode().rstrip("\r\n")
            if not text and lines:
                return " ".join(lines)
            if text:
                lines.append(text)

    async def _reply(self, writer: asyncio.StreamWriter, text: str) -> None:
        writer.write(f"Content-Type: command/reply\nReply-Text: {text}\n\n".encode())
        await writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(b"Content-Type: auth/request\n\n")
            await writer.drain()
            command = await self._command(reader)
            if command != f"auth {self.password}":
                self.refused_auth += 1
                await self._reply(writer, "-ERR invalid")
                writer.close()
                return
            await self._reply(writer, "+OK accepted")
            while True:
                command = await self._command(reader)
                if command.startswith("event plain "):
                    self.subscriptions.append(command)
                    await self._reply(writer, "+OK event listener enabled plain")
                    self._writers.append(writer)
                    self._changed.set()
                else:
                    await self._reply(writer, "-ERR command not found")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            if writer in self._writers:
                self._writers.remove(writer)
            self._changed.set()
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def subscribed(self, times: int = 1, timeout_s: float = 30.0) -> None:
        """Wait until clients subscribed ``times`` times in all, and one is connected now."""
        async with asyncio.timeout(timeout_s):
            while len(self.subscriptions) < times or not self._writers:
                self._changed.clear()
                await self._changed.wait()

    async def gone(self, timeout_s: float = 15.0) -> None:
        """Wait until no client is connected (a killed bridge's socket closed)."""
        async with asyncio.timeout(timeout_s):
            while self._writers:
                self._changed.clear()
                await self._changed.wait()

    @property
    def clients(self) -> int:
        return len(self._writers)

    async def send(self, *events: dict[str, str]) -> None:
        for writer in list(self._writers):
            for headers in events:
                writer.write(event_plain(headers))
            with contextlib.suppress(ConnectionError):
                await writer.drain()

    async def drop(self) -> None:
        for writer in list(self._writers):
            writer.write(
                b"Content-Type: text/disconnect-notice\nContent-Length: 23\n\n"
                b"Disconnected, goodbye.\n"
            )
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            writer.close()
        self._writers.clear()
        self._changed.set()
