"""The e-mail reply outbox (every round of the gateway's outbox loop) reads only the replies
in flight, by index, on the MongoDB-wire server here, over 3,000 published replies (issue
14: its filter on ``published_at: null`` and a range on ``sent_at`` read every reply ever
sent on FerretDB v1, which pushes neither down). Replies an older version left unpublished
are flagged once."""

from datetime import UTC, datetime, timedelta

import pytest
from gateway_service.email.replies import EMAIL_REPLIES, EmailReplies
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
OTHERS = 3000  # enough that PostgreSQL's planner prefers an index to reading the table


def _reply(n: int, published: bool) -> Document:
    reply: Document = {
        "tenant_id": "acme",
        "user_session_id": f"us-{n}",
        "sent_at": T0 + timedelta(seconds=n),
        "published_at": T0 + timedelta(seconds=n) if published else None,
    }
    return reply if published else {**reply, "event": "{}"}


async def test_the_outbox_reads_only_unpublished_replies_by_index(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("replies")
    replies = EmailReplies(database)
    await replies.ensure_indexes()
    await database[EMAIL_REPLIES].insert_many([_reply(n, published=True) for n in range(OTHERS)])
    for n in (OTHERS, OTHERS + 1):
        assert await replies.insert_first(_reply(n, published=False)) is None
    later = T0 + timedelta(hours=2)

    async with recorded_finds(servers.mongodb_url, database.name) as (watched, seen):
        outbox = EmailReplies(watched)
        due = await outbox.unpublished(later, 500)
        assert [doc["user_session_id"] for doc in due] == [f"us-{OTHERS}", f"us-{OTHERS + 1}"]
        assert await outbox.unpublished(T0, 500) == []  # sent too recently
        await outbox.mark_published("acme", f"us-{OTHERS}", later)
        assert [d["user_session_id"] for d in await outbox.unpublished(later, 500)] == [
            f"us-{OTHERS + 1}"
        ]
        assert "unpublished" not in (await outbox.find("acme", f"us-{OTHERS + 1}") or {})
    assert await unindexed_finds(database, [*seen.finds, *seen.selections]) == []


async def test_replies_an_older_version_left_unpublished_are_flagged_once(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("replies")
    await database[EMAIL_REPLIES].insert_many(
        [_reply(1, published=True), _reply(2, published=False)]
    )
    replies = EmailReplies(database)
    await replies.ensure_indexes()
    due = await replies.unpublished(T0 + timedelta(hours=1), 10)
    assert [doc["user_session_id"] for doc in due] == ["us-2"]
    await database[EMAIL_REPLIES].insert_one(_reply(3, published=False))  # no flag
    await EmailReplies(database).ensure_indexes()  # not flagged again: the pass ran
    assert [
        d["user_session_id"] for d in await replies.unpublished(T0 + timedelta(hours=1), 10)
    ] == ["us-2"]
