"""The queue's operator commands, published for ``mysessions rebuild``: rebuild a key
prefix from the task changelog and the session events, and compare two prefixes.

The command only parses options and prints; what is built on which prefix, with which
settings, is decided here, by the queue, so nothing outside it builds its writer.
"""

from dataclasses import dataclass

from mysessions_platform.mongo import connect

from queue_service.adapters.agent_reads import AgentReads
from queue_service.adapters.erasures import REGISTER_KEEP, ErasureRegister
from queue_service.adapters.store import TaskStore
from queue_service.entrypoints.app import codes_and_tags, make_store
from queue_service.rebuild import Rebuild, RebuildReport
from queue_service.settings import QueueSettings

__all__ = ["Comparison", "RebuildReport", "compare_prefixes", "rebuild_prefix"]


@dataclass(frozen=True, slots=True)
class Comparison:
    agents: int
    """Agents with tasks under the first prefix."""
    differing: list[str]
    """Agents whose stored tasks differ between the two (or exist under one only)."""


async def rebuild_prefix(settings: QueueSettings, target: str, *, force: bool) -> RebuildReport:
    """Restores ``target`` from the changelog and the events still on Kafka (stop the queue
    workers first when it is the live prefix); refuses to delete what neither can restore
    unless ``force``. Events of what was unprovisioned under the live prefix are skipped."""
    redis = settings.redis_client()
    mongo = connect(settings.mongodb_url)
    try:

        def store_for(key_prefix: str) -> TaskStore:
            return make_store(redis, settings.model_copy(update={"key_prefix": key_prefix}))

        return await Rebuild(
            store_for,
            settings.kafka_bootstrap_servers,
            settings.source_topic,
            settings.changelog_topic,
            codes_and_tags=codes_and_tags(mongo, settings.settings_refresh_s),
            acw_topic=settings.acw_topic,
            # Unprovisioning registers what it erased under the live prefix.
            erasures=ErasureRegister(redis, settings.key_prefix, REGISTER_KEEP),
        ).run(target, force=force)
    finally:
        await redis.aclose()
        await mongo.close()


async def compare_prefixes(settings: QueueSettings, prefix: str, other: str) -> Comparison:
    """Every agent's stored tasks under ``prefix`` against ``other``'s."""
    redis = settings.redis_client()
    try:
        mine = await AgentReads(redis, prefix).snapshot()
        theirs = await AgentReads(redis, other).snapshot()
    finally:
        await redis.aclose()
    differing = sorted(set(mine) ^ set(theirs) | {k for k in mine if mine[k] != theirs.get(k)})
    return Comparison(len(mine), differing)
