"""What ``mysessions context show`` prints: the detail panel of a session per service.

A live session shows its live context in the service it is in (or the one asked for). A
concluded one shows, per service it visited, the stored record's panel, or "Not Available"
where the service stores nothing (or the record expired). Directory callers are resolved
again when shown (their data is never stored).
"""

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from contracts import ServiceSettings, effective_settings
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore
from pymongo.asynchronous.database import AsyncDatabase

from context_service.adapters.directory import MongoDirectory
from context_service.adapters.live_store import LiveContexts
from context_service.adapters.stored_context import StoredContextStore
from context_service.panel import Panel, live_panel, not_available_panel, stored_panel
from context_service.transcripts_port import TranscriptStateReader

__all__ = ["ServicePanel", "as_json", "panels", "render_text"]

ServicePanel = tuple[str, Panel]


async def panels(
    database: AsyncDatabase[Document],
    live: LiveContexts,
    transcripts: TranscriptStateReader,
    tenant_id: str,
    session_id: str,
    service_id: str | None,
    now: datetime,
) -> list[ServicePanel]:
    settings_store = ServiceSettingsStore(database)

    async def settings_of(service: str) -> ServiceSettings:
        """As stored now, resolved with the tenant's catalog (the links a service enables
        from it show with its own)."""
        found = await settings_store.get(tenant_id, service)
        own = found if found is not None else ServiceSettings.default(tenant_id, service)
        if not own.code_sets and not own.conversation_contexts:
            return own
        catalog = await TenantCatalogs(database).of_tenant(tenant_id)
        return effective_settings(own, catalog.code_sets, catalog.contexts)

    context, ended = await live.load(tenant_id, session_id)
    if context is not None and not ended:
        stay = context.current or (context.stays[-1] if context.stays else None)
        service = service_id or (stay.service_id if stay else None)
        if service is None and context.first_service:
            service = context.first_service[0]
        if service is not None:
            state = await transcripts.state(tenant_id, session_id, service)
            return [(service, live_panel(await settings_of(service), context, state))]
    stored = StoredContextStore(database)
    records = await stored.for_session(tenant_id, session_id, now, service_id)
    visited = await live.ended_services(tenant_id, session_id) or []
    services = (
        [service_id]
        if service_id
        else list(dict.fromkeys([*visited, *(r.service_id for r in reversed(records))]))
    )
    directory = MongoDirectory(database)
    shown: list[ServicePanel] = []
    for service in services:
        record = next((r for r in records if r.service_id == service), None)
        state = await transcripts.state(tenant_id, session_id, service)
        if record is None:
            shown.append((service, not_available_panel(state)))
            continue
        caller = record.caller
        if caller is not None and caller.resolved_when_shown:
            found = await directory.find(tenant_id, caller.address)
            caller = replace(found, address=caller.address, source="directory") if found else caller
        shown.append((service, stored_panel(await settings_of(service), record, state, caller)))
    return shown


def as_json(shown: list[ServicePanel]) -> list[dict[str, Any]]:
    return [{"service_id": service, **asdict(panel)} for service, panel in shown]


def render_text(shown: list[ServicePanel]) -> str:
    if not shown:
        return "Not Available (no live context and no stored record for this session)"
    lines: list[str] = []
    for service, panel in shown:
        lines.append(f"service {service} ({panel.status})")
        address = f" <{panel.caller_address}>" if panel.caller_address else ""
        lines.append(f"  caller: {panel.caller}{address}")
        for name, value in panel.caller_details.items():
            lines.append(f"    {name}: {value}")
        if panel.session_details:
            lines.append("  session details:")
            for shown_field in panel.session_details:
                source = f" (from {shown_field.source})" if shown_field.source else ""
                lines.append(f"    {shown_field.name}: {shown_field.value}{source}")
        if panel.stored_fields:
            lines.append("  fields:")
            for shown_field in panel.stored_fields:
                source = shown_field.source or "unknown"
                lines.append(f"    {shown_field.name}: {shown_field.value} (from {source})")
        for link in panel.links:
            lines.append(f"  link {link.name}: {link.url}")
        if panel.map_url:
            lines.append(f"  map: {panel.map_url}")
        if panel.embedded_url:
            lines.append(f"  embedded context: {panel.embedded_url}")
        lines.append(f"  transcript: {panel.transcript}")
    return "\n".join(lines)
