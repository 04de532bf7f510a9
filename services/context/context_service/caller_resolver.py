"""Caller resolution wired to its adapters: what the context worker calls for a session.

The one place the address book, the directory and the CRM are chosen; tests pass fakes of
the ports to ``CallerResolver`` directly.
"""

from collections.abc import Callable
from typing import Any

import httpx
import structlog
from contracts import Party
from pymongo.asynchronous.database import AsyncDatabase

from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.crm import CrmConfig, HttpCrm
from context_service.adapters.directory import MongoDirectory
from context_service.domain import AddressBook, AddressKind, Caller, Crm, Directory, resolve_caller

__all__ = ["CallerResolver", "ensure_caller_indexes", "make_caller_resolver"]

log = structlog.get_logger(__name__)


class CallerResolver:
    def __init__(self, address_book: AddressBook, directory: Directory, crm: Crm) -> None:
        self._address_book = address_book
        self._directory = directory
        self._crm = crm

    async def resolve(self, tenant: str, address: str, kind: AddressKind) -> Caller:
        resolution = await resolve_caller(
            tenant,
            address,
            kind,
            address_book=self._address_book,
            directory=self._directory,
            crm=self._crm,
        )
        if resolution.failed:  # the address stays out of logs
            log.warning("caller_sources_failed", tenant_id=tenant, sources=resolution.failed)
        return resolution.caller

    async def resolve_party(self, tenant: str, party: Party) -> Caller:
        """The contract's ``Party`` (caller, sender, destination) translated at the edge."""
        return await self.resolve(tenant, party.address, party.address_kind)


def make_caller_resolver(
    database: AsyncDatabase[dict[str, Any]],
    http: httpx.AsyncClient,
    crm_url_template: Callable[[str], str | None],
    *,
    region: str | None = None,
    lookup_timeout_s: float = 2.0,
    crm_config: CrmConfig = CrmConfig(),
    crm_timeout: Callable[[str], float | None] = lambda _tenant: None,
) -> CallerResolver:
    """``http`` and ``database`` are opened and closed by the app's lifespan;
    ``crm_url_template(tenant)`` reads the tenant's CRM URL template from its settings,
    ``crm_timeout(tenant)`` its CRM deadline (None: ``crm_config.timeout_s``)."""
    return CallerResolver(
        MongoAddressBook(database, region, lookup_timeout_s),
        MongoDirectory(database, lookup_timeout_s),
        HttpCrm(http, crm_url_template, crm_config, timeout_for=crm_timeout),
    )


async def ensure_caller_indexes(database: AsyncDatabase[dict[str, Any]]) -> None:
    await MongoAddressBook(database).ensure_indexes()
    await MongoDirectory(database).ensure_indexes()
