"""The Codes and Tags setting of each service, as the fold needs it, from the settings cache."""

from mysessions_platform.service_settings.cache import SettingsCache


class CachedCodesAndTags:
    """``enabled(tenant, service)``: the service's ``widgets.codes_and_tags`` as the cache
    holds it (refreshed from MongoDB at most every few seconds; a service never set: off)."""

    def __init__(self, cache: SettingsCache) -> None:
        self._cache = cache

    async def enabled(self, tenant_id: str, service_id: str) -> bool:
        return (await self._cache.get(tenant_id, service_id)).widgets.codes_and_tags
