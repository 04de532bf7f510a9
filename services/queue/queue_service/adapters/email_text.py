"""A plain-text preview of an HTML e-mail body for the task card.

Mail clients put whole style sheets in ``<style>`` and sometimes code in ``<script>``: their
text is not the message and is dropped. Entities are decoded (``&amp;`` is ``&``) and every
run of white space becomes one space. This is a preview, not a sanitizer: its output is
plain text and must still be escaped by whatever displays it.
"""

from html.parser import HTMLParser

SNIPPET_CHARS = 160

_HIDDEN = frozenset({"style", "script", "head", "title", "template", "noscript"})
_BREAKS = frozenset({"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5"})


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def plain_text(html: str, limit: int = SNIPPET_CHARS) -> str:
    """The visible text of ``html``, white space collapsed, at most ``limit`` characters."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return text[:limit]
