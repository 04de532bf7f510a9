"""How a tenant's Asterisk names map to our ids: agents to users, queues to services.

queue_log's agent field is the queue member's *name*, which Asterisk sets to the interface
(``PJSIP/1001``, ``Local/1001@agents/n``) unless queues.conf or AddQueueMember gave one
(``Alice``). ``agents`` may therefore be keyed by interfaces, member names, or both; keys
match case-insensitively, as Asterisk compares interfaces. An agent missing from it gets a
user id derived from its name (``PJSIP/1001`` -> ``pjsip-1001``).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest_service.queue_log.identifiers import is_identifier, safe_identifier

MAX_NAME_CHARS = 256

_LOCAL_OPTIONS = re.compile(r"^(local/[^/]+)/[a-z]+$", re.IGNORECASE)
"""``Local/1001@agents/n``: the ``/n`` (or ``/m``, ``/b``) suffix is a dial option."""


def _without_local_options(name: str) -> str:
    match = _LOCAL_OPTIONS.match(name)
    return match.group(1) if match else name


def _extensions_of(name: str) -> set[str]:
    """``PJSIP/1001`` -> {1001}; ``Local/1001@agents`` -> {1001@agents, 1001}."""
    resource = _without_local_options(name).split("/", 1)[-1]
    return {resource, resource.split("@", 1)[0]}


@dataclass(frozen=True)
class QueueLogOptions:
    """How to read one tenant's queue_log. Mappings are copied and read-only."""

    tenant_id: str
    time_zone: str = "UTC"
    """IANA zone of formatted times (realtime queue_log): the Asterisk server's zone, or
    ``UTC`` when logger.conf sets ``queue_log_realtime_use_gmt``. Epoch seconds are UTC."""
    agents: Mapping[str, str] = field(default_factory=dict)
    """Agent interface or member name -> user id."""
    services: Mapping[str, str] = field(default_factory=dict)
    """Queue name -> service id; default: the queue name, lower-cased and made safe."""
    service_names: Mapping[str, str] = field(default_factory=dict)
    """Queue name -> service display name; default: the queue name."""

    def __post_init__(self) -> None:
        if not is_identifier(self.tenant_id):
            raise ValueError("tenant_id is not a valid identifier")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.time_zone!r}") from None
        for name, mapping in (("agents", self.agents), ("services", self.services)):
            for key, value in mapping.items():
                if not is_identifier(value):
                    raise ValueError(f"{name}[{key!r}] is not a valid identifier")
            object.__setattr__(self, name, MappingProxyType(dict(mapping)))
        object.__setattr__(self, "service_names", MappingProxyType(dict(self.service_names)))

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def _agents_folded(self) -> dict[str, str]:
        return {_without_local_options(key).casefold(): user for key, user in self.agents.items()}

    @cached_property
    def _extension_users(self) -> dict[str, str | None]:
        """Extension (and ``exten@context``) -> user; None where two users share it."""
        users: dict[str, str | None] = {}
        for key, user in self.agents.items():
            for extension in _extensions_of(key):
                folded = extension.casefold()
                users[folded] = user if users.get(folded, user) == user else None
        return users

    def known_user_id(self, agent: str) -> str | None:
        name = agent.strip()
        exact = self.agents.get(name)
        if exact is not None:
            return exact
        return self._agents_folded.get(_without_local_options(name).casefold())

    def user_id(self, agent: str) -> str:
        """The mapped user, else an id derived from the interface or member name."""
        known = self.known_user_id(agent)
        if known is not None:
            return known
        return safe_identifier(
            _without_local_options(agent.strip()), lower=True, allow_slash=False, fallback="agent"
        )

    def user_id_for_extension(self, extension: str, context: str = "") -> str | None:
        """The mapped agent reached by dialing ``extension`` (in ``context``), if exactly one."""
        for key in (f"{extension}@{context}", extension):
            user = self._extension_users.get(key.strip().casefold())
            if user is not None:
                return user
        return None

    def service(self, queue: str) -> tuple[str, str]:
        """(service id, service name) of a queue."""
        name = queue.strip()
        service_id = self.services.get(name)
        if service_id is None:  # Asterisk finds queues case-insensitively
            folded = name.casefold()
            service_id = next((v for k, v in self.services.items() if k.casefold() == folded), None)
        if service_id is None:
            service_id = safe_identifier(name, lower=True, allow_slash=False, fallback="queue")
        display = self.service_names.get(name, name) or service_id
        return service_id, display[:MAX_NAME_CHARS]
