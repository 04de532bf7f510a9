"""A settings file: YAML or JSON (by extension) with ``tenants:`` and ``services:`` lists.

A tenant entry may carry its catalog: ``code_sets:`` and ``conversation_contexts:`` lists
(``CodeSetSpec``, ``ConversationContextSpec``), which services enable by id.

Every entry is validated before anything is applied. Problems name the entry and the field,
never a value: the message shows the pydantic reason only (``explain``), and a file that
does not parse is reported by line and column, not by the text found there.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from contracts import (
    CodeSetSpec,
    ConversationContextSpec,
    ServiceSettingsSpec,
    TenantSettingsSpec,
)
from contracts.base import Identifier
from contracts.codec import explain
from pydantic import BaseModel, TypeAdapter, ValidationError

__all__ = ["InvalidSettingsFile", "SettingsFile", "load_settings_file"]

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
_SECTIONS: Final[dict[str, type[BaseModel]]] = {
    "tenants": TenantSettingsSpec,
    "services": ServiceSettingsSpec,
}
_IDENTIFIER: Final = TypeAdapter(Identifier)
_CATALOGS: Final[dict[str, type[BaseModel]]] = {
    "code_sets": CodeSetSpec,
    "conversation_contexts": ConversationContextSpec,
}
"""A tenant entry's catalog lists: the file's, not the tenant settings' (stored apart, one
versioned document per item)."""


@dataclass(frozen=True, slots=True)
class SettingsFile:
    tenants: tuple[TenantSettingsSpec, ...]
    services: tuple[ServiceSettingsSpec, ...]
    code_sets: tuple[tuple[str, CodeSetSpec], ...] = ()
    """(tenant id, item), in file order."""
    conversation_contexts: tuple[tuple[str, ConversationContextSpec], ...] = ()


class InvalidSettingsFile(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def load_settings_file(path: Path) -> SettingsFile:
    """The file's entries, all valid; else ``InvalidSettingsFile`` with every problem."""
    content = _read(path)
    if not isinstance(content, dict) or not content.keys() <= _SECTIONS.keys():
        raise InvalidSettingsFile(["the file is a mapping with only 'tenants' and 'services'"])
    problems: list[str] = []
    parsed: dict[str, list[tuple[int, BaseModel]]] = {}
    for section, model in _SECTIONS.items():
        entries = content.get(section) or []
        if not isinstance(entries, list):
            problems.append(f"{section}: a list of entries")
            continue
        parsed[section] = []
        for index, entry in enumerate(entries):
            where = f"{section}[{index}]{_naming(entry)}"
            if section == "tenants" and isinstance(entry, dict):
                entry = {k: v for k, v in entry.items() if k not in _CATALOGS}
            try:
                parsed[section].append((index, model.model_validate(entry)))
            except ValidationError as error:
                problems.extend(f"{where}: {problem}" for problem in explain(error).split("; "))
        problems.extend(_repeats(section, parsed[section]))
    catalogs = {
        kind: _catalog(content.get("tenants"), kind, model, problems)
        for kind, model in _CATALOGS.items()
    }
    if problems:
        raise InvalidSettingsFile(problems)
    tenants = tuple(t for _, t in parsed["tenants"] if isinstance(t, TenantSettingsSpec))
    services = tuple(s for _, s in parsed["services"] if isinstance(s, ServiceSettingsSpec))
    return SettingsFile(
        tenants,
        services,
        tuple((t, i) for t, i in catalogs["code_sets"] if isinstance(i, CodeSetSpec)),
        tuple(
            (t, i)
            for t, i in catalogs["conversation_contexts"]
            if isinstance(i, ConversationContextSpec)
        ),
    )


def _catalog(
    tenants: object, kind: str, model: type[BaseModel], problems: list[str]
) -> list[tuple[str, BaseModel]]:
    """Each tenant entry's items of ``kind``, validated; problems name the tenant entry,
    the item's position and id (an id, never free text), and the field."""
    found: list[tuple[str, BaseModel]] = []
    for index, entry in enumerate(tenants if isinstance(tenants, list) else []):
        if not isinstance(entry, dict) or kind not in entry:
            continue
        where = f"tenants[{index}]{_naming(entry)}.{kind}"
        items = entry[kind]
        if not isinstance(items, list):
            problems.append(f"{where}: a list of items")
            continue
        tenant_id = str(entry.get("tenant_id", ""))
        seen: dict[str, int] = {}
        for position, item in enumerate(items):
            at = f"{where}[{position}]{_item_id(item)}"
            try:
                spec = model.model_validate(item)
            except ValidationError as error:
                problems.extend(f"{at}: {problem}" for problem in explain(error).split("; "))
                continue
            item_id = str(getattr(spec, "id", ""))
            if item_id in seen:
                problems.append(f"{at}: the same id as {where}[{seen[item_id]}]")
            seen.setdefault(item_id, position)
            found.append((tenant_id, spec))
    return found


def _item_id(item: object) -> str:
    if not isinstance(item, dict):
        return ""
    try:
        return f" (id {_IDENTIFIER.validate_python(item.get('id'))})"
    except ValidationError:
        return ""


def _read(path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        raise InvalidSettingsFile([f"{path.name}: the file ends in .yaml, .yml or .json"])
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidSettingsFile([f"{path.name}: larger than {MAX_FILE_BYTES} bytes"])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidSettingsFile(
            [f"{path.name}: cannot be read ({type(error).__name__})"]
        ) from None
    try:
        return json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise InvalidSettingsFile([f"{path.name}: not JSON ({error.msg} at {where})"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise InvalidSettingsFile([f"{path.name}: not YAML{where}"]) from None


def _naming(entry: object) -> str:
    """The entry's ids, where they are ids (never free text that might be anything)."""
    if not isinstance(entry, dict):
        return ""
    names = []
    for field in ("tenant_id", "service_id"):
        try:
            names.append(f"{field.removesuffix('_id')} {_IDENTIFIER.validate_python(entry[field])}")
        except (KeyError, ValidationError):
            continue
    return f" ({', '.join(names)})" if names else ""


def _repeats(section: str, entries: list[tuple[int, BaseModel]]) -> list[str]:
    """One entry per tenant (or tenant + service): which of two would win is no one's guess."""
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for index, entry in entries:
        key = tuple(str(getattr(entry, field, "")) for field in ("tenant_id", "service_id"))
        if key in seen:
            problems.append(f"{section}[{index}]: the same entry as {section}[{seen[key]}]")
        seen.setdefault(key, index)
    return problems
