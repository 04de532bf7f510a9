"""The e-mail preview's cost is linear in the body and small, however the markup is broken.

Whoever sends the contact center a mail chooses the body (up to MAX_HTML_BODY_CHARS), and
the preview is made inside the queue worker's event loop: html.parser took 35 s on 200,000
characters of ``<a``. Each input below is one way to make a parser rescan or backtrack.
"""

import html

import pytest
from contracts.limits import MAX_HTML_BODY_CHARS
from hypothesis import given
from hypothesis import strategies as st
from mysessions_platform.testing.linear_time import assert_linear, best_seconds, repeated_to
from queue_service.adapters.email_text import PREFIX_CHARS, plain_text

pytestmark = pytest.mark.unit

HOSTILE = [
    "<a",  # a tag never closed: html.parser rescans it at every step
    "<!--",  # comments never closed
    "<!--<!--x-->",  # nested comments
    "<!--x--!>",  # comments closed the other way
    "&amp;",  # entity flood
    "&#",  # numeric references without digits
    "&",  # bare ampersands
    "<div>",  # nesting without end: html5ever walks its stack at every tag
    "<ul><li>",
    "<b><i><u>x",  # formatting elements a tree builder reopens
    "<a b=",  # attributes without values
    "<a x='",  # a quoted value never closed
    '<a b="x" c ',  # many attributes in one tag
    "<style>",  # raw text never closed
    "<style></styl",  # almost an end tag, over and over
    "</",
    "<![CDATA[",
    "x",  # one long run without any delimiter
]


@pytest.mark.serial
@pytest.mark.parametrize("pattern", HOSTILE)
def test_preview_time_is_linear_up_to_the_prefix_it_reads(pattern: str) -> None:
    assert_linear(plain_text, lambda n: repeated_to(pattern, n), PREFIX_CHARS, within_s=0.25)


@pytest.mark.serial
@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_maximum_size_hostile_body_costs_no_more_than_its_prefix(pattern: str) -> None:
    body = repeated_to(pattern, MAX_HTML_BODY_CHARS)
    assert best_seconds(lambda: plain_text(body)) < 0.25


def test_only_the_prefix_is_read() -> None:
    late = "<p>" + " " * PREFIX_CHARS + "too late</p>"
    assert plain_text(late) == ""
    assert plain_text("<p>" + " " * (PREFIX_CHARS - 20) + "in time</p>") == "in time"


@pytest.mark.parametrize(
    ("body", "preview"),
    [
        ("<b>bo</b>ld", "bold"),
        ('<a title="x>y" href=\'a"b\'>link</a>', "link"),
        ("<STYLE type=text/css>p {}</STYLE >shown", "shown"),
        ("<style>a</styles>b</style>c", "c"),
        ("<script>if (a < b) {}</script>ok", "ok"),
        ("a < b &lt; c", "a < b < c"),
        ("a<!-- hidden -->b<!-->c<!--->d<!-- also --!>e", "abcde"),
        ("a </", "a </"),
        ("<!DOCTYPE html><?xml x?>x", "x"),
        # What a head holds besides those is shown, as a browser moves it into the body.
        ("<head><meta charset=utf-8>moved</head><body><p>body", "moved body"),
        ("<template><p>hidden</p></template>shown", "shown"),
        ("text <a href='never closed>lost", "text"),
        ("İstanbul <SCRİPT>x</SCRİPT>", "İstanbul x"),
    ],
)
def test_preview_reads_markup_as_a_browser_would(body: str, preview: str) -> None:
    assert plain_text(body) == preview


_WORDS = st.text(alphabet="ab &<>\"'\n;#", min_size=1, max_size=8)
_ATTRIBUTE_VALUES = st.text(alphabet="a >\"'=&", max_size=6)


@st.composite
def _documents(draw: st.DrawFn, depth: int = 0) -> tuple[str, str]:
    """A well-formed body and its visible text, built side by side."""
    markup, visible = [], []
    for _ in range(draw(st.integers(0, 4))):
        kinds = ["text", "inline", "block", "style"] if depth < 3 else ["text"]
        kind = draw(st.sampled_from(kinds))
        if kind == "text":
            word = draw(_WORDS)
            markup.append(html.escape(word))
            visible.append(word)
        elif kind == "style":
            markup.append(f"<style>{draw(_WORDS).replace('<', '')}</style>")
        else:
            name = "b" if kind == "inline" else "p"
            value = html.escape(draw(_ATTRIBUTE_VALUES))
            inner_markup, inner_visible = draw(_documents(depth + 1))
            markup.append(f'<{name} title="{value}">{inner_markup}</{name}>')
            gap = " " if kind == "block" else ""
            visible.append(f"{gap}{inner_visible}{gap}")
    return "".join(markup), "".join(visible)


@given(_documents())
def test_preview_of_well_formed_markup_is_its_text(document: tuple[str, str]) -> None:
    body, visible = document
    assert plain_text(body, limit=10_000) == " ".join(visible.split())
