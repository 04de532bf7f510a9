"""An address book for the demo's tenants, so the page has callers to recognise.

The simulator draws callers at random; the demo looks ahead at the run's first events (the
simulation is deterministic) and files about half of the e-mail senders it meets as
contacts, with a company and a street address: those mails show caller details and a map;
the rest stay as the mail gave them. Phone callers are left out: the simulator's numbers are
in the fictional +1 555 range, which the address book rightly refuses as not valid.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Final

import contracts as c
from context_service.contacts_import import COLUMNS

from mysessions.simulation import simulate
from mysessions.simulation.config import SimulationConfig

LOOK_AHEAD_EVENTS: Final = 20_000
"""How far ahead the demo looks (at 10 events/s, about half an hour of traffic)."""

_COMPANIES: Final = ("Acme Corp", "Globex", "Initech", "Umbrella Ltd", "Hooli", "Stark Retail")
_STREETS: Final = (
    ("Bahnhofstrasse 1", "Zürich", "8001", "CH"),
    ("10 Downing Street", "London", "SW1A 2AA", "GB"),
    ("Unter den Linden 77", "Berlin", "10117", "DE"),
    ("5 Avenue Anatole France", "Paris", "75007", "FR"),
    ("1600 Amphitheatre Parkway", "Mountain View", "94043", "US"),
)


def demo_contacts(config: SimulationConfig) -> dict[str, str]:
    """Per tenant of the run, an address book as CSV text (``mysessions contacts import``'s
    format); every second distinct e-mail sender of the first events is in it."""
    rows: dict[str, list[list[str]]] = {tenant: [] for tenant in config.tenant_ids}
    seen: set[tuple[str, str]] = set()
    for tenant, party in _parties(islice(simulate(config), LOOK_AHEAD_EVENTS)):
        if (tenant, party.address) in seen or tenant not in rows:
            continue
        seen.add((tenant, party.address))
        if len(seen) % 2:
            continue  # every other caller stays unknown: "Anonymous" or the call's name
        number = len(rows[tenant]) + 1
        street, city, postal_code, country = _STREETS[number % len(_STREETS)]
        name = party.display_name or f"Customer {number}"
        company = _COMPANIES[number % len(_COMPANIES)]
        row = [f"demo-{number:05d}", name, company, street, city, postal_code, country]
        rows[tenant].append([*row, "", party.address])
    return {tenant: _as_csv(found) for tenant, found in rows.items() if found}


def _parties(events: Iterable[c.SessionEvent]) -> Iterator[tuple[str, c.Party]]:
    for event in events:
        if not isinstance(event, c.SessionStarted) or event.direction != "inbound":
            continue
        if event.caller.address_kind == "email":
            yield event.tenant_id, event.caller


def _as_csv(rows: list[list[str]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS["contacts"])  # the columns the import reads, in its order
    writer.writerows(rows)
    return text.getvalue()
