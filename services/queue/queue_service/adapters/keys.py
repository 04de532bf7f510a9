"""Every Redis key and channel the queue service uses.

Keys in braces share a hash slot on Redis Cluster: all of one agent's keys sit in one slot
(so one Lua step can update the agent's view atomically), and all of one session's facts
in another.
"""


def _agent(prefix: str, tenant_id: str, user_id: str) -> str:
    return f"{prefix}:agent:{{{tenant_id}:{user_id}}}"


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


def session_facts(prefix: str, tenant_id: str, session_id: str) -> str:
    """Hash: event_id → fact as JSON; every fact of one session."""
    return f"{prefix}:session:{{{tenant_id}:{session_id}}}:facts"


def live_sessions(prefix: str) -> str:
    """Sorted set 'tenant|session' → time of the last fact (ms) of sessions with live
    tasks: what the watchdog scans for sessions gone silent."""
    return f"{prefix}:watchdog:live-sessions"


def all_agent_tasks(prefix: str) -> str:
    """SCAN pattern matching every agent's tasks hash."""
    return f"{prefix}:agent:*:tasks"


def queue_patterns(prefix: str) -> list[str]:
    """SCAN patterns covering everything the queue service writes (for a rebuild)."""
    return [f"{prefix}:agent:*", f"{prefix}:session:*", f"{prefix}:watchdog:*"]
