"""One error shape for every refusal: ``{"detail": "..."}``, with the status that says why.

401 and 403 name no object: a task of another agent or tenant answers exactly as a task
that does not exist (404 "no such task"), so a request never learns what others have.
"""

from fastapi import HTTPException, status
from pydantic import BaseModel


class ErrorBody(BaseModel):
    detail: str


def unauthenticated(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


def forbidden(message: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, message)


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no such {what}")


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "No valid bearer token."},
    403: {"model": ErrorBody, "description": "The token's roles do not allow this."},
}
"""Documented on every authenticated route (OpenAPI)."""
