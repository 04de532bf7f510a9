"""The retry half of a once-only publish (the transactional-outbox pattern).

A writer that must publish a message exactly once from its user's view records it first
(insert-only, unique per business key, with the message's ``event_id``), then publishes,
then marks it published. A crash between leaves the record unmarked; a *round* finds
records left unmarked for a while and publishes them again with the same ``event_id``
(consumers dedupe by it). ``outbox_loop`` runs such a round in the one periodic loop
(``worker.loops``): after-call work (``acw``) and the gateway's e-mail replies both use
it. A failed round is logged and tried again: the records stay.
"""

from collections.abc import Awaitable, Callable

from mysessions_platform.worker.loops import Every

__all__ = ["outbox_loop"]


def outbox_loop(round_: Callable[[], Awaitable[int]], interval_s: float, what: str) -> Every:
    """``round_`` at once, then every ``interval_s`` until stopped (no backoff: a round is
    one cheap indexed query)."""
    return Every(round_, interval_s, what)
