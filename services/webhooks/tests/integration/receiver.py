"""A webhook receiver on a local port, as an integrator would write one: every request is
verified with the ``standardwebhooks`` library (not this project's code), then answered
with the status the test sets (204, 500, 410)."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from mysessions_platform.worker.http_server import serving
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

Scope = dict[str, Any]


class Receiver:
    def __init__(self) -> None:
        self.secret: str | None = None
        self.status = 204
        self.received: dict[str, dict[str, Any]] = {}
        """webhook-id → the verified payload, of the requests answered 2xx."""
        self.requests = 0
        self.duplicates = 0
        self.unverified = 0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        self.requests += 1
        status = self.status
        try:
            assert self.secret is not None
            payload = Webhook(self.secret).verify(body, headers)
        except (WebhookVerificationError, AssertionError):
            self.unverified += 1
            status = 400
        else:
            if 200 <= status < 300:
                ident = headers["webhook-id"]
                self.duplicates += ident in self.received
                self.received[ident] = payload
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def types(self) -> list[str]:
        return sorted(str(payload["type"]) for payload in self.received.values())


@contextlib.asynccontextmanager
async def listening(receiver: Receiver, port: int) -> AsyncIterator[str]:
    """The receiver served on 127.0.0.1:``port`` until the block ends; yields its URL."""
    async with serving(receiver, "127.0.0.1", port) as bound:
        yield f"http://127.0.0.1:{bound}/hook"
