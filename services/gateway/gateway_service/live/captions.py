"""Which of the agent's tasks are live, by session: the sessions whose caption channels the
stream listens to, and which task a caption line goes to. Pure.

A caption names its task (``user_session_id``) where the recognizer knows it; it goes to
the agent only when that task is one of theirs and live. One that names none goes to every
live task of the agent in that session (normally one).
"""

from collections.abc import Iterable

__all__ = ["LiveTasks"]


class LiveTasks:
    def __init__(self, live: Iterable[tuple[str, str]] = ()) -> None:
        """``live``: (session_id, user_session_id) of the agent's live tasks."""
        self._by_session: dict[str, set[str]] = {}
        for session_id, user_session_id in live:
            self.apply(session_id, user_session_id, live=True)

    def apply(self, session_id: str, user_session_id: str, *, live: bool) -> None:
        """A change of one task: live (incoming, dialing, ringing, connected) or ended."""
        tasks = self._by_session.setdefault(session_id, set())
        if live:
            tasks.add(user_session_id)
        else:
            tasks.discard(user_session_id)
        if not tasks:
            del self._by_session[session_id]

    def sessions(self) -> frozenset[str]:
        return frozenset(self._by_session)

    def recipients(self, session_id: str, caption_task: str | None) -> list[str]:
        """The agent's live tasks a caption of ``session_id`` is shown on."""
        tasks = self._by_session.get(session_id, set())
        if caption_task is None:
            return sorted(tasks)
        return [caption_task] if caption_task in tasks else []
