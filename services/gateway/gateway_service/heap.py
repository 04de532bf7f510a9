"""The gateway process's heap after start-up, frozen out of garbage collection.

A thread keeps CPU work off the event loop (an import's CSV parse), but not the garbage
collector: a full collection runs under the GIL, and the many objects a large file makes
trigger several. Each one walks every object alive, and after start-up that is every
module's (pydantic schemas, the phone-number metadata): a few tenths of a second each time,
during which no request is served. Frozen, those are skipped (``gc.freeze``), and a full
collection walks only what was allocated since: a few hundredths.
"""

import gc

__all__ = ["freeze_start_up_heap"]


def freeze_start_up_heap() -> None:
    """Collect once (so no garbage is kept forever), then freeze what is left."""
    gc.collect()
    gc.freeze()
