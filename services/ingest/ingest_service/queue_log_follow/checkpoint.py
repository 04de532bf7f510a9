"""The follower's checkpoint: the file position and the translator's memory, together.

One JSON file written atomically (a temporary file, fsync, rename), so the position and the
state of the calls that the lines before it opened are always from the same instant. It is
written after the events of the lines before the position are confirmed by Kafka: after a
crash the lines since the last checkpoint are read and translated again, into the same
events with the same ids, which ingest's de-duplication drops.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest_service.queue_log_follow.tail import Position

VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    followed: str
    position: Position
    translator: dict[str, Any]


class CheckpointFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, followed: Path) -> Checkpoint | None:
        try:
            raw = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        if raw.get("version") != VERSION:
            raise ValueError(f"{self.path}: unknown checkpoint version")
        if raw["followed"] != str(followed.resolve()):
            raise ValueError(f"{self.path} is the checkpoint of another file")
        position = Position(int(raw["inode"]), int(raw["offset"]))
        return Checkpoint(raw["followed"], position, raw["translator"])

    def save(self, checkpoint: Checkpoint) -> None:
        body = {
            "version": VERSION,
            "followed": checkpoint.followed,
            "inode": checkpoint.position.inode,
            "offset": checkpoint.position.offset,
            "translator": checkpoint.translator,
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w") as out:
            json.dump(body, out, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
