"""The caller of a request, as the token says: tenant, user, roles, owned services."""

from dataclasses import dataclass, field
from typing import Literal, get_args

Role = Literal["agent", "service_owner", "tenant_admin"]
ROLES: tuple[Role, ...] = get_args(Role)


@dataclass(frozen=True, slots=True)
class Principal:
    tenant_id: str
    user_id: str
    roles: frozenset[Role]
    services: frozenset[str] = field(default_factory=frozenset)
    """Service ids this user owns (meaningful with the ``service_owner`` role)."""

    def has(self, role: Role) -> bool:
        return role in self.roles

    def owns(self, service_id: str) -> bool:
        return self.has("service_owner") and service_id in self.services
