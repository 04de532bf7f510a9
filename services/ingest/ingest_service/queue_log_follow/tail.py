"""Complete lines of a growing file, followed through rotation by inode.

Positions count bytes of *complete* lines only: a line Asterisk is still writing is read
once its line end arrives. Rotation (logrotate's rename, then Asterisk reopening its log)
is seen when the path names another inode: the old file is read to its end first, a last
line without a line end included, then the new one from its start. A file cut shorter
than the position (``copytruncate``) is read again from its start.

A line longer than :data:`MAX_LINE_BYTES` is passed on cut there (the translator counts it
as an error) and the rest of it is skipped, so memory stays bounded.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from ingest_service.queue_log.lines import MAX_LINE_CHARS

log = logging.getLogger(__name__)

MAX_LINE_BYTES: Final = 4 * MAX_LINE_CHARS + 1
"""UTF-8 takes up to 4 bytes a character; one more makes the translator see it as too long."""
CHUNK_BYTES: Final = 65_536


@dataclass(frozen=True)
class Position:
    inode: int
    offset: int


class FileTail:
    def __init__(self, path: Path, start: Position | None) -> None:
        self.path = path
        self._file: BinaryIO | None = None
        self._inode = 0
        self._offset = 0
        self._partial = bytearray()
        self._skipping = False
        self._rotated_away = False
        self._start = start

    @property
    def position(self) -> Position:
        return Position(self._inode, self._offset)

    def __enter__(self) -> "FileTail":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _open(self, path: Path, offset: int) -> None:
        self.close()
        handle = path.open("rb")
        self._file = handle
        self._inode = os.fstat(handle.fileno()).st_ino
        handle.seek(offset)
        self._offset = offset
        self._partial.clear()
        self._skipping = False

    def _open_first(self) -> bool:
        """Where the checkpoint says: the same inode, or the rotated file that has it."""
        try:
            current = self.path.stat()
        except FileNotFoundError:
            return False
        start, self._start = self._start, None
        if start is None:
            self._open(self.path, 0)
        elif start.inode == current.st_ino:
            self._open(self.path, start.offset if start.offset <= current.st_size else 0)
        else:
            rotated = self._find_inode(start.inode)
            if rotated is None:
                log.warning("the checkpointed file is gone; reading %s from its start", self.path)
                self._open(self.path, 0)
            else:
                self._open(rotated, start.offset)
                self._rotated_away = True
        return True

    def _find_inode(self, inode: int) -> Path | None:
        with os.scandir(self.path.parent) as entries:
            for entry in entries:
                if entry.name.startswith(self.path.name) and entry.inode() == inode:
                    return Path(entry.path)
        return None

    def read_lines(self, limit: int) -> list[tuple[str, Position]]:
        """Up to ``limit`` new complete lines, each with the position just after it."""
        if self._file is None and not self._open_first():
            return []
        lines: list[tuple[str, Position]] = []
        while len(lines) < limit:
            assert self._file is not None
            data = self._file.read(CHUNK_BYTES)
            if data:
                self._split(data, lines)
                continue
            if not self._switch_if_rotated(lines):
                break
        return lines

    def _split(self, data: bytes, lines: list[tuple[str, Position]]) -> None:
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                self._hold(data[start:], lines)
                return
            self._hold(data[start:end], lines)
            self._emit(end - start + 1, lines)
            start = end + 1

    def _hold(self, piece: bytes, lines: list[tuple[str, Position]]) -> None:
        if self._skipping:
            self._offset += len(piece)
            return
        self._partial += piece
        if len(self._partial) > MAX_LINE_BYTES:
            cut = bytes(self._partial[:MAX_LINE_BYTES])
            self._offset += len(self._partial)
            self._partial.clear()
            self._skipping = True
            lines.append((cut.decode("utf-8", "replace"), self.position))

    def _emit(self, _consumed: int, lines: list[tuple[str, Position]]) -> None:
        """The line end: the held bytes are a line (unless it was cut and skipped)."""
        if self._skipping:
            self._offset += 1
            self._skipping = False
            return
        text = bytes(self._partial).decode("utf-8", "replace")
        self._offset += len(self._partial) + 1
        self._partial.clear()
        lines.append((text, self.position))

    def _switch_if_rotated(self, lines: list[tuple[str, Position]]) -> bool:
        """At the end of the file: True when reading goes on in another (or a cut) file."""
        try:
            current = self.path.stat()
        except FileNotFoundError:
            return False  # renamed away, the new one not yet created: wait
        if self._rotated_away or current.st_ino != self._inode:
            if self._partial and not self._skipping:
                self._emit(0, lines)  # the old file's last line had no line end
            self._rotated_away = False
            self._open(self.path, 0)
            return True
        if current.st_size < self._offset + len(self._partial):
            log.warning("%s was cut shorter (copytruncate?); reading it from its start", self.path)
            self._open(self.path, 0)
            return True
        return False
