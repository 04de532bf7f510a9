"""The e-mail preview on a task card is the mail's visible text, nothing else."""

import pytest
from queue_service.adapters.email_text import SNIPPET_CHARS, plain_text

pytestmark = pytest.mark.unit

OUTLOOK_MAIL = """<html><head><style>p.MsoNormal {margin:0cm; font-family:"Calibri"}
</style><title>Re: invoice</title></head>
<body><script>track()</script><p class=MsoNormal>Hello &amp; welcome,</p>
<p>my&nbsp;invoice&#39;s   total is&#x20;&lt;42&gt;.</p><br>Thanks</body></html>"""


def test_style_script_and_head_text_are_dropped_and_entities_decoded() -> None:
    assert plain_text(OUTLOOK_MAIL) == "Hello & welcome, my invoice's total is <42>. Thanks"


def test_white_space_collapses_and_block_tags_separate_words() -> None:
    assert plain_text("<p>one</p><p>two</p>\n\t<div>three  four</div>") == "one two three four"


def test_preview_is_capped() -> None:
    assert len(plain_text("<p>" + "x" * 1000 + "</p>")) == SNIPPET_CHARS


def test_broken_html_still_gives_text() -> None:
    assert plain_text("<p>unclosed <b>bold <style>never closed") == "unclosed bold"
