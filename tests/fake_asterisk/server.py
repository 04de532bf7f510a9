"""A local AMI server over TCP: banner, ``Action: Login`` (Success or Error), then the
events a test pushes. It can drop every connection, as an Asterisk restart does."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from ingest_service.ami import AmiMessage, AmiReader

from fake_asterisk.calls import Fields, wire

BANNER = b"Asterisk Call Manager/5.0.2\r\n"


class FakeAsterisk:
    def __init__(self, username: str = "bridge", secret: str = "s3cret") -> None:
        self.username, self.secret = username, secret
        self.logins = 0
        self.failed_logins = 0
        self._sessions: list[asyncio.StreamWriter] = []
        self._handlers: set[asyncio.Task[None]] = set()
        self._all_writers: list[asyncio.StreamWriter] = []
        self._logged_in = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        await self.drop()
        for task in list(self._handlers):  # each ends at its connection's end of file
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(task), 5)
        if self._server is not None:
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        task.add_done_callback(self._handlers.discard)
        self._all_writers.append(writer)
        writer.write(BANNER)
        frames = AmiReader()
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(4096):
                for action in frames.feed(data):
                    await self._answer(action.get("Action"), action, writer)
        with contextlib.suppress(ValueError):
            self._sessions.remove(writer)
        writer.close()

    async def _answer(self, name: str, action: AmiMessage, writer: asyncio.StreamWriter) -> None:
        get = action.get
        action_id = get("ActionID")
        if name.casefold() != "login":
            writer.write(wire([("Response", "Error"), ("ActionID", action_id)]))
            return
        if get("Username") != self.username or get("Secret") != self.secret:
            self.failed_logins += 1
            failed = [("Response", "Error"), ("ActionID", action_id)]
            writer.write(wire([*failed, ("Message", "Authentication failed")]))
            return
        # An event before the login's response, as Asterisk may interleave them.
        writer.write(wire([("Event", "FullyBooted"), ("Privilege", "system,all")]))
        ok = [("Response", "Success"), ("ActionID", action_id)]
        writer.write(wire([*ok, ("Message", "Authentication accepted")]))
        await writer.drain()
        async with self._logged_in:
            self.logins += 1
            self._sessions.append(writer)
            self._logged_in.notify_all()

    async def wait_for_login(self, count: int, timeout_s: float = 20.0) -> None:
        async with self._logged_in:
            await asyncio.wait_for(
                self._logged_in.wait_for(lambda: self.logins >= count and self._sessions),
                timeout_s,
            )

    async def send(self, *events: Fields) -> None:
        """To every logged-in session; chunks cut mid-line, as TCP may deliver them."""
        data = b"".join(wire(event) for event in events)
        for writer in list(self._sessions):
            for start in range(0, len(data), 97):
                writer.write(data[start : start + 97])
            await writer.drain()

    async def send_raw(self, data: bytes) -> None:
        for writer in list(self._sessions):
            writer.write(data)
            await writer.drain()

    async def drop(self) -> None:
        """Closes every connection, logged in or not."""
        for writer in self._all_writers:
            writer.close()
        self._all_writers.clear()
        self._sessions.clear()


@contextlib.asynccontextmanager
async def fake_asterisk() -> AsyncIterator[FakeAsterisk]:
    server = FakeAsterisk()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
