"""The AMI client against a local AMI server over TCP: login, refusal, hostile input."""

import asyncio

import pytest
from fake_asterisk.calls import Call
from fake_asterisk.server import fake_asterisk
from ingest_service.ami import MAX_MESSAGE_BYTES, AmiClient, AmiEndpoint, AmiLoginError

pytestmark = pytest.mark.integration


async def test_a_wrong_secret_is_refused_and_not_retried() -> None:
    async with fake_asterisk() as asterisk:
        with pytest.raises(AmiLoginError):
            await AmiClient.connect(AmiEndpoint("127.0.0.1", asterisk.port, "bridge", "wrong"))
        assert asterisk.failed_logins == 1


async def test_malformed_and_oversized_messages_are_skipped_and_the_stream_goes_on() -> None:
    async with fake_asterisk() as asterisk:
        endpoint = AmiEndpoint("127.0.0.1", asterisk.port, asterisk.username, asterisk.secret)
        client = await AmiClient.connect(endpoint)
        try:
            await asterisk.wait_for_login(1)
            await asterisk.send_raw(b"Event: Hangup\r\nthis line has no colon\r\n\r\n")
            await asterisk.send_raw(
                b"Event: Hangup\r\nX: " + b"x" * MAX_MESSAGE_BYTES + b"\r\n\r\n"
            )
            await asterisk.send(Call("c.1").join(1.0))
            seen: list[str] = []

            async def read() -> None:
                async for message in client.messages():
                    seen.append(message.event)
                    if message.event == "QueueCallerJoin":
                        return

            await asyncio.wait_for(read(), 10)
        finally:
            await client.close()
        assert seen == ["FullyBooted", "QueueCallerJoin"]
        assert sum(client.skipped.values()) == 2
