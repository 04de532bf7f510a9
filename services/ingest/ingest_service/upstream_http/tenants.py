"""Each tenant's credentials and name mappings for the cloud providers.

Twilio signs each callback with the account's auth token (HMAC-SHA1), so the token itself
is needed to check it: it is kept as a secret setting (``SecretStr``, never logged or shown).
Amazon Connect events arrive through an EventBridge API destination whose connection sends
``Authorization: Bearer <secret>``; only the secret's SHA-256 is stored here.
"""

import hashlib
import hmac
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class TenantUpstream(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    twilio_auth_token: SecretStr | None = None
    twilio_workers: dict[str, str] = Field(default_factory=dict)
    twilio_queues: dict[str, str] = Field(default_factory=dict)
    connect_secret_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    connect_agents: dict[str, str] = Field(default_factory=dict)
    connect_queues: dict[str, str] = Field(default_factory=dict)

    def connect_bearer_matches(self, presented: str) -> bool:
        if self.connect_secret_sha256 is None:
            return False
        digest = hashlib.sha256(presented.encode()).hexdigest()
        return hmac.compare_digest(digest, self.connect_secret_sha256)


def load_tenants(path: Path | None) -> dict[str, TenantUpstream]:
    if path is None:
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError("the tenants file holds a JSON object of tenants")
    return {tenant: TenantUpstream.model_validate(config) for tenant, config in data.items()}
