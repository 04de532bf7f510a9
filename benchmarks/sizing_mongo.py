"""MongoDB bytes per collection of one database, for sizing.py.

Two measures, because they answer different questions:

- BSON bytes: the documents exactly as stored, read back raw (``RawBSONDocument``, no
  decoding). This is MongoDB's ``dataSize`` (uncompressed), whatever server holds them.
- The server's ``collStats``: ``size``, ``storageSize`` and ``totalIndexSize``. On the
  local FerretDB v1 these are PostgreSQL's sizes of the tables (jsonb, whole 8 KiB pages,
  so a small collection rounds up); on MongoDB, WiredTiger compresses data and indexes
  (snappy by default), so its ``storageSize`` is usually well below the BSON bytes.
"""

from dataclasses import dataclass
from typing import Any

from bson.raw_bson import RawBSONDocument
from pymongo.asynchronous.database import AsyncDatabase

__all__ = ["CollectionSize", "measure_collections"]


@dataclass(frozen=True)
class CollectionSize:
    name: str
    documents: int
    bson_bytes: int
    server_size: int
    server_storage: int
    server_indexes: int

    @property
    def bson_per_document(self) -> float:
        return self.bson_bytes / self.documents if self.documents else 0.0


async def measure_collections(database: AsyncDatabase[Any]) -> list[CollectionSize]:
    sizes = []
    for name in sorted(await database.list_collection_names()):
        raw = database.get_collection(name).with_options(
            codec_options=database.codec_options.with_options(document_class=RawBSONDocument)
        )
        documents, bson_bytes = 0, 0
        async for document in raw.find({}):
            documents += 1
            bson_bytes += len(document.raw)
        stats = await database.command("collStats", name)
        sizes.append(
            CollectionSize(
                name,
                documents,
                bson_bytes,
                int(stats.get("size", 0)),
                int(stats.get("storageSize", 0)),
                int(stats.get("totalIndexSize", 0)),
            )
        )
    return sizes
