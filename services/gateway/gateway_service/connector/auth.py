"""The connector API's one way in: a tenant API key in the ``X-API-Key`` header, never a
user's token. Every refusal is 401 with one sentence and names nothing of the tenant: an
unknown key, a wrong secret and a malformed one read alike; a revoked key says so (its
holder had it, so nothing is learned). Each accepted request counts against the key's
rate limit (``limits.limit_key``), and its last use is written at most once a minute."""

from datetime import UTC, datetime
from typing import Annotated, Final

from fastapi import Depends, Header, HTTPException, status
from pymongo.errors import PyMongoError

from gateway_service.auth.dependencies import Resourced
from gateway_service.connector.keys import MAX_KEY_CHARS, ApiKey, key_id_of, last_use_due, verifies
from gateway_service.limits import limit_key

__all__ = ["KEY_HEADER", "Keyed"]

KEY_HEADER: Final = "X-API-Key"
_CHALLENGE: Final = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}


def _refused(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers=_CHALLENGE)


async def api_key(
    resources: Resourced,
    presented: Annotated[
        str | None,
        Header(
            alias=KEY_HEADER,
            max_length=MAX_KEY_CHARS + 64,
            description="A tenant API key (msk_…), made by the tenant admin.",
        ),
    ] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> ApiKey:
    if presented is None:
        if authorization is not None:
            raise _refused("the connector API takes an API key in X-API-Key, not a user token")
        raise _refused("an API key is required in the X-API-Key header")
    key_id = key_id_of(presented.strip())
    keys = resources.connector.keys
    try:
        record = None if key_id is None else await keys.find(key_id)
    except PyMongoError:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "API keys cannot be checked right now; try again shortly",
            headers={"Retry-After": "5"},
        ) from None
    if record is None or not verifies(record, presented.strip()):
        raise _refused("the API key is not valid")
    if record.revoked:
        raise _refused("the API key was revoked")
    await limit_key(record.tenant_id, record.key_id, resources)
    now = datetime.now(UTC)
    if last_use_due(record, now):
        await keys.used(record, now)
    return record


Keyed = Annotated[ApiKey, Depends(api_key)]
