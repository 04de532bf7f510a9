"""``/settings`` (service owners) and ``/admin`` (tenant admins), and their own files.

Each screen is one HTML file and ES modules from ``static/``, served as they are. The
files are a fixed list, one route each (no name from the URL reaches the file system). The
headers are the page's: only its own scripts and styles, no inline script, never framed.
"""

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC: Final = Path(__file__).parent / "static"
_FILES: Final = {
    "settings.js": "text/javascript; charset=utf-8",
    "admin.js": "text/javascript; charset=utf-8",
    "owner-common.js": "text/javascript; charset=utf-8",
    "owner.css": "text/css; charset=utf-8",
}
# The same policy as the My Sessions page's (page.security, on its own branch until merged).
HEADERS: Final = {
    "Content-Security-Policy": "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        )
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _file(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=media_type, headers=HEADERS)


@router.get("/settings")
async def settings_screen() -> FileResponse:
    return _file("settings.html", "text/html; charset=utf-8")


@router.get("/admin")
async def admin_screen() -> FileResponse:
    return _file("admin.html", "text/html; charset=utf-8")


def _serve(name: str, media_type: str) -> None:
    # One literal route per file: a "/static/{name}" here would shadow the page's own
    # router (the first route that matches answers, even with a 404).
    async def serve() -> FileResponse:
        return _file(name, media_type)

    router.add_api_route(f"/static/{name}", serve, methods=["GET"], name=f"static {name}")


for _name, _media_type in _FILES.items():
    _serve(_name, _media_type)
