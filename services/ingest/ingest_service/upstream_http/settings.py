from pathlib import Path

from contracts import topics
from mysessions_platform.settings import ServerSettings
from pydantic_settings import SettingsConfigDict


class UpstreamSettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="UPSTREAM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8090
    topic: str = topics.TELEPHONY_EVENTS
    tenants_file: Path | None = None
    """JSON: each tenant's secrets and mappings (see README "Cloud contact centers")."""
    public_base_url: str | None = None
    """The scheme and host the providers call (``https://hooks.example.com``): Twilio signs
    the URL it posted to, which a proxy in front of this process changes."""
    max_body_bytes: int = 64 * 1024
    """TaskRouter callbacks and Connect events are a few KiB; anything bigger is refused
    before it is read whole."""
    publish_timeout_s: float = 5.0
    """Well within the providers' deadlines (TaskRouter: 15 s); past it the answer is 503
    and the provider retries."""
