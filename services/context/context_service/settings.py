from mysessions_platform.service_settings.cache import DEFAULT_REFRESH_S
from mysessions_platform.settings import ServerSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class ContextSettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="CONTEXT_", extra="ignore")

    settings_refresh_s: float = Field(default=DEFAULT_REFRESH_S, gt=0, le=300)
    """How stale a worker's copy of the service settings may get (CONTEXT_SETTINGS_REFRESH_S)."""
