"""The documents as files: the same bytes on every machine (sorted keys, no timestamps), and
how a folder differs from them."""

import difflib
import json
from pathlib import Path
from typing import Any

import yaml

__all__ = ["OWNED", "compare", "render_json", "render_yaml", "write"]

OWNED = ("asyncapi", "openapi")
"""The folders under ``docs/`` these documents own: a file there that is no document is
stale too (a worker removed)."""


def render_yaml(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=True, allow_unicode=True, width=100)


def render_json(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(folder: Path, documents: dict[str, str]) -> list[Path]:
    """Writes every document (paths relative to ``folder``) and removes the files of
    ``OWNED`` folders that are no document; returns what changed."""
    changed = []
    for relative in _strays(folder, documents):
        (folder / relative).unlink()
        changed.append(folder / relative)
    for relative, text in documents.items():
        path = folder / relative
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            changed.append(path)
    return changed


def compare(folder: Path, documents: dict[str, str]) -> list[str]:
    """One line per file that differs from its document (missing, changed, or a stray),
    with the number of lines added and removed; empty when the folder is current."""
    differences = []
    for relative, text in documents.items():
        path = folder / relative
        if not path.exists():
            differences.append(f"{path}: missing")
            continue
        committed = path.read_text()
        if committed != text:
            diff = list(difflib.unified_diff(committed.splitlines(), text.splitlines(), n=0))
            added = sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))
            removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
            differences.append(f"{path}: stale (+{added} -{removed} lines when regenerated)")
    differences.extend(
        f"{folder / stray}: no longer generated" for stray in _strays(folder, documents)
    )
    return differences


def _strays(folder: Path, documents: dict[str, str]) -> list[str]:
    present = (
        path.relative_to(folder).as_posix()
        for owned in OWNED
        if (folder / owned).is_dir()
        for path in (folder / owned).rglob("*")
        if path.is_file()
    )
    return sorted(relative for relative in present if relative not in documents)
