"""An AMI connection: banner, login with events on, then a stream of messages.

Only the login is an action the bridge sends (``Action: Login`` with ``Username``,
``Secret`` and ``Events: on``): it needs no other, since events come unasked. The secret
is sent once and never logged.
"""

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Final

from ingest_service.ami.frames import BANNER_PREFIX, AmiMessage, AmiReader, encode_action

READ_BYTES: Final = 65_536
LOGIN_TIMEOUT_S: Final = 10.0


class AmiLoginError(ConnectionError):
    """Asterisk refused the login: retrying with the same secret would not help."""


@dataclass(frozen=True)
class AmiEndpoint:
    host: str
    port: int
    username: str
    secret: str = field(repr=False)


class AmiClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._frames = AmiReader()
        self._buffered: list[AmiMessage] = []
        self._ids = itertools.count(1)

    @property
    def skipped(self) -> dict[str, int]:
        return self._frames.skipped

    @property
    def frames(self) -> AmiReader:
        return self._frames

    @classmethod
    async def connect(cls, endpoint: AmiEndpoint) -> "AmiClient":
        reader, writer = await asyncio.open_connection(endpoint.host, endpoint.port)
        client = cls(reader, writer)
        try:
            await asyncio.wait_for(client._login(endpoint), LOGIN_TIMEOUT_S)
        except BaseException:
            await client.close()
            raise
        return client

    async def _login(self, endpoint: AmiEndpoint) -> None:
        action_id = f"login-{next(self._ids)}"
        fields = {"ActionID": action_id, "Username": endpoint.username}
        fields |= {"Secret": endpoint.secret, "Events": "on"}
        self._writer.write(encode_action("Login", fields))
        await self._writer.drain()
        while True:
            data = await self._reader.read(READ_BYTES)
            if not data:
                raise ConnectionError("the connection closed during the login")
            messages = self._frames.feed(data)
            for index, message in enumerate(messages):
                if message.get("ActionID") != action_id or not message.response:
                    self._buffered.append(message)  # an event that came first
                    continue
                # Whatever came in the same read after the response is kept for messages().
                self._buffered.extend(messages[index + 1 :])
                self._check_login(message)
                return

    def _check_login(self, response: AmiMessage) -> None:
        if self._frames.banner is None or not self._frames.banner.startswith(BANNER_PREFIX):
            raise ConnectionError("the peer sent no Asterisk Call Manager banner")
        if response.response.casefold() != "success":
            raise AmiLoginError("Asterisk refused the login (check username and secret)")

    async def _read(self) -> AsyncIterator[AmiMessage]:
        while True:
            data = await self._reader.read(READ_BYTES)
            if not data:
                return
            for message in self._frames.feed(data):
                yield message

    async def messages(self) -> AsyncIterator[AmiMessage]:
        """Every message until the connection closes (then it simply ends)."""
        buffered, self._buffered = self._buffered, []
        for message in buffered:
            yield message
        async for message in self._read():
            yield message

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):  # already reset by the peer
            await self._writer.wait_closed()
