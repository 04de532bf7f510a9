"""A pass over stored data that runs once per database (taking over what older versions
stored), noted as done in ``one_time_passes`` so later starts skip it without reading.

Such a pass usually reads a whole collection (it looks for what lacks a field, a filter no
index serves): once is affordable, at every start of every worker it is not. The pass
must be idempotent: two workers starting together may both run it, and a crash before the
note runs it again.
"""

import contextlib
from collections.abc import Awaitable, Callable
from typing import Final

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mysessions_platform.mongo import Document

__all__ = ["ONE_TIME_PASSES", "once"]

ONE_TIME_PASSES: Final = "one_time_passes"


async def once(
    database: AsyncDatabase[Document], name: str, run: Callable[[], Awaitable[object]]
) -> bool:
    """Runs ``run`` unless the pass ``name`` is noted done here; returns whether it ran."""
    passes = database[ONE_TIME_PASSES]
    if await passes.find_one({"_id": name}) is not None:
        return False
    await run()
    with contextlib.suppress(DuplicateKeyError):  # another worker ran it too, noted it first
        await passes.insert_one({"_id": name})
    return True
