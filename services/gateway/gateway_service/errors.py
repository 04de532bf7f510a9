"""One error shape for every refusal: ``{"detail": ...}``, with the status that says why.

401 and 403 name no object: a task of another agent or tenant answers exactly as a task
that does not exist (404 "no such task"), so a request never learns what others have.

422 carries either a sentence or, where fields are at fault, FastAPI's list of
``{"loc", "msg", "type"}`` (``invalid`` builds one for a rule the model cannot state, so a
screen shows every problem next to its field the same way). The statuses every API route
can answer are documented once (``API_RESPONSES``, added by ``app.create_app``), so the
published OpenAPI lists what a client will really see.
"""

from typing import Any

from fastapi import HTTPException, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel


class ErrorBody(BaseModel):
    detail: str


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class InvalidBody(BaseModel):
    detail: list[FieldProblem] | str


def unauthenticated(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


def forbidden(message: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, message)


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no such {what}")


def invalid(field: str, message: str, where: str = "body") -> RequestValidationError:
    """A 422 naming ``field`` (``{"detail": [{"loc": [where, field], ...}]}``)."""
    return RequestValidationError([{"loc": (where, field), "msg": message, "type": "value_error"}])


_RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No valid bearer token."},
    403: {"model": ErrorBody, "description": "The token's roles do not allow this."},
}
"""Documented on every authenticated route (OpenAPI)."""

API_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body cannot be read (not UTF-8 JSON)."},
    401: ERROR_RESPONSES[401],
    413: {"model": ErrorBody, "description": "The request body is too large."},
    422: {"model": InvalidBody, "description": "The request breaks a documented rule."},
    429: {
        "model": ErrorBody,
        "description": "Too many changes, or too many reads, a minute (each its own budget).",
        "headers": _RETRY_AFTER,
    },
    503: {
        "model": ErrorBody,
        "description": "A server the gateway needs is unreachable; retry.",
        "headers": _RETRY_AFTER,
    },
}
"""What any route under /api/v1 may answer besides its own statuses."""


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's own refusals, documented: 403, 404, 409 (``ErrorBody``)."""
    described = {
        403: ERROR_RESPONSES[403]["description"],
        404: "No such object (or not the caller's).",
        409: "The change conflicts with the current state.",
    }
    return {code: {"model": ErrorBody, "description": described[code]} for code in statuses}
