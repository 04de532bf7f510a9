"""The one place the transcripts' adapters are chosen."""

from dataclasses import dataclass

from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from context_service.transcripts.erasure import TranscriptStore
from context_service.transcripts.handler import TranscriptHandler
from context_service.transcripts.ledger import RedisLedger
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.reader import TranscriptReader
from context_service.transcripts.store import MongoTranscripts

__all__ = ["Transcripts", "make_transcripts"]


@dataclass(frozen=True, slots=True)
class Transcripts:
    handler: TranscriptHandler
    reader: TranscriptReader
    store: TranscriptStore


def make_transcripts(
    redis: Redis, database: AsyncDatabase[Document], settings_cache: SettingsCache, prefix: str
) -> Transcripts:
    """The one place the transcripts' adapters are chosen; call
    ``await transcripts.store.ensure_indexes()`` once at start-up."""
    ledger, live = RedisLedger(redis, prefix), RedisLiveCaptions(redis, prefix)
    mongo = MongoTranscripts(database)
    return Transcripts(
        handler=TranscriptHandler(ledger, live, mongo, settings_cache),
        reader=TranscriptReader(ledger, live, mongo, settings_cache),
        store=TranscriptStore(redis, prefix, mongo, ledger, live),
    )
