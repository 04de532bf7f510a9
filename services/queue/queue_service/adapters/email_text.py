"""A plain-text preview of an HTML e-mail body for the task card.

Mail clients put whole style sheets in ``<style>`` and sometimes code in ``<script>``: their
text is not the message and is dropped. Entities are decoded (``&amp;`` is ``&``) and every
run of white space becomes one space. This is a preview, not a sanitizer: its output is
plain text and must still be escaped by whatever displays it.

The body comes from whoever sends the contact center a mail, and this runs inside the queue
worker's event loop, so its cost must not depend on how the markup is broken. A tree-building
parser cannot promise that: ``html.parser`` rescans an unclosed ``<a`` at every feed (200,000
characters of ``<a`` took 35 s) and html5ever, behind nh3, walks the stack of open elements
at every tag (200,000 characters of ``<ul><li>`` take 3 s). A preview needs no tree, only
the text between tags, so this is a tokenizer alone: every step either consumes characters
or ends the scan, every search starts where the last one stopped and consumes what it
read, and the regular expressions are literals or have only possessive quantifiers, so
nothing is read twice and nothing backtracks. It reads at most :data:`PREFIX_CHARS` of the
body as well, so a preview costs the same for a 10 kB mail and a 200 kB one (at most about
20 ms, for the densest markup).

What a tokenizer cannot know it takes as a browser's tree builder would in the common case:
a head's style, title and script are skipped, and other text in a head is shown (a browser
moves it into the body); ``<!--`` inside a script is not treated specially.
"""

import html as entities
import re
from typing import Final

SNIPPET_CHARS: Final = 160

PREFIX_CHARS: Final = 65_536
"""How much of the body the preview reads. The first 160 visible characters are rarely far
in, but Outlook and newsletter tools put their whole style sheet before them (tens of
kilobytes at most in real mail); 64 Ki characters keeps those previews and bounds the
cost of a 200,000-character body to that of its first third."""

_SKIPPED_RAW: Final = frozenset({"style", "script", "title", "noscript"})
"""Elements whose content is not markup and not message text: skipped up to their end tag."""
_BREAKS: Final = frozenset(
    {"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
)
"""Tags between which words must not run together once the tags are gone."""

_SPACE = "\t\n\f\r "
# A start or end tag from its "<": the name, then attributes (a quoted value may hold ">"),
# then ">" if the tag is closed before the end of the input. Every quantifier is possessive
# and the alternatives of the loop start with disjoint characters: the match is one pass.
_TAG: Final = re.compile(
    rf"""<(/?)([A-Za-z][^{_SPACE}/>]*+)
    (?:[{_SPACE}/]++
      |[^{_SPACE}/>][^{_SPACE}/>=]*+
       (?:[{_SPACE}]*+=[{_SPACE}]*+(?:"[^"]*+"?|'[^']*+'?|[^{_SPACE}>]*+))?+
    )*+
    (>)?""",
    re.VERBOSE,
)

_COMMENT_END: Final = re.compile(r"--!?>")
"""A comment ends at "-->" or "--!>": one search, so no stretch is read twice."""
# "</style" and the like in any (ASCII) case, ending the name: a literal searched for once.
_RAW_END: Final = {
    name: re.compile(rf"</{name}(?=[{_SPACE}/>]|\Z)", re.IGNORECASE | re.ASCII)
    for name in _SKIPPED_RAW
}


class _Scan:
    """One left-to-right pass over ``source``; ``at`` only ever moves forward."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0
        self.text: list[str] = []
        self.template_depth = 0

    def run(self) -> str:
        source = self.source
        while self.at < len(source):
            lt = source.find("<", self.at)
            if lt < 0:
                self._visible(source[self.at :])
                break
            self._visible(source[self.at : lt])
            self.at = self._markup(lt)
        return "".join(self.text)

    def _visible(self, raw: str) -> None:
        if raw and not self.template_depth:
            self.text.append(entities.unescape(raw))

    def _markup(self, lt: int) -> int:
        """Where the text after the markup at ``lt`` starts (the end of input if none)."""
        source = self.source
        if source.startswith("<!--", lt):
            if source.startswith((">", "->"), lt + 4):  # "<!-->" and "<!--->" are empty
                return source.index(">", lt + 4) + 1
            closed = _COMMENT_END.search(source, lt + 4)
            return len(source) if closed is None else closed.end()
        tag = _TAG.match(source, lt)
        if tag is None:
            if lt + 2 == len(source) and source.endswith("</"):
                self._visible("</")
                return len(source)
            if source.startswith(("<!", "</", "<?"), lt):  # doctype, CDATA, "</ x>", "<?xml"
                end = source.find(">", lt + 2)
                return len(source) if end < 0 else end + 1
            self._visible("<")
            return lt + 1
        if tag.group(3) is None:  # the input ends inside the tag: nothing of it is shown
            return len(source)
        self._tag(tag.group(2).lower(), closing=bool(tag.group(1)))
        if not tag.group(1) and tag.group(2).lower() in _SKIPPED_RAW:
            return self._after_raw(tag.group(2).lower(), tag.end())
        return tag.end()

    def _tag(self, name: str, *, closing: bool) -> None:
        if name == "template":
            self.template_depth = max(0, self.template_depth + (-1 if closing else 1))
        elif name in _BREAKS:
            self.text.append(" ")

    def _after_raw(self, name: str, start: int) -> int:
        """Past the end tag of the raw-text element ``name`` whose content begins at
        ``start`` (its content is skipped); the end of input if it is never closed."""
        end_tag = _RAW_END[name].search(self.source, start)
        if end_tag is None:
            return len(self.source)
        tag = _TAG.match(self.source, end_tag.start())
        return len(self.source) if tag is None or tag.group(3) is None else tag.end()


def plain_text(html: str, limit: int = SNIPPET_CHARS) -> str:
    """The visible text of ``html``, white space collapsed, at most ``limit`` characters.

    Reads at most :data:`PREFIX_CHARS` characters of ``html``, in time linear in them."""
    text = _Scan(html[:PREFIX_CHARS]).run()
    return " ".join(text.split())[:limit]
