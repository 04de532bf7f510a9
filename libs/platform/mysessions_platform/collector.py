"""The garbage collector set for a long-running process (each worker, the gateway), once its
start-up is done.

Measured on ``mysessions bench throughput`` (19,631 events, every worker a process): with
CPython's defaults (a young collection every 700 allocations, a full one every 100 of those)
the collector took a quarter to a third of each worker's CPU, more than half of it in full
collections that walked the ~100,000 objects the imports and start-up leave behind, objects
that live as long as the process. ``gc.freeze`` moves those out of the collector's sight, and
a larger young generation makes collections rarer; cycles are still found and freed, only
later, so memory stays flat (``mysessions bench memory``). For the gateway it also keeps
full collections short while a large import's parse allocates (each one walked every
module's objects under the GIL, a few tenths of a second in which nothing was served)."""

import gc

YOUNG_THRESHOLD = 20_000
"""Allocations between young collections (CPython's default is 700): a batch of 500
records allocates tens of thousands of objects, nearly all freed by reference counting."""


def settle_after_start_up() -> None:
    """Collects once, freezes what survived (modules, classes, settings, clients) and
    raises the young generation's threshold. Call it once, when the process is serving."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
