"""A received mail's HTML made safe to show inside the page, with nh3 (Ammonia).

What survives is text formatting, tables, lists and links; nothing that runs, loads or
submits: no script, style sheet, frame, object, SVG/MathML, form or control, no event
handler or ``id``/``class``/``name`` (no DOM clobbering, no page styles reached), no
``<base>``/``<meta>``/``<link>``. Nothing is fetched when it is shown: an image keeps its
``src`` only as an inline raster ``data:`` URL (a remote image is a read receipt), and
``srcset``, ``background`` and ``cite`` go; an inline ``style`` keeps a short list of
properties and is dropped whole if it could reach a URL (``url(``, ``image-set``, ``@import``,
escapes). Links keep only http(s) and mailto targets and open in a new tab with
``rel="noopener noreferrer"``.
"""

import re
from typing import Final

import nh3

__all__ = ["safe_html"]

_TAGS: Final = (frozenset(nh3.ALLOWED_TAGS) - {"area", "map"}) | {"font"}
_DROPPED_WITH_CONTENT: Final = frozenset(
    {
        "script",
        "style",
        "title",
        "template",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "textarea",
        "select",
        "option",
        "button",
    }
)
_LAYOUT: Final = frozenset({"align", "valign", "width", "height", "style", "dir", "lang"})
_CELL: Final = _LAYOUT | {"colspan", "rowspan", "scope", "headers"}
_ATTRIBUTES: Final[dict[str, set[str]]] = {
    "*": {"style", "dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "align"},
    "table": set(_LAYOUT) | {"border", "cellpadding", "cellspacing"},
    "td": set(_CELL),
    "th": set(_CELL),
    "tr": set(_LAYOUT),
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start"},
    "font": {"color", "size", "face"},
}
_STYLE_PROPERTIES: Final = frozenset(
    {
        "color",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "line-height",
        "text-align",
        "text-decoration",
        "vertical-align",
        "white-space",
        "margin",
        "margin-top",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "padding",
        "padding-top",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "border",
        "border-collapse",
        "width",
        "max-width",
        "height",
    }
)
_LINK_SCHEME: Final = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_INLINE_IMAGE: Final = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*$")
_STYLE_REACHES_OUT: Final = re.compile(r"url|image|import|expression|\\|&|@", re.IGNORECASE)


def _attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return None if _STYLE_REACHES_OUT.search(value) else value
    if tag == "a" and attribute == "href":
        return value if _LINK_SCHEME.match(value.strip()) else None
    if tag == "img" and attribute == "src":
        return value if _INLINE_IMAGE.match(value.strip()) else None
    return value


def safe_html(html: str) -> str:
    """``html`` (a mail body, at most 200,000 characters) with only the harmless parts."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        url_schemes={"http", "https", "mailto", "data"},
        url_relative="deny",
        filter_style_properties=set(_STYLE_PROPERTIES),
    )
