"""``mysessions dlq list|show|redrive``: the dead letters, and sending them back after a fix.

The dead-letter topic is read without a consumer group (no offset of any group moves);
redriven letters are recorded in MongoDB (``dead_letter_redrives``) so each is sent at
most once, whoever runs the command and however often.
"""

import getpass
import json
import socket
from contextlib import aclosing
from dataclasses import dataclass
from enum import StrEnum

import typer
from mysessions_platform.clock import utc_now
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.settings import ServerSettings

from mysessions.commands.dlq_output import (
    letter_details,
    letter_json,
    letters_table,
    outcome_lines,
    plan_lines,
)
from mysessions.commands.outage import quiet_logging, run_or_explain
from mysessions.commands.terminal import progress_bar, report_console
from mysessions.operations.dead_letters.reading import read_letter, read_letters
from mysessions.operations.dead_letters.redrive import (
    Redriven,
    plan_redrive,
    record_key,
    redrive,
)
from mysessions.operations.dead_letters.redrive_log import RedriveLog
from mysessions.operations.dead_letters.selection import LetterFilter, parse_instant
from mysessions.operations.dead_letters.sending import KafkaSender
from mysessions.operations.dead_letters.stored import StoredLetter, parse_letter_id
from mysessions.operations.deployment import deployment

dlq_app = typer.Typer(no_args_is_help=True)


@dlq_app.callback()
def _quiet() -> None:
    quiet_logging()


class Kind(StrEnum):
    invalid = "invalid"
    failed = "failed"


_TOPIC_HELP = "The dead-letter topic; default: the one the workers' settings name."
_SOURCE_HELP = "Only letters from this source topic (repeat for several)."
_GROUP_HELP = "Only letters of this consumer group (repeat for several)."
_KIND_HELP = "invalid (can never succeed as it is) or failed (retries ran out)."
_SINCE_HELP = "Only letters that last failed at or after: 30m, 2h, 7d (ago) or ISO 8601."
_UNTIL_HELP = "Only letters that last failed before: same forms as --since."


def _dead_letter_topic(given: str | None) -> str:
    if given:
        return given
    named = deployment().dead_letter_topics
    if len(named) > 1:
        raise typer.BadParameter(
            f"the workers write dead letters to {', '.join(named)}: choose one",
            param_hint="--dead-letter-topic",
        )
    return named[0]


def _filter(
    source: list[str] | None,
    group: list[str] | None,
    kind: Kind | None,
    since: str | None,
    until: str | None,
    ids: list[str] | None = None,
) -> LetterFilter:
    now = utc_now()
    try:
        return LetterFilter(
            source_topics=frozenset(source or ()),
            groups=frozenset(group or ()),
            kind=kind.value if kind else None,
            since=parse_instant(since, now) if since else None,
            until=parse_instant(until, now) if until else None,
            ids=frozenset(parse_letter_id(i) for i in ids or ()),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@dataclass
class _Read:
    selected: list[StoredLetter]
    records: int = 0
    unreadable: int = 0


async def _select(bootstrap: str, topic: str, chosen: LetterFilter) -> _Read:
    read = _Read([])
    with progress_bar(f"reading {topic}") as update:
        letters = read_letters(bootstrap, topic, since=chosen.since, progress=update)
        async with aclosing(letters):
            async for stored in letters:
                read.records += 1
                if stored.letter is None:
                    read.unreadable += 1
                elif chosen.matches(stored):
                    read.selected.append(stored)
    return read


async def _redriven(mongodb_url: str, letters: list[StoredLetter]) -> dict[str, Redriven]:
    async with mongo_client(mongodb_url) as client:
        return await RedriveLog(mongo_database(client)).find([record_key(s) for s in letters])


@dlq_app.command(name="list")
def list_letters(
    dead_letter_topic: str | None = typer.Option(None, help=_TOPIC_HELP),
    topic: list[str] | None = typer.Option(None, "--topic", help=_SOURCE_HELP),
    group: list[str] | None = typer.Option(None, "--group", help=_GROUP_HELP),
    kind: Kind | None = typer.Option(None, help=_KIND_HELP),
    since: str | None = typer.Option(None, help=_SINCE_HELP),
    until: str | None = typer.Option(None, help=_UNTIL_HELP),
    limit: int = typer.Option(200, min=1, help="Rows shown at most (the counts cover all)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per letter, a list."),
) -> None:
    """List dead letters: why each failed, and whether it was redriven.

    Reads the topic without a consumer group: no group's offsets move."""
    name = _dead_letter_topic(dead_letter_topic)
    chosen = _filter(topic, group, kind, since, until)
    servers = ServerSettings()

    async def load() -> tuple[_Read, dict[str, Redriven]]:
        read = await _select(servers.kafka_bootstrap_servers, name, chosen)
        return read, await _redriven(servers.mongodb_url, read.selected)

    read, redriven = run_or_explain(load())
    letters = read.selected
    if as_json:
        rows = [letter_json(s, redriven.get(record_key(s))) for s in letters]
        typer.echo(json.dumps(rows, indent=2))
        return
    console = report_console()
    if letters:
        console.print(letters_table(letters, redriven, limit))
    if len(letters) > limit:
        console.print(f"… and {len(letters) - limit} more (--limit)")
    console.print(
        f"{len(letters)} letter(s) selected of {read.records - read.unreadable} on {name}"
        + (f"; {read.unreadable} record(s) there are no dead letters" if read.unreadable else "")
    )


@dlq_app.command()
def show(
    letter: str = typer.Argument(..., help="The letter's id, <partition>:<offset> (from list)."),
    dead_letter_topic: str | None = typer.Option(None, help=_TOPIC_HELP),
    raw: bool = typer.Option(False, "--raw", help="Write the original bytes, exactly, only."),
    as_json: bool = typer.Option(False, "--json", help="The whole letter, original in base64."),
) -> None:
    """Show one dead letter: where it came from, why it failed, the original message."""
    name = _dead_letter_topic(dead_letter_topic)
    try:
        partition, offset = parse_letter_id(letter)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="LETTER") from None
    servers = ServerSettings()

    async def load() -> tuple[StoredLetter | None, dict[str, Redriven]]:
        stored = await read_letter(servers.kafka_bootstrap_servers, name, partition, offset)
        if stored is None or stored.letter is None:
            return stored, {}
        return stored, await _redriven(servers.mongodb_url, [stored])

    stored, redriven = run_or_explain(load())
    if stored is None:
        typer.echo(f"no record at {letter} on {name} (never written, or past retention)", err=True)
        raise typer.Exit(1)
    if stored.letter is None:
        typer.echo(f"the record at {letter} on {name} is no dead letter", err=True)
        raise typer.Exit(1)
    done = redriven.get(record_key(stored))
    if raw:
        typer.get_binary_stream("stdout").write(stored.letter.original)
    elif as_json:
        typer.echo(json.dumps(letter_json(stored, done, original=True), indent=2))
    else:
        report_console().print(letter_details(stored, done))


@dlq_app.command(name="redrive")
def redrive_letters(
    dead_letter_topic: str | None = typer.Option(None, help=_TOPIC_HELP),
    topic: list[str] | None = typer.Option(None, "--topic", help=_SOURCE_HELP),
    group: list[str] | None = typer.Option(None, "--group", help=_GROUP_HELP),
    kind: Kind | None = typer.Option(None, help=_KIND_HELP),
    since: str | None = typer.Option(None, help=_SINCE_HELP),
    until: str | None = typer.Option(None, help=_UNTIL_HELP),
    letter_ids: list[str] | None = typer.Option(None, "--id", help="Only this letter (repeat)."),
    every: bool = typer.Option(False, "--all", help="Every letter, when no filter is given."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be sent; send nothing."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Send letters back to their source topic after a fix, each at most once.

    The original bytes, with the original key. Each letter sent is recorded
    in MongoDB (dead_letter_redrives): a second run sends nothing sent before.
    Every group reading the source topic reads the message again; the
    workers' effects are idempotent."""
    name = _dead_letter_topic(dead_letter_topic)
    chosen = _filter(topic, group, kind, since, until, letter_ids)
    if not every and not (topic or group or kind or since or until or letter_ids):
        raise typer.BadParameter(
            "give a filter (--topic, --group, --kind, --since, --until, --id) or --all"
        )
    servers = ServerSettings()
    code = run_or_explain(_redrive(servers, name, chosen, dry_run=dry_run, yes=yes))
    raise typer.Exit(code)


async def _redrive(
    servers: ServerSettings, name: str, chosen: LetterFilter, *, dry_run: bool, yes: bool
) -> int:
    console = report_console()
    read = await _select(servers.kafka_bootstrap_servers, name, chosen)
    async with (
        mongo_client(servers.mongodb_url) as client,
        KafkaSender(servers.kafka_bootstrap_servers) as sender,
    ):
        log = RedriveLog(mongo_database(client))
        letters = read.selected
        plan = plan_redrive(
            letters,
            await log.find([record_key(s) for s in letters]),
            await sender.existing_topics({s.letter.source_topic for s in letters if s.letter}),
        )
        if plan.send and (dry_run or not yes):
            console.print(letters_table(plan.send, {}, 200))
        for line in plan_lines(plan, dry_run=dry_run):
            console.print(line)
        if dry_run:
            console.print("(dry run: nothing sent, nothing recorded)")
            return 0
        if not plan.send:
            return 0
        if not yes and not typer.confirm(f"Send {len(plan.send)} letter(s) back?"):
            console.print("nothing sent")
            return 1
        with progress_bar("redriving") as update:
            outcome = await redrive(
                plan,
                log,
                sender,
                clock=utc_now,
                by=f"{getpass.getuser()}@{socket.gethostname()}",
                progress=lambda done: update(done, len(plan.send)),
            )
    for line in outcome_lines(outcome):
        console.print(line)
    return 1 if outcome.error or outcome.unconfirmed else 0
