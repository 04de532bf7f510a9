"""What the transcripts' handler and reader both stand on: the ledger, the live captions,
the stored finals, and the services' settings (is transcription on?)."""

from mysessions_platform.service_settings.cache import SettingsCache

from context_service.transcripts.ledger import RedisLedger
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.store import MongoTranscripts


class TranscriptParts:
    def __init__(
        self,
        ledger: RedisLedger,
        live: RedisLiveCaptions,
        store: MongoTranscripts,
        settings: SettingsCache,
    ) -> None:
        self._ledger = ledger
        self._live = live
        self._store = store
        self._settings = settings

    async def _transcribes(self, tenant_id: str, service_id: str) -> bool:
        return (await self._settings.get(tenant_id, service_id)).widgets.transcription
