"""A MongoDB lease (``reporting_leases``): at most one reporting worker sweeps at a time.

Taken when free or expired, renewed by its holder; a unique ``_id`` makes two takers
collide (FerretDB has unique indexes, no TTL: the expiry is a field compared on read).
"""

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

LEASES: Final = "reporting_leases"


class MongoLease:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        name: str,
        ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._leases = database[LEASES]
        self._name = name
        self._ttl = ttl
        self._clock = clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"

    async def hold(self) -> bool:
        now = self._clock()
        try:
            await self._leases.update_one(
                {"_id": self._name, "$or": [{"owner": self.owner}, {"expires_at": {"$lte": now}}]},
                {"$set": {"owner": self.owner, "expires_at": now + self._ttl}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # someone else holds it
        return True

    async def release(self) -> None:
        await self._leases.delete_one({"_id": self._name, "owner": self.owner})
