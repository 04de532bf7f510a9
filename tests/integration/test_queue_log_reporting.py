"""Real data: the Asterisk queue_log sample, published by the real CLI through ingest, queue
and reporting on real Kafka, Redis and MongoDB: one user-session record per offer with the
log's talk and hold (queue wait) times, one service-session record per service session,
the abandoned calls "hung up by customer".

Calls of the sample (see services/ingest/tests/unit/queue_log/test_queue_log_sample.py):
A RONA then answered (holdtime 26, calltime 180); B abandoned unoffered (15 s); C queue
timeout; D answered (10, 60), blind transfer, answered in billing (9, 120); E answered (3,
60), attended transfer; F rang, caller hung up (abandoned, 12 s); G answered (5, 60), blind
transfer. Its after-call-work windows closed in 2024: the system concludes every answered
task with ``system-timeout``.
"""

from collections import Counter

import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import connect
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue
from reporting_service.adapters.records_store import RECORDS, from_document
from reporting_service.entrypoints.app import create_app as create_reporting

from .pipeline import make_pipeline
from .reporting_pipeline import make_reporting
from .test_queue_log_pipeline import TENANT, publish_sample

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

ANSWERED = {  # user session -> (queue wait = Asterisk holdtime, talk = calltime)
    "1718000100.1:pjsip-1002:1": (26, 180),
    "1718000400.4:local-1003@agents:1": (10, 60),
    "1718000400.4:dave-agent:1": (9, 120),
    "1718000700.7:pjsip-1001:1": (3, 60),
    "1718000900.9:pjsip-1002:1": (5, 60),
}
ABANDONED = {"1718000200.2", "1718000800.8"}


@pytest.mark.slow
async def test_queue_log_day_becomes_one_record_per_session(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    wiring = await make_reporting(kafka_topics, pipeline)
    database = mongo_databases.create("ql")
    queue_settings = pipeline.queue.model_copy(update={"history_days": 365 * 100})
    reporting_settings = wiring.settings(servers, database.name, "ql")
    client = connect(servers.mongodb_url)
    view = client[database.name]

    code, out = await publish_sample(servers, pipeline.raw)
    assert code == 1, out  # two malformed lines, reported; the rest sent

    async def written() -> bool:
        return await view[RECORDS].count_documents({}) >= 15

    try:
        async with (
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(queue_settings)),
            TestApp(create_reporting(reporting_settings)),
        ):
            await wait_for(written, timeout_s=120, what="the sample's records")
        records = [from_document(doc) async for doc in view[RECORDS].find()]
    finally:
        await client.close()

    user = {r.user_session_id: r for r in records if r.record_type == "user_session"}
    service = {r.service_session_id: r for r in records if r.record_type == "service_session"}
    assert len(user) + len(service) == len(records) == 15
    answered = {k: r for k, r in user.items() if r.outcome_group == "handled by user"}
    assert {k: (r.queue_s, r.talk_s) for k, r in answered.items()} == ANSWERED
    # The sample's services have no settings, so Codes and Tags is off: no after-call work
    # is due, and each session concludes when it ends (no system-timeout conclusion).
    assert all(r.primary_code_id is None and r.concluded_by is None for r in answered.values())
    assert all(r.tenant_id == TENANT for r in answered.values())
    assert Counter(r.outcome_id for r in user.values()) == {
        "accepted": 5,
        "rona": 1,
        "cancelled": 1,
    }

    assert len(service) == 8
    hung_up = {
        r.session_id: r for r in service.values() if r.outcome_group == "hung up by customer"
    }
    assert set(hung_up) == ABANDONED
    assert hung_up["1718000200.2"].outcome_id == "abandoned"
    assert (hung_up["1718000200.2"].queue_s, hung_up["1718000800.8"].queue_s) == (15, 12)
    assert service["1718000300.3:1"].outcome_id == "queue_exited"
    support, billing = service["1718000400.4:1"], service["1718000400.4:2"]
    assert (support.next_service_session_id, billing.previous_service_session_id) == (
        billing.service_session_id,
        support.service_session_id,
    )
    print(  # the counts the closing note reports
        f"queue_log: {len(user)} user-session records ({len(answered)} answered), "
        f"{len(service)} service-session records ({len(hung_up)} hung up by customer)"
    )
