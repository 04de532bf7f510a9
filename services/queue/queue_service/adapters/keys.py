"""Every Redis key and channel the queue service uses.

Keys in braces share a hash slot on Redis Cluster: all of one agent's keys sit in one slot
(so one Lua step can update the agent's view atomically), and all of one session's facts
in another. Ids are encoded (mysessions_platform.key_parts), so no two (tenant, user) or
(tenant, session) pairs share a key: ``ms:agent:{acme:eu%3Aalice}:tasks``.
"""

from mysessions_platform.key_parts import (
    check_prefix,
    decode_part,
    encode_part,
    glob_escape,
    hash_tag,
    split_tag,
)


def _agent(prefix: str, tenant_id: str, user_id: str) -> str:
    return f"{check_prefix(prefix)}:agent:{hash_tag(tenant_id, user_id)}"


def agent_tasks(prefix: str, tenant_id: str, user_id: str) -> str:
    """Hash: user_session_id → the task as JSON."""
    return f"{_agent(prefix, tenant_id, user_id)}:tasks"


def agent_revisions(prefix: str, tenant_id: str, user_id: str) -> str:
    """Hash: user_session_id → revision of the stored task (facts folded into it)."""
    return f"{_agent(prefix, tenant_id, user_id)}:revs"


def agent_live(prefix: str, tenant_id: str, user_id: str) -> str:
    """Sorted set of live tasks (incoming or connected), scored by last update."""
    return f"{_agent(prefix, tenant_id, user_id)}:live"


def agent_history(prefix: str, tenant_id: str, user_id: str) -> str:
    """Sorted set of ended tasks, scored by last update (ms), for trimming and paging."""
    return f"{_agent(prefix, tenant_id, user_id)}:history"


def agent_channel(prefix: str, tenant_id: str, user_id: str) -> str:
    """Pub/sub channel carrying each new view of the agent's tasks (for live updates)."""
    return f"{_agent(prefix, tenant_id, user_id)}:updates"


def agent_events(prefix: str, tenant_id: str, user_id: str) -> str:
    """Stream of the agent's task views, one entry per change (field ``view``), bounded:
    what the gateway's live stream replays from a client's ``Last-Event-ID``. Its entry ids
    are the SSE event ids."""
    return f"{_agent(prefix, tenant_id, user_id)}:events"


def agent_events_bounds(prefix: str, tenant_id: str, user_id: str) -> str:
    """Hash of the agent's stream's ids: ``first`` (the first entry this stream ever had:
    it was born then, after an expiry or a rebuild), ``last`` (the newest entry added) and
    ``cut`` (the newest entry trimmed away; absent while nothing was). A reader resumes
    after an id only between them; anything else has missed entries."""
    return f"{_agent(prefix, tenant_id, user_id)}:events:bounds"


def agent_events_live(prefix: str, tenant_id: str, user_id: str) -> str:
    """Hash: user_session_id → the ids (space-separated) of the stream entries holding a
    live view of that task. They carry caller details, so they are deleted when it ends."""
    return f"{_agent(prefix, tenant_id, user_id)}:events:live"


def session_facts(prefix: str, tenant_id: str, session_id: str) -> str:
    """Hash: event_id → fact as JSON; every fact of one session."""
    return f"{check_prefix(prefix)}:session:{hash_tag(tenant_id, session_id)}:facts"


def idle_index(prefix: str, limit_class: str) -> str:
    """Sorted set 'tenant|session' (encoded ids) → last activity (ms) of sessions with live
    tasks, one per idle limit class ('voice', 'media'): what the watchdog scans."""
    return f"{prefix}:watchdog:idle:{limit_class}"


def idle_member(tenant_id: str, session_id: str) -> str:
    """A session's member in an idle index: ``tenant|session``, both encoded."""
    return f"{encode_part(tenant_id)}|{encode_part(session_id)}"


def session_of_member(member: str) -> tuple[str, str]:
    """(tenant, session) of an idle index member."""
    tenant, _, session = member.partition("|")
    return decode_part(tenant), decode_part(session)


def watchdog_lease(prefix: str) -> str:
    """String: the id of the one queue worker that sweeps now (expires unless renewed)."""
    return f"{prefix}:watchdog:lease"


def all_agent_tasks(prefix: str) -> str:
    """SCAN pattern matching every agent's tasks hash."""
    return f"{glob_escape(prefix)}:agent:*:tasks"


def tasks_of_user_anywhere(prefix: str, user_id: str) -> str:
    """SCAN pattern matching the tasks hash of a user of this id in every tenant."""
    return f"{glob_escape(prefix)}:agent:{{*:{encode_part(user_id)}}}:tasks"


def agent_of(tasks_key: str) -> tuple[str, str]:
    """(tenant, user) of an agent key built here."""
    tenant_id, user_id = split_tag(tasks_key)
    return tenant_id, user_id


def queue_patterns(prefix: str) -> list[str]:
    """SCAN patterns covering everything the queue service writes (for a rebuild)."""
    escaped = glob_escape(prefix)
    return [f"{escaped}:agent:*", f"{escaped}:session:*", f"{escaped}:watchdog:*"]


def erased(prefix: str, digest: str) -> str:
    """String: when a tenant, a service, a session or a task was unprovisioned (ms), under
    the digest of its ids (never the ids: nothing of an erased tenant stays readable). What
    a rebuild's replay of the session events skips; it outlives the events' retention."""
    return f"{check_prefix(prefix)}:erased:{digest}"
