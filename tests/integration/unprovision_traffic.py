"""A tenant's realistic traffic for the unprovisioning test, and the scan that looks for it.

Each tenant (named by a distinctive word) has two services: ``<word>-stores`` (stores
conversation context; e-mail, chat, codes and tags) and ``<word>-plain`` (stores nothing).
Four sessions: a voice call from a caller in the tenant's address book and an e-mail
(answered: draft, then reply) into the storing service, both ended, with after-call work
saved with free-text tags; a second e-mail still connected with a draft; a chat into the
plain service, ended, with after-call work. Every id and caller detail holds the word, so
a scan can tell whose it finds, and which service's.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import contracts as c
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from .scenario import AGENT, Session


@dataclass(frozen=True)
class Tenant:
    word: str
    number: str
    """The voice caller's number (E.164); its local digits are what the scan looks for."""

    @property
    def id(self) -> str:
        return f"tenant-{self.word}"

    @property
    def storing(self) -> str:
        return f"{self.word}-stores"

    @property
    def plain(self) -> str:
        return f"{self.word}-plain"

    def session(self, kind: str) -> str:
        return f"{self.word}-{kind}"

    def task(self, kind: str) -> str:
        return f"{self.session(kind)}:1:{AGENT}"

    @property
    def contact_name(self) -> str:
        return f"Barnaby {self.word.title()}quist"

    def sender(self, kind: str) -> str:
        return f"{kind}.{self.word}@example.org"

    def subject(self, kind: str) -> str:
        return f"Invoice {self.word.upper()}-{kind}-4411"

    @property
    def chat_url(self) -> str:
        return f"https://chat.example.com/c/{self.word}-chatroom-9"

    def tag(self, kind: str) -> str:
        return f"{self.word}-frobnicate-{kind}"

    def draft(self, kind: str) -> str:
        return f"Dear customer, {self.word}-zanzibar-{kind} is on its way."

    def needles(self, service: str | None = None) -> dict[str, str]:
        """What must be gone when the tenant (or that service) is unprovisioned: needle
        name -> text looked for (case-insensitive)."""
        storing = {
            "storing service id": self.storing,
            "voice session": self.session("voice"),
            "mail session": self.session("mail"),
            "open mail session": self.session("open"),
            "voice caller's number": self.number[-10:],
            "voice caller's name": self.contact_name,
            "sender": self.sender("mail"),
            "open sender": self.sender("open"),
            "subject": self.subject("mail"),
            "open subject": self.subject("open"),
            "voice tag": self.tag("voice"),
            "mail tag": self.tag("mail"),
            "reply text": f"{self.word}-zanzibar-mail",
            "open draft": f"{self.word}-zanzibar-open",
        }
        plain = {
            "plain service id": self.plain,
            "chat session": self.session("chat"),
            "visitor": self.sender("chat"),
            "chat link": f"{self.word}-chatroom-9",
            "chat tag": self.tag("chat"),
        }
        if service == self.storing:
            return storing
        if service == self.plain:
            return plain
        return {"tenant id": self.id, **storing, **plain}

    def settings(self) -> list[c.ServiceSettingsSpec]:
        codes = (c.Code(id="sale", label="Sale"),)
        return [
            c.ServiceSettingsSpec(
                tenant_id=self.id,
                service_id=self.storing,
                service_name="Stores",
                store_context=True,
                widgets=c.Widgets(
                    codes_and_tags=True, caller_information=True, email=True, chat=True
                ),
                primary_codes=codes,
            ),
            c.ServiceSettingsSpec(
                tenant_id=self.id,
                service_id=self.plain,
                service_name="Plain",
                widgets=c.Widgets(codes_and_tags=True, chat=True),
                primary_codes=codes,
            ),
        ]

    def contact(self) -> dict[str, Any]:
        return {
            "tenant_id": self.id,
            "contact_id": f"{self.word}-contact-1",
            "display_name": self.contact_name,
            "phones": [self.number],
        }

    def sessions(self, t0: datetime) -> tuple[list[c.SessionEvent], list[c.SessionEvent]]:
        """(events up to the agents' answers, the ends of the sessions that end)."""
        voice = self._inbound(
            "voice", t0, self.storing, "voice", c.Party(address=self.number, address_kind="pstn")
        )
        mail = self._mail("mail", t0)
        still_open = self._mail("open", t0)
        visitor = c.Party(
            address=self.sender("chat"),
            address_kind="email",
            display_name=f"Chet {self.word.title()}visitor",
        )
        chat = self._inbound("chat", t0, self.plain, "chat", visitor).add(
            c.ChatReceived, 1, sender=visitor, chat_url=self.chat_url
        )
        for session, service in (
            (voice, self.storing),
            (mail, self.storing),
            (still_open, self.storing),
            (chat, self.plain),
        ):
            session.task(c.TaskOffered, 5, service_id=service).task(c.TaskAccepted, 9)
        live = [e for s in (voice, mail, still_open, chat) for e in s.events]
        ends = [
            s.add(c.SessionEnded, 120, ended_by="caller", reason="normal").events[-1]
            for s in (voice, mail, chat)
        ]
        return self._own(live), self._own(ends)

    def _mail(self, kind: str, t0: datetime) -> Session:
        sender = c.Party(address=self.sender(kind), address_kind="email")
        return self._inbound(kind, t0, self.storing, "email", sender).add(
            c.EmailReceived,
            1,
            sender=sender,
            subject=self.subject(kind),
            html_body=f"<p>About {self.subject(kind)}</p>",
            received_at=t0,
        )

    def _inbound(
        self, kind: str, t0: datetime, service: str, modality: str, caller: c.Party
    ) -> Session:
        session_id = self.session(kind)
        return (
            Session(session_id, t0)
            .add(
                c.SessionStarted,
                0,
                direction="inbound",
                modality=modality,
                service_id=service,
                service_name=service.title(),
                caller=caller,
            )
            .add(
                c.SessionQueued,
                0,
                service_session_id=f"{session_id}:1",
                service_id=service,
                service_name=service.title(),
                priority=1,
            )
        )

    def _own(self, events: list[c.SessionEvent]) -> list[c.SessionEvent]:
        return [e.model_copy(update={"tenant_id": self.id}) for e in events]


async def redis_everything(redis: Redis) -> list[tuple[str, bytes]]:
    """(key, bytes) for EVERY key of the Redis database: its name and every value it holds
    (keys other tests delete meanwhile are read as empty). Read a SCAN page at a time, its
    types and then its values in one pipeline each: the shared database holds the whole
    suite's keys, and two round trips per key made this scan most of the test's time."""
    client: Any = redis
    found: list[tuple[str, bytes]] = []
    cursor = 0
    while True:
        cursor, page = await client.scan(cursor, match="*", count=1000)
        if page:
            found += await _everything_of(client, page)
        if cursor == 0:
            return found


async def _everything_of(client: Any, keys: list[bytes]) -> list[tuple[str, bytes]]:
    types = client.pipeline(transaction=False)
    for key in keys:
        types.type(key)
    kinds = [kind.decode() for kind in await types.execute()]
    values = client.pipeline(transaction=False)
    for key, kind in zip(keys, kinds, strict=True):
        _read_value(values, key, kind)
    read = iter(await values.execute())
    found: list[tuple[str, bytes]] = []
    for key, kind in zip(keys, kinds, strict=True):
        parts: list[bytes] = [key]
        if kind in _VALUE_READERS:
            parts += _value_parts(kind, next(read))
        found += [(key.decode("utf-8", "replace"), part) for part in parts]
    return found


_VALUE_READERS = {"string", "hash", "list", "set", "zset", "stream"}


def _read_value(pipeline: Any, key: bytes, kind: str) -> None:
    if kind == "string":
        pipeline.get(key)
    elif kind == "hash":
        pipeline.hgetall(key)
    elif kind == "list":
        pipeline.lrange(key, 0, -1)
    elif kind == "set":
        pipeline.smembers(key)
    elif kind == "zset":
        pipeline.zrange(key, 0, -1)
    elif kind == "stream":
        pipeline.xrange(key)


def _value_parts(kind: str, value: Any) -> list[bytes]:
    if value is None:  # deleted between the two pipelines
        return []
    if kind == "string":
        return [value]
    if kind == "hash":
        return [part for field, item in value.items() for part in (field, item)]
    if kind == "stream":
        return [
            part for entry_id, entry in value for part in (entry_id, *entry.keys(), *entry.values())
        ]
    return list(value)  # list, set, zset members


async def mongo_everything(database: AsyncDatabase[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """(collection, document as text) for every document of every collection."""
    found: list[tuple[str, bytes]] = []
    for name in await database.list_collection_names():
        async for document in database[name].find({}):
            found.append((name, repr(document).encode()))
    return found


def hits(contents: Iterable[tuple[str, bytes]], needles: dict[str, str]) -> dict[str, list[str]]:
    """Needle name -> where it was found (sorted; a place once per value holding it).

    Key names are read decoded too, so an id that a key percent-encodes is still found."""
    found: dict[str, list[str]] = {}
    for where, data in contents:
        raw = data.decode("utf-8", "replace")
        text = f"{raw}\n{unquote(raw)}".lower()
        for what, needle in needles.items():
            if needle.lower() in text:
                found.setdefault(what, []).append(where)
    return {what: sorted(places) for what, places in found.items()}
