"""A line chart as a PNG, written with the standard library alone (zlib, struct): each
worker's memory over a run, where a picture says more than a table. No plotting library
for one picture: axes from zero, one coloured line per series, a legend of colour swatches
in series order (the table beside it names them)."""

import struct
import zlib
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

WIDTH, HEIGHT, MARGIN = 800, 400, 40
PALETTE = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189))
Series = Sequence[tuple[float, float]]


class _Canvas:
    def __init__(self) -> None:
        self.pixels = bytearray(b"\xff" * (WIDTH * HEIGHT * 3))

    def dot(self, x: int, y: int, colour: tuple[int, int, int]) -> None:
        if 0 <= x < WIDTH and 0 <= y < HEIGHT:
            at = (y * WIDTH + x) * 3
            self.pixels[at : at + 3] = bytes(colour)

    def line(self, a: tuple[int, int], b: tuple[int, int], colour: tuple[int, int, int]) -> None:
        (x0, y0), (x1, y1) = a, b
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for step in range(steps + 1):
            x = round(x0 + (x1 - x0) * step / steps)
            y = round(y0 + (y1 - y0) * step / steps)
            self.dot(x, y, colour)
            self.dot(x, y + 1, colour)

    def png(self) -> bytes:
        rows = b"".join(
            b"\x00" + bytes(self.pixels[y * WIDTH * 3 : (y + 1) * WIDTH * 3]) for y in range(HEIGHT)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b"")
        )


def line_chart(series: Sequence[Series], path: Path) -> None:
    """``series``: (x, y) points each; x from the first point's to the last's, y from 0 to
    the largest seen (memory from zero, so growth is seen at its true size)."""
    canvas = _Canvas()
    points = [p for s in series for p in s]
    x_min = min((x for x, _ in points), default=0.0)
    x_span = (max((x for x, _ in points), default=1.0) - x_min) or 1.0
    y_max = max((y for _, y in points), default=1.0) or 1.0
    black = (0, 0, 0)
    origin = (MARGIN, HEIGHT - MARGIN)
    canvas.line(origin, (WIDTH - MARGIN, HEIGHT - MARGIN), black)
    canvas.line(origin, (MARGIN, MARGIN), black)

    def place(x: float, y: float) -> tuple[int, int]:
        return (
            MARGIN + round((x - x_min) / x_span * (WIDTH - 2 * MARGIN)),
            HEIGHT - MARGIN - round(y / y_max * (HEIGHT - 2 * MARGIN)),
        )

    for index, points_of in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        for a, b in pairwise(points_of):
            canvas.line(place(*a), place(*b), colour)
        for dx in range(12):  # legend swatch, top left, in series order
            for dy in range(8):
                canvas.dot(MARGIN + 10 + index * 20 + dx, 10 + dy, colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(canvas.png())
