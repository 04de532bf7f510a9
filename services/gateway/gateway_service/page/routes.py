"""``/`` (My Sessions), ``/signin`` (demo mode only), ``/settings`` (service owners),
``/admin`` (tenant admins) and ``/static/<file>``, all with the page's headers.

Static files are served by name from this package's ``static/`` folder only: a name is one
path segment of letters, digits, ``-`` and ``_`` with a known extension, so no request can
reach outside the folder.
"""

import re
from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse

from gateway_service.auth.dependencies import Resourced
from gateway_service.errors import not_found
from gateway_service.page.security import PAGE_HEADERS

STATIC: Final = Path(__file__).parent / "static"
_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(?:js|css|html|svg)$")
_TYPES: Final = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
}

router = APIRouter(include_in_schema=False)


def page_file(name: str) -> FileResponse:
    path = STATIC / name
    if not _NAME.fullmatch(name) or not path.is_file():
        raise not_found("file")
    media_type = _TYPES[name.rsplit(".", 1)[1]]
    return FileResponse(path, media_type=media_type, headers=PAGE_HEADERS)


@router.get("/")
async def my_sessions() -> FileResponse:
    return page_file("index.html")


@router.get("/signin")
async def signin(resources: Resourced) -> FileResponse:
    """The demo's sign-in page; a production gateway signs in at its identity provider."""
    if resources.demo is None:
        raise not_found("page")
    return page_file("signin.html")


@router.get("/settings")
async def settings_screen() -> FileResponse:
    """The service owner's screen; the API checks the role, the file is the same for all."""
    return page_file("settings.html")


@router.get("/admin")
async def admin_screen() -> FileResponse:
    """The tenant admin's screen; the API checks the role, the file is the same for all."""
    return page_file("admin.html")


@router.get("/static/{name}")
async def static(name: str) -> FileResponse:
    return page_file(name)
