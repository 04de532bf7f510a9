"""Following a file on disk: partial lines, rotation by rename, copytruncate, a restart
from a checkpoint taken before the rotation, an endless line."""

import os
from pathlib import Path

import pytest
from ingest_service.queue_log_follow import FileTail, Position
from ingest_service.queue_log_follow.tail import MAX_LINE_BYTES

pytestmark = pytest.mark.integration


def texts(tail: FileTail) -> list[str]:
    return [text for text, _ in tail.read_lines(1000)]


def test_a_line_is_read_once_its_line_end_is_written(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"one\ntw")
    with FileTail(log, None) as tail:
        assert texts(tail) == ["one"]
        with log.open("ab") as out:
            out.write(b"o\nthree\n")
        assert texts(tail) == ["two", "three"]
        assert tail.position == Position(os.stat(log).st_ino, len(b"one\ntwo\nthree\n"))


def test_the_rotated_file_is_read_to_its_end_before_the_new_one(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"a\n")
    with FileTail(log, None) as tail:
        assert texts(tail) == ["a"]
        with log.open("ab") as out:
            out.write(b"b\nc")  # written just before logrotate renames it; no line end yet
        log.rename(tmp_path / "queue_log.1")
        log.write_bytes(b"d\n")
        assert texts(tail) == ["b", "c", "d"]
        assert tail.position.inode == os.stat(log).st_ino


def test_a_restart_after_a_rotation_finishes_the_rotated_file_first(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"a\nb\n")
    with FileTail(log, None) as first:
        [(_, after_a), _] = first.read_lines(1000)
    log.rename(tmp_path / "queue_log.1")
    log.write_bytes(b"c\n")
    with FileTail(log, after_a) as restarted:
        assert texts(restarted) == ["b", "c"]


def test_a_file_cut_shorter_is_read_again_from_its_start(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"a\nb\n")
    with FileTail(log, None) as tail:
        assert texts(tail) == ["a", "b"]
        log.write_bytes(b"c\n")  # copytruncate: same inode, shorter
        assert texts(tail) == ["c"]


def test_an_endless_line_is_cut_and_the_next_line_read(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"x" * (3 * MAX_LINE_BYTES) + b"\nnext\n")
    with FileTail(log, None) as tail:
        lines = texts(tail)
        assert [len(line) for line in lines] == [MAX_LINE_BYTES, 4]
        assert tail.position.offset == log.stat().st_size
