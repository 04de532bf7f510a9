"""Unprovisioning reporting's MongoDB state: a tenant's, or one of its services'.

A tenant's: its pending facts and session trackers, its written records and late facts,
its saved after-call work, its tag uses and counts (free-text tags no longer suggested).
A service's: its records, saves, tag uses and counts, and the facts naming it (tasks, and
the work saved on them); a session that visited no other service goes whole (every fact,
its tracker, its late facts). Records already published on ``reporting.sessions.v1`` stay
there until the topic's retention (README, "Unprovision").
"""

from acw.store import ACW_SAVES
from acw.tags import TAG_COUNTS, TAG_USES
from mysessions_platform.erasure import Counts, Scope, delete_documents
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase

from reporting_service.adapters.facts_store import FACTS, SESSIONS, WRITTEN, session_key
from reporting_service.adapters.records_store import LATE_FACTS, RECORDS

__all__ = ["erase_reporting"]

_LABELS = {
    FACTS: "reporting: pending facts",
    SESSIONS: "reporting: session trackers",
    WRITTEN: "reporting: written-session markers",
    RECORDS: "reporting: records",
    LATE_FACTS: "reporting: late facts",
    ACW_SAVES: "after-call work saves",
    TAG_USES: "tag uses",
    TAG_COUNTS: "tag suggestions",
}


async def erase_reporting(database: AsyncDatabase[Document], scope: Scope) -> Counts:
    if scope.whole_tenant:
        tenant = {"tenant_id": scope.tenant_id}
        return {
            label: await delete_documents(database[name], tenant, scope.dry_run)
            for name, label in _LABELS.items()
        }
    counts = await _erase_service_facts(database, scope)
    counts[_LABELS[WRITTEN]] += await _erase_service_markers(database, scope)
    for name in (RECORDS, ACW_SAVES, TAG_USES, TAG_COUNTS):
        counts[_LABELS[name]] += await delete_documents(
            database[name], scope.documents(), scope.dry_run
        )
    return counts


async def _erase_service_facts(database: AsyncDatabase[Document], scope: Scope) -> Counts:
    """Facts of the service's tasks and work; sessions that only it served go whole."""
    facts = database[FACTS]
    tenant = scope.tenant_id
    naming = {"tenant_id": tenant, "body.service_id": scope.service_id}
    sessions: set[str] = set()
    tasks: set[str] = set()
    async for doc in facts.find(naming, {"session_id": 1, "kind": 1, "body.user_session_id": 1}):
        sessions.add(doc["session_id"])
        if doc.get("kind") == "task":
            tasks.add(doc["body"]["user_session_id"])
    counts = dict.fromkeys(_LABELS.values(), 0)
    for session in sorted(sessions):
        of_session = {"tenant_id": tenant, "session_id": session}
        others = await facts.count_documents(
            {
                **of_session,
                "body.service_id": {"$nin": [scope.service_id, None]},
            }
        )
        if others:
            doomed: Document = {
                **of_session,
                "$or": [
                    {"body.service_id": scope.service_id},
                    {"kind": "work", "body.user_session_id": {"$in": sorted(tasks)}},
                ],
            }
            counts[_LABELS[FACTS]] += await delete_documents(facts, doomed, scope.dry_run)
            continue
        counts[_LABELS[FACTS]] += await delete_documents(facts, of_session, scope.dry_run)
        counts[_LABELS[LATE_FACTS]] += await delete_documents(
            database[LATE_FACTS], of_session, scope.dry_run
        )
        counts[_LABELS[SESSIONS]] += await delete_documents(
            database[SESSIONS], {"_id": session_key(tenant, session)}, scope.dry_run
        )
        counts[_LABELS[RECORDS]] += await delete_documents(
            database[RECORDS],
            {**of_session, "service_id": {"$ne": scope.service_id}},
            scope.dry_run,
        )
    return counts


async def _erase_service_markers(database: AsyncDatabase[Document], scope: Scope) -> int:
    """The written-session markers of sessions whose records are all the service's: once
    written, a session's facts are gone, so its records say which service it visited (a
    session another service also served keeps its marker, which names no service)."""
    records = database[RECORDS]
    tenant = scope.tenant_id
    sessions = {
        doc["session_id"] async for doc in records.find(scope.documents(), {"session_id": 1})
    }
    erased = 0
    for session in sorted(sessions):
        of_session = {"tenant_id": tenant, "session_id": session}
        if await records.count_documents({**of_session, "service_id": {"$ne": scope.service_id}}):
            continue
        erased += await delete_documents(
            database[WRITTEN], {"_id": session_key(tenant, session)}, scope.dry_run
        )
    return erased
