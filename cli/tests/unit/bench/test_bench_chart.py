"""The memory chart is a valid PNG that a PNG reader decodes, with each series drawn in its
colour: read back with zlib (an independent decoder of the same format's data)."""

import struct
import zlib
from pathlib import Path

import pytest
from mysessions.bench.chart import HEIGHT, PALETTE, WIDTH, line_chart

pytestmark = pytest.mark.unit


def pixels_of(png: bytes) -> bytes:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    at, data = 8, b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc
        if kind == b"IHDR":
            assert struct.unpack(">II", body[:8]) == (WIDTH, HEIGHT)
        if kind == b"IDAT":
            data += body
        at += 12 + length
    return zlib.decompress(data)


def test_each_series_is_drawn_in_its_colour(tmp_path: Path) -> None:
    path = tmp_path / "chart.png"
    line_chart([[(0, 10), (10, 20)], [(0, 5), (10, 5)]], path)
    raw = pixels_of(path.read_bytes())
    assert len(raw) == HEIGHT * (1 + WIDTH * 3)
    for colour in PALETTE[:2]:
        assert bytes(colour) in raw
    assert bytes(PALETTE[2]) not in raw
