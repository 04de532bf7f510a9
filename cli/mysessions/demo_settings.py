"""Realistic service settings for the demo's own tenants, so every worker has something to
do: codes and tags everywhere (tasks agents handle are open for after-call work), one
service storing conversation context (its history keeps callers 30 days) with the embedded
context widget, one with transcription, one with e-mail and chat widgets; the map where
callers have addresses (the demo's address book files e-mail senders). Each tenant's
catalog has a code set and a conversation context every service enables, so the admin
screen shows them in use."""

import contracts as c

from mysessions.simulation.config import SimulationConfig
from mysessions.simulation.content import service_name

_CODES = (
    c.Code(id="resolved", label="Resolved"),
    c.Code(id="sales-lead", label="Sales lead"),
    c.Code(id="escalated", label="Escalated"),
    c.Code(id="no-answer-needed", label="No answer needed"),
)
_SECONDARY = (c.Code(id="callback", label="Callback requested"),)
_DETAILS = c.SessionDetailsFields(
    parameters=("ticket_id", "intent", "language"),
    parameter_labels=(
        c.ParameterLabel(name="ticket_id", label="Ticket ID"),
        c.ParameterLabel(name="intent", label="Intent"),
        c.ParameterLabel(name="language", label="Spoken language"),
    ),
)
_CRM_LINK = c.ContextLink(
    name="CRM contact", url_template="https://crm.example.com/contacts?phone={system.caller}"
)
_TICKET_LINK = c.ContextLink(
    name="Ticket", url_template="https://tickets.example.com/t/{param.ticket_id}"
)


FOLLOW_UP = c.CodeSetSpec(
    id="follow-up",
    name="Follow-up",
    primary_codes=(c.Code(id="follow-up-call", label="Follow-up call planned"),),
    secondary_codes=(c.Code(id="follow-up-mail", label="Follow-up by e-mail"),),
)
INTRANET = c.ConversationContextSpec(
    id="intranet",
    name="Intranet",
    context_links=(
        c.ContextLink(
            name="Customer file",
            url_template="https://intranet.example.com/customers?phone={system.caller}",
        ),
    ),
)
"""The demo tenants' catalog (``mysessions settings`` and /admin define such items)."""

_EMBEDDED = "https://example.com/?caller={system.caller}"
"""A page that exists and may be framed: the embedded context widget shows it while the
call lives (a real deployment points it at its CRM's caller page)."""


def demo_service_settings(config: SimulationConfig) -> list[c.ServiceSettingsSpec]:
    """Per tenant of the run: its first service stores context, its second transcribes,
    the rest handle e-mail and chat; all have codes and tags."""
    specs = []
    for number, tenant_id in enumerate(config.tenant_ids, start=1):
        for index in range(config.services_per_tenant):
            role = min(index, 2)
            widgets = c.Widgets(
                codes_and_tags=True,
                session_details=True,
                caller_information=True,
                context_links=True,
                embedded_context=role == 0,
                map=role != 1,
                transcription=role == 1,
                email=role == 2,
                chat=role == 2,
            )
            specs.append(
                c.ServiceSettingsSpec(
                    tenant_id=tenant_id,
                    service_id=f"t{number}-svc-{index + 1}",
                    service_name=service_name(index),
                    widgets=widgets,
                    primary_codes=_CODES,
                    secondary_codes=_SECONDARY,
                    context_links=(_CRM_LINK, _TICKET_LINK),
                    session_details_fields=_DETAILS,
                    store_context=role == 0,
                    embedded_context_url=_EMBEDDED if role == 0 else None,
                    code_sets=(FOLLOW_UP.id,),
                    conversation_contexts=(INTRANET.id,),
                )
            )
    return specs
