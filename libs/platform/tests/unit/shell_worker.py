"""A worker with no Kafka (FastStream's in-memory broker) and one loop, run as a process by
``test_worker_shell``: ``python shell_worker.py crash|slow NOTES_FILE``.

``crash``: the loop's round raises something its handler does not catch (as a bug would).
``slow``: each round takes a second and notes when it starts and ends in NOTES_FILE, and
the collector's frozen objects and young threshold beside it (``.collector``).
"""

import asyncio
import gc
import sys
from pathlib import Path

from faststream.kafka import TestKafkaBroker
from mysessions_platform.worker.loops import Every
from mysessions_platform.worker.settings import WorkerSettings
from mysessions_platform.worker.shell import WorkerShell


class ShellSettings(WorkerSettings):
    group_id: str = "shell-test"


class Escaped(BaseException):
    """Not an ``Exception``: gets past the loop's handler."""


async def main(mode: str, notes: Path) -> int:
    shell = WorkerShell(
        "shell-test", ShellSettings().model_copy(update={"kafka_bootstrap_servers": "127.0.0.1:9"})
    )

    async def crash() -> int:
        raise Escaped

    async def slow() -> int:
        # What the shell did to the collector once serving (test_worker_shell reads it).
        notes.with_suffix(".collector").write_text(
            f"{gc.get_freeze_count()} {gc.get_threshold()[0]}"
        )
        with notes.open("a") as out:
            out.write("started\n")
        await asyncio.sleep(1.0)
        with notes.open("a") as out:
            out.write("finished\n")
        return 1

    loop = Every(crash if mode == "crash" else slow, 0.05, f"{mode} loop")
    app = shell.app(owns=[], subscriptions=[], loops=[loop])
    async with TestKafkaBroker(shell.broker):
        return await app.serve()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], Path(sys.argv[2]))))
