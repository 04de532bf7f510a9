"""Ids inside Redis keys, made unambiguous.

Keys join their parts with ``:``, and ids may contain ``:`` (contracts.base.Identifier), so
a plain join lets tenant ``acme`` + user ``eu:alice`` and tenant ``acme:eu`` + user ``alice``
share a key. Every id part is therefore percent-escaped: ``%``, the separators ``:`` and
``|``, the hash-tag braces ``{}``, the SCAN glob characters ``*?[]\\`` and anything outside
printable ASCII (as UTF-8 bytes) become ``%XX``. An encoded part never holds a separator, a
brace or a glob character, so joining encoded parts is injective and :func:`decode_part`
inverts :func:`encode_part` exactly. Ordinary ids (``acme``, ``alice``, ``s-1``) stay as they
are, so keys stay readable: ``ms:agent:{acme:eu%3Aalice}:tasks``.
"""

import re
from urllib.parse import unquote

__all__ = [
    "SEPARATOR",
    "check_prefix",
    "decode_part",
    "encode_part",
    "glob_escape",
    "hash_tag",
    "split_tag",
]

SEPARATOR = ":"

_UNSAFE = re.compile(r"[^\x21-\x7e]|[%:{}|*?\[\]\\]")
_GLOB = re.compile(r"([*?\[\]\\])")


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass"))


def encode_part(part: str) -> str:
    """The id as it appears inside a key: printable ASCII without ``%:{}|*?[]\\`` unescaped."""
    return _UNSAFE.sub(_escape, part)


def decode_part(encoded: str) -> str:
    """The id back from :func:`encode_part`; exact for every string."""
    return unquote(encoded, encoding="utf-8", errors="surrogatepass")


def hash_tag(*parts: str) -> str:
    """``{part:part}``: the key's hash tag (Redis Cluster hashes only what is inside the
    first braces), so every key with the same parts lands in one slot."""
    return "{" + SEPARATOR.join(encode_part(part) for part in parts) + "}"


def split_tag(key: str) -> list[str]:
    """The decoded parts of the first ``{…}`` of ``key`` (the inverse of :func:`hash_tag`)."""
    start = key.index("{")
    end = key.index("}", start)
    return [decode_part(part) for part in key[start + 1 : end].split(SEPARATOR)]


def glob_escape(text: str) -> str:
    """``text`` matched literally in a SCAN/KEYS pattern (for prefixes, which are not
    encoded: they are the operator's namespace and may hold ``:`` on purpose)."""
    return _GLOB.sub(r"\\\1", text)


def check_prefix(prefix: str) -> str:
    """The prefix, if it cannot hide a key's hash tag (Redis hashes the first ``{…}``)."""
    if "{" in prefix or "}" in prefix:
        raise ValueError("a key prefix must not contain braces")
    return prefix
