"""What customers and agents say and send: made-up but plausible, drawn from the run's RNG.

Numbers are in the fictional +1 555 range and addresses use reserved example domains, so
nothing simulated can reach or name a real person.
"""

from html import escape
from random import Random

from contracts import Party
from pydantic import HttpUrl

SERVICE_NAMES = (
    "Sales", "Support", "Billing", "Technical Support", "Returns",
    "Onboarding", "Retention", "Claims", "Collections", "Priority Desk",
)  # fmt: skip
FIRST_NAMES = (
    "Alex", "Sam", "Maria", "Chen", "Priya", "Jonas", "Fatima", "Lucas",
    "Aiko", "Noah", "Elena", "Omar", "Grace", "Mateo", "Ines", "Tomasz",
)  # fmt: skip
LAST_NAMES = (
    "Morgan", "Rivera", "Schmidt", "Nakamura", "Okafor", "Silva",
    "Kowalski", "Haddad", "Jensen", "Dubois", "Novak", "Costa",
)  # fmt: skip
DOMAINS = ("example.com", "example.org", "example.net")
SUBJECTS = (
    "Question about invoice {n}",
    "Order {n} has not arrived",
    "Cannot log in to my account",
    "Request to change my contract",
    "Complaint about ticket {n}",
    "Refund for order {n}",
)
CALLER_LINES = (
    "Hi, I'm calling about my last invoice.",
    "My order still hasn't arrived.",
    "I can't log in since yesterday.",
    "Could you check my contract details?",
    "Yes, that's right.",
    "The reference number is on the letter.",
    "Thanks, that helps a lot.",
    "Can you send me that by e-mail?",
)
AGENT_LINES = (
    "Thanks for calling, how can I help?",
    "Let me pull up your account.",
    "Could you confirm your date of birth?",
    "I can see the order here.",
    "I've raised a ticket for this.",
    "Is there anything else I can do for you?",
    "One moment please, I'm checking.",
)


def service_name(index: int) -> str:
    base = SERVICE_NAMES[index % len(SERVICE_NAMES)]
    round_ = index // len(SERVICE_NAMES)
    return base if round_ == 0 else f"{base} {round_ + 1}"


def _full_name(rng: Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def phone_party(rng: Random, anonymous: float) -> Party:
    """A caller or outbound destination; ``anonymous`` is the chance the number is withheld."""
    if rng.random() < anonymous:
        return Party(address="anonymous", address_kind="anonymous")
    number = f"+1555{rng.randrange(10_000_000):07d}"
    first, last = _full_name(rng)
    display_name = f"{first} {last}" if rng.random() < 0.5 else None
    return Party(address=number, address_kind="pstn", display_name=display_name)


def email_party(rng: Random) -> Party:
    first, last = _full_name(rng)
    address = f"{first}.{last}{rng.randrange(100)}@{rng.choice(DOMAINS)}".lower()
    return Party(address=address, address_kind="email", display_name=f"{first} {last}")


def email_subject(rng: Random) -> str:
    return rng.choice(SUBJECTS).format(n=rng.randrange(100_000, 1_000_000))


def email_html(rng: Random, subject: str, sender: Party, service: str) -> str:
    line = rng.choice(CALLER_LINES)
    signature = escape(sender.display_name or sender.address)
    return (
        f"<html><body><p>Hello {escape(service)} team,</p>"
        f"<p>{escape(subject)}. {escape(line)}</p>"
        f"<p>Kind regards,<br>{signature}</p></body></html>"
    )


def chat_url(tenant_id: str, session_id: str) -> HttpUrl:
    return HttpUrl(f"https://chat.example.com/{tenant_id}/{session_id}")


def utterance(rng: Random, speaker: str) -> str:
    return rng.choice(CALLER_LINES if speaker == "caller" else AGENT_LINES)


def ivr_parameters(rng: Random) -> dict[str, str]:
    """What an IVR or web form collected before the session reached a queue."""
    return {
        "ticket_id": f"TCK-{rng.randrange(100_000, 1_000_000)}",
        "account_tier": rng.choice(("gold", "silver", "bronze", "bronze")),
        "intent": rng.choice(("billing", "order_status", "login", "contract", "complaint")),
        "language": rng.choice(("en", "en", "de", "fr", "es")),
    }


def agent_parameters(rng: Random) -> dict[str, str]:
    """What the agent's CRM adds once the session is connected."""
    return {
        "account_id": f"ACC-{rng.randrange(10_000, 100_000)}",
        "case_status": rng.choice(("open", "pending", "escalated")),
    }


def transfer_parameters(rng: Random, from_service: str) -> dict[str, str]:
    """A later service overwrites the ticket id and adds where the session came from."""
    return {
        "ticket_id": f"TCK-{rng.randrange(100_000, 1_000_000)}",
        "transferred_from": from_service,
    }
