"""Every check at once, each bounded in time: a server away gives an answer in seconds."""

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from mysessions_platform.kafka.topics import TopicSettings
from mysessions_platform.settings import ServerSettings
from pydantic import ValidationError

from mysessions.operations.deployment import Deployment, deployment
from mysessions.operations.doctor.findings import Finding, Status, bounded
from mysessions.operations.doctor.kafka_checks import check_kafka
from mysessions.operations.doctor.mongo_checks import check_mongo
from mysessions.operations.doctor.redis_checks import check_redis

__all__ = ["Budget", "examine", "where"]


@dataclass(frozen=True)
class Budget:
    """Seconds each server's checks may take, all of them together."""

    kafka_s: float = 10.0
    redis_s: float = 3.0
    mongodb_s: float = 5.0


def where(url: str) -> str:
    """A server URL without credentials, fit to print: ``host:port``."""
    return urlsplit(url).netloc.rsplit("@", 1)[-1] or url


async def examine(
    servers: ServerSettings, max_lag: int, budget: Budget = Budget()
) -> list[Finding]:
    findings: list[Finding] = []
    try:
        plan: Deployment | None = deployment()
        topic_settings: TopicSettings | None = TopicSettings.from_env()
    except (ValidationError, ValueError) as error:
        plan, topic_settings = None, None
        findings.append(_unusable_settings(error))
    checks = [
        bounded(
            "redis",
            where(servers.redis_url),
            check_redis(servers.redis_url, where(servers.redis_url), servers.redis_cluster),
            budget.redis_s,
            "start Redis (locally: `mysessions infra up`) or fix REDIS_URL",
        ),
        bounded(
            "mongodb",
            where(servers.mongodb_url),
            check_mongo(servers.mongodb_url, where(servers.mongodb_url)),
            budget.mongodb_s,
            "start MongoDB (locally: `mysessions infra up`) or fix MONGODB_URL",
        ),
    ]
    if plan is not None and topic_settings is not None:
        bootstrap = servers.kafka_bootstrap_servers
        checks.insert(
            0,
            bounded(
                "kafka",
                bootstrap,
                check_kafka(bootstrap, plan, topic_settings, max_lag),
                budget.kafka_s,
                "start Kafka (locally: `mysessions infra up`) or fix KAFKA_BOOTSTRAP_SERVERS",
            ),
        )
    for found in await asyncio.gather(*checks):
        findings += found
    return findings


def _unusable_settings(error: Exception) -> Finding:
    if isinstance(error, ValidationError):
        fields = ", ".join(".".join(map(str, e["loc"])) for e in error.errors())
        why = f"{error.title} refuses {fields}"
    else:
        why = str(error)
    return Finding(
        "settings",
        "environment",
        Status.PROBLEM,
        f"the workers' settings would not load ({why}), so Kafka was not checked",
        "fix those variables: the workers refuse to start with them too",
    )
