"""Who is calling: the caller's details and the order in which sources are asked.

The product shows what the tenant's own sources know about a caller while the session
lives: its address book first, then its user directory (internal callers by UPN), then an
external CRM. When none of them knows the caller, or one is not working, the caller is
"Anonymous" with only the known number or UPN; the other fields are left blank.

Directory data about the tenant's own users is never stored: it is resolved when shown, so
``Caller.for_storage`` keeps only the known address and the fact that it came from there.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields, replace
from typing import Any, Final, Literal, Protocol

AddressKind = Literal["pstn", "upn", "email", "anonymous"]
"""As ``contracts.Party.address_kind``."""

Source = Literal["address_book", "directory", "crm", "none"]

ANONYMOUS: Final = "Anonymous"

FIELD_LIMITS: Final[dict[str, int]] = {
    "display_name": 256,
    "company": 256,
    "street": 256,
    "city": 128,
    "postal_code": 32,
    "country": 64,
    "email": 320,
    "phone": 32,
}
"""Maximum length of each descriptive field, whatever source supplied it."""


@dataclass(frozen=True)
class Caller:
    """What is known about a caller. ``address`` is the number or UPN the session came with,
    exactly as known; ``source`` says which source matched (``none``: nobody did)."""

    address: str
    address_kind: AddressKind
    source: Source = "none"
    display_name: str | None = None
    company: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.source == "none"

    @property
    def label(self) -> str:
        """The name an agent sees: the display name, else the company, else "Anonymous"."""
        return self.display_name or self.company or ANONYMOUS

    @property
    def resolved_when_shown(self) -> bool:
        """Directory data is never stored; whoever shows a stored caller asks the directory."""
        return self.source == "directory"

    def for_storage(self) -> "Caller":
        """What may be written to a historical record: everything, except for directory
        matches, of which only the address and the source remain."""
        if self.source != "directory":
            return self
        return Caller(address=self.address, address_kind=self.address_kind, source="directory")

    def bounded(self) -> "Caller":
        """The same caller with every descriptive field cut to its limit."""
        cut: dict[str, Any] = {
            f.name: value[: FIELD_LIMITS[f.name]]
            for f in fields(self)
            if f.name in FIELD_LIMITS and isinstance(value := getattr(self, f.name), str)
        }
        return replace(self, **cut)


def anonymous(address: str, kind: AddressKind) -> Caller:
    return Caller(address=address, address_kind=kind, source="none")


class AddressBook(Protocol):
    """The tenant's contacts: by phone number for ``pstn``, by e-mail for ``upn``/``email``."""

    async def find(self, tenant: str, address: str, kind: AddressKind) -> Caller | None: ...


class Directory(Protocol):
    """The tenant's own users, by UPN."""

    async def find(self, tenant: str, upn: str) -> Caller | None: ...


class Crm(Protocol):
    """An external system; ``None`` when it does not know the caller or cannot answer now."""

    async def lookup(self, tenant: str, address: str) -> Caller | None: ...


@dataclass(frozen=True)
class Resolution:
    caller: Caller
    failed: tuple[Source, ...] = ()
    """Sources that raised instead of answering (for metrics and logs, never shown)."""


DIRECTORY_KINDS: Final = frozenset({"upn", "email"})


async def resolve_caller(
    tenant: str,
    address: str,
    kind: AddressKind,
    *,
    address_book: AddressBook,
    directory: Directory,
    crm: Crm,
) -> Resolution:
    """Ask the sources in order and take the first match; a source that fails counts as
    no match, so a broken integration degrades to "Anonymous", never to an error."""
    if kind == "anonymous":
        return Resolution(anonymous(address, kind))
    attempts: list[tuple[Source, Callable[[], Awaitable[Caller | None]]]] = [
        ("address_book", lambda: address_book.find(tenant, address, kind)),
    ]
    if kind in DIRECTORY_KINDS:
        attempts.append(("directory", lambda: directory.find(tenant, address)))
    attempts.append(("crm", lambda: crm.lookup(tenant, address)))
    failed: list[Source] = []
    for source, attempt in attempts:
        try:
            found = await attempt()
        except Exception:  # any failure of an integration means "not recognized"
            failed.append(source)
            continue
        if found is not None:
            matched = replace(found, address=address, address_kind=kind, source=source)
            return Resolution(matched.bounded(), tuple(failed))
    return Resolution(anonymous(address, kind), tuple(failed))
