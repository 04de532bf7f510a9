"""``mysessions``: every operator command, one typer app.

The commands are listed once (``COMMANDS``). ``app`` holds all of them (the tests and the
API documents use it); the installed command (``main``) imports only the one it is asked
for, or all of them for the top-level help: importing every command's modules took about
1.4 CPU-seconds per call, most of an operator's ``mysessions dlq list``."""

import importlib
import sys
from dataclasses import dataclass
from functools import cache

import typer


@dataclass(frozen=True)
class Command:
    name: str
    module: str
    attribute: str
    group: bool
    """A typer app of subcommands (``add_typer``), else one command function."""
    help: str | None = None


COMMANDS: tuple[Command, ...] = (
    Command("infra", "mysessions.infra_cli", "infra_app", True,
            "Local Kafka, Redis, PostgreSQL and FerretDB servers."),
    Command("settings", "mysessions.commands.settings", "settings_app", True,
            "Service and tenant settings (MongoDB)."),
    Command("contacts", "mysessions.commands.contacts", "contacts_app", True,
            "Tenants' address books and user directories."),
    Command("context", "mysessions.commands.context_cmds", "context_app", True,
            "Sessions' live and stored context."),
    Command("keys", "mysessions.commands.keys", "keys_app", True,
            "Tenant API keys of the connector API (CRM flows)."),
    Command("unprovision", "mysessions.commands.context_cmds", "unprovision_command", False),
    Command("run", "mysessions.commands.run", "run", False),
    Command("view", "mysessions.commands.view", "view", False),
    Command("rebuild", "mysessions.commands.rebuild", "rebuild", False),
    Command("publish", "mysessions.commands.publish", "publish", False),
    Command("connect", "mysessions.commands.connect", "connect_app", True,
            "Bridge a live PBX: ami, freeswitch."),
    Command("follow", "mysessions.commands.follow", "follow_app", True,
            "Follow a live log: follow queue-log."),
    Command("simulate", "mysessions.commands.simulate", "simulate_command", False),
    Command("demo", "mysessions.commands.demo", "demo", False),
    Command("acw", "mysessions.commands.acw", "acw_app", True,
            "After-call work: save a task's codes and tags once."),
    Command("tags", "mysessions.commands.acw", "tags_app", True,
            "Tag suggestions from saved after-call work."),
    Command("topics", "mysessions.commands.topics", "topics_app", True,
            "Check the topics against their specs."),
    Command("report", "mysessions.commands.report", "report_app", True,
            "Reporting records for BI: export."),
    Command("docs", "mysessions.commands.docs", "docs_app", True,
            "The API documents under docs/: generate, check."),
    Command("dlq", "mysessions.commands.dlq", "dlq_app", True,
            "Dead letters: list, show, redrive after a fix."),
    Command("webhooks", "mysessions.commands.webhooks", "webhooks_app", True,
            "Trigger-event webhooks: endpoints, log, redelivery."),
    Command("lag", "mysessions.commands.lag", "lag", False),
    Command("doctor", "mysessions.commands.doctor", "doctor", False),
    Command("bench", "mysessions.commands.bench", "bench_app", True,
            "The pipeline's speed, with its baselines in the same run."),
)  # fmt: skip

_HELP = "My Sessions backbone: operate it locally."


def _typer_app(commands: tuple[Command, ...]) -> typer.Typer:
    built = typer.Typer(no_args_is_help=True, help=_HELP)
    # A group even with one command: ``mysessions lag`` keeps its name on the command line.
    built.callback()(lambda: None)
    for command in commands:
        target = getattr(importlib.import_module(command.module), command.attribute)
        if command.group:
            built.add_typer(target, name=command.name, help=command.help)
        else:
            built.command(name=command.name)(target)
    return built


@cache
def _every_command() -> typer.Typer:
    return _typer_app(COMMANDS)


def __getattr__(name: str) -> typer.Typer:
    """``app``: every command, built (and imported) on first use."""
    if name == "app":
        return _every_command()
    raise AttributeError(name)


def main() -> None:
    """The installed ``mysessions``: the named command alone, else every command."""
    wanted = tuple(c for c in COMMANDS if sys.argv[1:2] == [c.name])
    (_typer_app(wanted) if wanted else _every_command())()
