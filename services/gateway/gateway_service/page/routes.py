"""``/`` (My Sessions), ``/signin`` (demo mode only), ``/auth/callback`` and
``/auth/signed-out`` (production only: where the provider sends the browser back after
sign-in and sign-out), ``/settings`` (service owners), ``/admin`` (tenant admins) and
``/static/<file>``, all with the page's headers.

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
from gateway_service.page.security import page_headers, sign_in_origin
from gateway_service.settings import GatewaySettings

STATIC: Final = Path(__file__).parent / "static"
_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(?:js|css|html|svg)$")
_TYPES: Final = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
}

router = APIRouter(include_in_schema=False)


def page_file(name: str, settings: GatewaySettings) -> FileResponse:
    path = STATIC / name
    if not _NAME.fullmatch(name) or not path.is_file():
        raise not_found("file")
    media_type = _TYPES[name.rsplit(".", 1)[1]]
    headers = page_headers(sign_in_origin(settings.sign_in_issuer))
    return FileResponse(path, media_type=media_type, headers=headers)


@router.get("/")
async def my_sessions(resources: Resourced) -> FileResponse:
    return page_file("index.html", resources.settings)


@router.get("/signin")
async def signin(resources: Resourced) -> FileResponse:
    """The demo's sign-in page; a production gateway signs in at its identity provider."""
    if resources.demo is None:
        raise not_found("page")
    return page_file("signin.html", resources.settings)


@router.get("/auth/callback")
async def sign_in_callback(resources: Resourced) -> FileResponse:
    """The page's redirect URI: it checks the answer and redeems the code (callback.js)."""
    if resources.settings.mode != "production":
        raise not_found("page")
    return page_file("callback.html", resources.settings)


@router.get("/auth/signed-out")
async def signed_out(resources: Resourced) -> FileResponse:
    """Where the provider sends the browser after signing out (post-logout redirect)."""
    if resources.settings.mode != "production":
        raise not_found("page")
    return page_file("signed-out.html", resources.settings)


@router.get("/settings")
async def settings_screen(resources: Resourced) -> FileResponse:
    """The service owner's screen; the API checks the role, the file is the same for all."""
    return page_file("settings.html", resources.settings)


@router.get("/admin")
async def admin_screen(resources: Resourced) -> FileResponse:
    """The tenant admin's screen; the API checks the role, the file is the same for all."""
    return page_file("admin.html", resources.settings)


@router.get("/static/{name}")
async def static(name: str, resources: Resourced) -> FileResponse:
    return page_file(name, resources.settings)
