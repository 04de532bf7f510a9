"""The order of sources, what a failing source means, and what may be stored."""

from dataclasses import dataclass, field
from typing import get_args

import pytest
from context_service.domain import FIELD_LIMITS, AddressKind, Caller, resolve_caller
from contracts import Party

pytestmark = pytest.mark.unit

TENANT = "tenant-1"


@dataclass
class FakeBook:
    known: dict[str, Caller] = field(default_factory=dict)
    fails: bool = False
    asked: list[str] = field(default_factory=list)

    async def find(self, tenant: str, address: str, kind: AddressKind) -> Caller | None:
        self.asked.append(address)
        if self.fails:
            raise ConnectionError("address book down")
        return self.known.get(address)


@dataclass
class FakeDirectory:
    known: dict[str, Caller] = field(default_factory=dict)
    fails: bool = False
    asked: list[str] = field(default_factory=list)

    async def find(self, tenant: str, upn: str) -> Caller | None:
        self.asked.append(upn)
        if self.fails:
            raise ConnectionError("directory down")
        return self.known.get(upn)


@dataclass
class FakeCrm:
    known: dict[str, Caller] = field(default_factory=dict)
    fails: bool = False
    asked: list[str] = field(default_factory=list)

    async def lookup(self, tenant: str, address: str) -> Caller | None:
        self.asked.append(address)
        if self.fails:
            raise TimeoutError
        return self.known.get(address)


def named(name: str, address: str = "x", kind: AddressKind = "pstn") -> Caller:
    # sources report their own idea of address and source; resolution overrides both
    return Caller(address=address, address_kind=kind, source="none", display_name=name)


PSTN = "+41446681800"
UPN = "anna@tenant.example"


async def resolve(
    address: str, kind: AddressKind, book: FakeBook, directory: FakeDirectory, crm: FakeCrm
) -> Caller:
    resolution = await resolve_caller(
        TENANT, address, kind, address_book=book, directory=directory, crm=crm
    )
    return resolution.caller


async def test_the_address_book_comes_first() -> None:
    book = FakeBook({UPN: named("Book")})
    directory, crm = FakeDirectory({UPN: named("Dir")}), FakeCrm({UPN: named("Crm")})
    caller = await resolve(UPN, "upn", book, directory, crm)
    assert (caller.display_name, caller.source) == ("Book", "address_book")
    assert directory.asked == crm.asked == []


async def test_the_directory_comes_before_the_crm() -> None:
    directory, crm = FakeDirectory({UPN: named("Dir")}), FakeCrm({UPN: named("Crm")})
    caller = await resolve(UPN, "upn", FakeBook(), directory, crm)
    assert (caller.display_name, caller.source) == ("Dir", "directory")
    assert crm.asked == []


async def test_the_crm_is_last() -> None:
    crm = FakeCrm({PSTN: named("Crm")})
    caller = await resolve(PSTN, "pstn", FakeBook(), FakeDirectory(), crm)
    assert (caller.display_name, caller.source) == ("Crm", "crm")
    assert caller.address == PSTN
    assert caller.address_kind == "pstn"


async def test_numbers_are_not_looked_up_in_the_directory() -> None:
    directory = FakeDirectory({PSTN: named("Dir")})
    caller = await resolve(PSTN, "pstn", FakeBook(), directory, FakeCrm())
    assert directory.asked == []
    assert caller.is_anonymous


async def test_nobody_knows_the_caller_anonymous_with_the_known_address_only() -> None:
    caller = await resolve(UPN, "upn", FakeBook(), FakeDirectory(), FakeCrm())
    assert caller == Caller(address=UPN, address_kind="upn", source="none")
    assert caller.label == "Anonymous"


async def test_an_anonymous_caller_is_never_looked_up() -> None:
    book, directory, crm = FakeBook(), FakeDirectory(), FakeCrm()
    caller = await resolve("anonymous", "anonymous", book, directory, crm)
    assert caller.is_anonymous
    assert book.asked == directory.asked == crm.asked == []


async def test_failing_sources_are_skipped_and_reported() -> None:
    book, directory = FakeBook(fails=True), FakeDirectory(fails=True)
    resolution = await resolve_caller(
        TENANT,
        UPN,
        "upn",
        address_book=book,
        directory=directory,
        crm=FakeCrm({UPN: named("Crm")}),
    )
    assert resolution.caller.source == "crm"
    assert resolution.failed == ("address_book", "directory")


async def test_every_source_failing_leaves_the_caller_anonymous() -> None:
    resolution = await resolve_caller(
        TENANT,
        PSTN,
        "pstn",
        address_book=FakeBook(fails=True),
        directory=FakeDirectory(),
        crm=FakeCrm(fails=True),
    )
    assert resolution.caller == Caller(address=PSTN, address_kind="pstn")
    assert resolution.failed == ("address_book", "crm")


async def test_a_directory_match_is_never_stored_only_its_address_and_source() -> None:
    user = Caller(address=UPN, address_kind="upn", display_name="Anna", email=UPN, city="Zurich")
    caller = await resolve(UPN, "upn", FakeBook(), FakeDirectory({UPN: user}), FakeCrm())
    assert caller.resolved_when_shown
    assert caller.for_storage() == Caller(address=UPN, address_kind="upn", source="directory")


async def test_other_matches_are_stored_as_they_are() -> None:
    caller = await resolve(
        PSTN, "pstn", FakeBook({PSTN: named("Book")}), FakeDirectory(), FakeCrm()
    )
    assert not caller.resolved_when_shown
    assert caller.for_storage() == caller


async def test_every_field_of_a_match_is_bounded() -> None:
    huge = Caller(address="x", address_kind="pstn", display_name="N" * 10_000, city="C" * 999)
    caller = await resolve(PSTN, "pstn", FakeBook(), FakeDirectory(), FakeCrm({PSTN: huge}))
    assert caller.display_name == "N" * FIELD_LIMITS["display_name"]
    assert caller.city == "C" * FIELD_LIMITS["city"]


def test_the_label_falls_back_to_the_company() -> None:
    assert Caller(address="x", address_kind="pstn", company="ACME").label == "ACME"


def test_address_kinds_are_the_contracts_own() -> None:
    annotation = Party.model_fields["address_kind"].annotation
    assert set(get_args(AddressKind)) == set(get_args(annotation))
