"""The edge's body limits: the import routes alone take the larger one, and a declared
length beyond a limit is refused before the app reads a byte."""

import httpx
import pytest
from gateway_service.limits import IMPORTS_PATH, BodySizeLimit
from starlette.types import Receive, Scope, Send

pytestmark = pytest.mark.unit

SMALL, LARGE = 1_000, 10_000


class Echo:
    """Answers the body's length; counts the requests that reached it."""

    def __init__(self) -> None:
        self.reached = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.reached += 1
        size, more = 0, True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})


async def post(app: BodySizeLimit, path: str, size: int) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        return await client.post(path, content=b"x" * size)


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        (f"{IMPORTS_PATH}contacts", LARGE, 200),
        (f"{IMPORTS_PATH}contacts", LARGE + 1, 413),
        ("/api/v1/admin/tenant-settings", SMALL, 200),
        ("/api/v1/admin/tenant-settings", SMALL + 1, 413),
        ("/api/v1/admin/imports", SMALL + 1, 413),  # not under the import routes' prefix
        ("/api/v1/owner/services/admin/imports/x", SMALL + 1, 413),
    ],
)
async def test_only_the_import_routes_take_the_larger_limit(
    path: str, size: int, status: int
) -> None:
    echo = Echo()
    answer = await post(BodySizeLimit(echo, SMALL, LARGE), path, size)
    assert answer.status_code == status
    assert echo.reached == (1 if status == 200 else 0)  # refused before the app ran
    if status == 413:
        limit = LARGE if path.startswith(IMPORTS_PATH) else SMALL
        assert answer.json() == {"detail": f"the request body exceeds {limit} bytes"}


async def test_without_a_larger_limit_every_route_has_the_same() -> None:
    answer = await post(BodySizeLimit(Echo(), SMALL), f"{IMPORTS_PATH}contacts", SMALL + 1)
    assert answer.status_code == 413
