"""The key a returning caller is recognised by: the caller's number in E.164, or the
e-mail address or UPN in lower case. Written beside each stored record's caller
(``stored_context.caller_key``, indexed with the tenant) and computed the same way for a
live task's caller, so one equality finds the caller's earlier sessions.

Numbers are read without a region (``phones.lookup_form``): the gateway asking for a live
task's caller knows no region, and a key must be the same on both sides. A number that
arrives in national form one day and international the next is two keys.
"""

from context_service.adapters.phones import lookup_form
from context_service.domain import Caller

__all__ = ["caller_key", "stored_caller_key"]


def caller_key(address: str | None) -> str | None:
    """The key of a caller's number or address; None where there is none to match on."""
    if address is None or not address.strip():
        return None
    cleaned = address.strip()
    if "@" in cleaned:
        return cleaned.lower()
    return lookup_form(cleaned, None)


def stored_caller_key(caller: Caller | None) -> str | None:
    """The key a stored record's caller is found by; anonymous callers have none."""
    if caller is None or caller.address_kind == "anonymous":
        return None
    return caller_key(caller.address)
