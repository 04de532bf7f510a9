"""The webhooks worker, declared: trigger events in (session events, after-call work,
reporting records), deliveries queued in Redis, sent by the dispatcher loop with retries
(the worker shell runs it: ``mysessions_platform.worker``)."""

from datetime import timedelta

import httpx
from contracts import topics
from mysessions_platform.kafka.topics import TopicSettings
from mysessions_platform.mongo import Document, connect, mongo_database
from mysessions_platform.redis_client import RedisClient
from mysessions_platform.worker.shell import Client, Subscription, WorkerApp, WorkerShell
from pymongo import AsyncMongoClient

from webhooks_service.adapters.delivery_log import DeliveryLog
from webhooks_service.adapters.endpoints import EndpointStore
from webhooks_service.adapters.outbox import Outbox
from webhooks_service.adapters.sender import Sender
from webhooks_service.adapters.session_map import SessionMap
from webhooks_service.dispatcher import Dispatcher
from webhooks_service.domain.schedule import RetrySchedule
from webhooks_service.settings import WebhooksSettings
from webhooks_service.step import WebhooksStep, topic_adapters

__all__ = ["create_app", "outbox_of"]

DAY = 86400.0


def outbox_of(redis: RedisClient, settings: WebhooksSettings) -> Outbox:
    return Outbox(
        redis,
        settings.key_prefix,
        dedupe_s=settings.dedupe_days * DAY,
        dead_letter_s=settings.dead_letter_days * DAY,
    )


def create_app(
    settings: WebhooksSettings,
    redis: RedisClient | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
    http: httpx.AsyncClient | None = None,
) -> WorkerApp:
    """``redis``, ``mongo``, ``http``: the caller's (a test's); by default from the settings."""
    shell = WorkerShell("webhooks", settings)
    redis = redis or settings.redis_client()  # connects lazily, on first command
    mongo = mongo or connect(settings.mongodb_url)
    http = http or httpx.AsyncClient(follow_redirects=False)
    endpoints = EndpointStore(mongo_database(mongo))
    outbox = outbox_of(redis, settings)
    step = WebhooksStep(
        listeners=endpoints,
        sessions=SessionMap(redis, settings.key_prefix, timedelta(days=settings.session_map_days)),
        queue=outbox,
        adapters=topic_adapters(settings.events_topic, settings.acw_topic, settings.records_topic),
    )
    dispatcher = Dispatcher(
        endpoints,
        outbox,
        DeliveryLog(redis, settings.key_prefix, settings.log_entries),
        Sender(
            http,
            mode=settings.mode,
            timeout_s=settings.timeout_s,
            max_response_bytes=settings.max_response_bytes,
        ),
        RetrySchedule(settings.retry_delays_s),
        interval_s=settings.dispatch_interval_s,
        per_endpoint=settings.per_endpoint_concurrency,
        lease_s=max(settings.claim_lease_s, settings.timeout_s * 2),
    )
    tally, counted = dispatcher.tally, shell.metrics.counted
    counted("mysessions_webhooks_queued", "Deliveries queued.", lambda: step.counts.queued)
    counted("mysessions_webhooks_delivered", "Acknowledged (2xx).", lambda: tally.delivered)
    counted("mysessions_webhooks_failed", "Failed attempts.", lambda: tally.failed)
    counted(
        "mysessions_webhooks_dead_lettered", "After the last retry.", lambda: tally.dead_lettered
    )
    counted("mysessions_webhooks_endpoints_gone", "Disabled by 410.", lambda: tally.endpoints_gone)
    specs, partitions = TopicSettings.from_env(), settings.partitions
    sources = (settings.events_topic, settings.acw_topic, settings.records_topic)
    return shell.app(
        owns=[
            specs.spec(topics.SESSION_EVENTS, partitions, settings.events_topic),
            specs.spec(topics.AFTER_CALL_WORK, partitions, settings.acw_topic),
            specs.spec(topics.REPORTING_SESSIONS, partitions, settings.records_topic),
            specs.spec(topics.DEAD_LETTERS, partitions, settings.dead_letter_topic),
        ],
        subscriptions=[Subscription(sources, step)],
        clients=[
            Client("redis", redis.aclose, check=redis.ping),
            Client("mongodb", mongo.close),
            Client("http", http.aclose),
        ],
        loops=[dispatcher],
        prepare=[endpoints.ensure_indexes],
    )
