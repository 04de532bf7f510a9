"""A route class whose 422 names the field and the rule, never the value sent.

FastAPI's validation answer carries each problem's ``input`` (and ``ctx``): for a tenant's
CRM URL that is the URL itself, which may hold a key or an internal host name and would
then sit in any log or proxy that keeps error bodies. Routes on this class answer
``{"detail": [{"loc", "msg", "type"}]}`` only, as ``mysessions settings apply`` prints
problems (entry and field, never the value)."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

__all__ = ["NoEchoRoute", "without_values"]


def without_values(error: RequestValidationError) -> RequestValidationError:
    return RequestValidationError(
        [
            {
                "loc": problem.get("loc", ()),
                "msg": problem.get("msg", ""),
                "type": problem.get("type", "value_error"),
            }
            for problem in error.errors()
        ]
    )


class NoEchoRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                raise without_values(error) from None

        return answer
