"""One inbound event-socket connection: authenticate, subscribe, read events.

Exceptions::

    Exception
    ├── EslProtocolError   (esl) the peer spoke something else; reconnecting may help
    └── EslAuthError       the password was refused; reconnecting will not help
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from ingest_service.freeswitch.esl import (
    MAX_HEADER_LINE_BYTES,
    EslEvent,
    EslProtocolError,
    Frame,
    content_length,
    encode_command,
    parse_event_plain,
    parse_header_lines,
)

SUBSCRIPTION = "event plain CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info"
"""mod_callcenter's events, and the hang-up of channels (the caller's ends the session)."""


class EslAuthError(Exception):
    """FreeSWITCH refused the password."""


async def read_frame(reader: asyncio.StreamReader) -> Frame:
    lines: list[bytes] = []
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("the event socket closed")
        if line in (b"\n", b"\r\n"):
            if lines:
                break
            continue  # blank lines between frames
        lines.append(line)
    headers = parse_header_lines(lines, decode=False)
    length = content_length(headers)
    body = await reader.readexactly(length) if length else b""
    return Frame(headers=headers, body=body)


class EslConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(
        cls, host: str, port: int, password: str, timeout_s: float = 10.0
    ) -> "EslConnection":
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, limit=MAX_HEADER_LINE_BYTES), timeout_s
        )
        connection = cls(reader, writer)
        try:
            await asyncio.wait_for(connection._handshake(password), timeout_s)
        except BaseException:
            await connection.close()
            raise
        return connection

    async def _command(self, command: str) -> Frame:
        self._writer.write(encode_command(command))
        await self._writer.drain()
        while True:
            frame = await read_frame(self._reader)
            if frame.content_type == "command/reply":
                return frame
            if frame.content_type == "text/disconnect-notice":
                raise ConnectionError("the event socket said goodbye")

    async def _handshake(self, password: str) -> None:
        greeting = await read_frame(self._reader)
        if greeting.content_type != "auth/request":
            raise EslProtocolError("expected auth/request")
        reply = await self._command(f"auth {password}")
        if not reply.headers.get("Reply-Text", "").startswith("+OK"):
            raise EslAuthError("the event socket refused the password")
        reply = await self._command(SUBSCRIPTION)
        if not reply.headers.get("Reply-Text", "").startswith("+OK"):
            raise EslProtocolError("the event subscription was refused")

    async def events(self) -> AsyncIterator[EslEvent]:
        """Events until the socket closes (ConnectionError) or says goodbye."""
        while True:
            frame = await read_frame(self._reader)
            if frame.content_type == "text/event-plain":
                yield parse_event_plain(frame.body)
            elif frame.content_type == "text/disconnect-notice":
                raise ConnectionError("the event socket said goodbye")

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self._writer.wait_closed()
