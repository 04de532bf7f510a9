"""One signed POST to an endpoint: bounded in time and in what is read back.

The request carries the Standard Webhooks headers (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``); redirects are not followed (a redirect is a failure, as the
specification advises, and would let an endpoint point the worker elsewhere). At most
``max_response_bytes`` of the answer are read. In production every address the host
resolves to must be public (``targets``), checked just before the request.
"""

import asyncio
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from webhooks_service.domain.signing import sign
from webhooks_service.targets import Mode, is_public_address

__all__ = ["Sender", "Sent"]


@dataclass(frozen=True, slots=True)
class Sent:
    status_code: int | None
    error: str | None
    duration_ms: int


class Sender:
    def __init__(
        self, http: httpx.AsyncClient, *, mode: Mode, timeout_s: float, max_response_bytes: int
    ) -> None:
        self.http = http
        self.mode = mode
        self.timeout_s = timeout_s
        self.max_response_bytes = max_response_bytes

    async def send(self, url: str, key: bytes, message_id: str, body: bytes) -> Sent:
        began = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout_s):
                if self.mode == "production" and not await _resolves_publicly(url):
                    return Sent(None, "refused-target", _ms(began))
                status = await self._post(url, key, message_id, body)
        except TimeoutError:
            return Sent(None, "timeout", _ms(began))
        except httpx.TimeoutException:
            return Sent(None, "timeout", _ms(began))
        except (httpx.ConnectError, OSError):
            return Sent(None, "connect", _ms(began))
        except httpx.HTTPError:
            return Sent(None, "http", _ms(began))
        return Sent(status, None, _ms(began))

    async def _post(self, url: str, key: bytes, message_id: str, body: bytes) -> int:
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": "mysessions-webhooks/1",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(key, message_id, timestamp, body),
        }
        request = self.http.build_request(
            "POST", url, content=body, headers=headers, timeout=self.timeout_s
        )
        response = await self.http.send(request, stream=True, follow_redirects=False)
        try:
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read >= self.max_response_bytes:
                    break  # the rest is not wanted: closing drops the connection
        finally:
            await response.aclose()
        return response.status_code


async def _resolves_publicly(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or 443
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return bool(infos) and all(is_public_address(str(info[4][0])) for info in infos)


def _ms(began: float) -> int:
    return int((time.monotonic() - began) * 1000)
