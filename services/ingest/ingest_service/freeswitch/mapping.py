"""How a tenant's FreeSWITCH names map to our ids: agents to users, queues to services.

mod_callcenter names agents freely (``1000@default``, ``alice``) and queues as
``name@domain`` (``support@default``). Without a mapping an agent's user id is its name
lower-cased and made safe (``1000@default``), a queue's service id likewise, and the
queue's name is its display name. Keys of the mapping match case-insensitively.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ingest_service.queue_log.identifiers import is_identifier, safe_identifier

MAX_NAME_CHARS = 256


def _folded(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType({key.strip().casefold(): value for key, value in mapping.items()})


@dataclass(frozen=True)
class FreeSwitchOptions:
    tenant_id: str
    agents: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)
    service_names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not is_identifier(self.tenant_id):
            raise ValueError("tenant_id is not a valid identifier")
        for name, mapping in (("agents", self.agents), ("services", self.services)):
            for key, value in mapping.items():
                if not is_identifier(value):
                    raise ValueError(f"{name}[{key!r}] is not a valid identifier")
            object.__setattr__(self, name, _folded(mapping))
        object.__setattr__(self, "service_names", _folded(self.service_names))

    def user_id(self, agent: str) -> str:
        known = self.agents.get(agent.strip().casefold())
        return known or safe_identifier(agent, lower=True, allow_slash=False, fallback="agent")

    def service(self, queue: str) -> tuple[str, str]:
        """(service id, display name) of a queue."""
        folded = queue.strip().casefold()
        service_id = self.services.get(folded) or safe_identifier(
            queue, lower=True, allow_slash=False, fallback="queue"
        )
        display = self.service_names.get(folded) or queue.strip() or service_id
        return service_id, display[:MAX_NAME_CHARS]
