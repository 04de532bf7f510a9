"""Values a reason must never repeat, and every position of a message they can take.

Shared by the tests of ``explain`` (every topic) and of the ingest path (tests/unit)."""

import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

phones = st.from_regex(r"\A\+?[1-9][0-9]{7,14}\Z") | st.builds(
    lambda a, b, c: f"+41 {a} {b} {c}",
    st.integers(10, 99),
    st.integers(100, 999),
    st.integers(1000, 9999),
)
emails = st.from_regex(r"\A[a-z][a-z0-9._%+-]{2,20}@[a-z0-9-]{2,15}\.[a-z]{2,6}\Z")
names = st.lists(st.from_regex(r"\A[A-Z][a-z]{3,10}\Z"), min_size=2, max_size=3).map(" ".join)
long_texts = st.text(min_size=40, max_size=400).filter(lambda text: len(text.strip()) >= 40)
SENSITIVE = phones | emails | names | long_texts

_DIGIT_RUN = re.compile(r"\d{7,}")


def leaks(value: str, text: str) -> bool:
    """Whether ``text`` repeats ``value``, or a run of 7 digits or more of it (a number
    written in another way)."""
    return value in text or any(run in text for run in _DIGIT_RUN.findall(value))


def variants(document: dict[str, Any], value: str) -> Iterator[dict[str, Any]]:
    """``document`` with ``value`` in each position: as every field's value (``type``
    too), nested or not, as the name of an extra key (with a text and with a number as its
    value, so a ``parameters`` entry fails at its name), in every object."""
    for path in _paths(document):
        if path:
            yield _replaced(document, path, value)
        if isinstance(_at(document, path), dict):
            yield _replaced(document, path, {**_at(document, path), value: "x"})
            yield _replaced(document, path, {**_at(document, path), value: 5})


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*path, key))


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _replaced(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _replaced(node[head], rest, value)}
    copy = list(node)
    copy[head] = _replaced(node[head], rest, value)
    return copy
