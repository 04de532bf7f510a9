"""``mysessions run WORKER``: one worker in the foreground, until SIGINT/SIGTERM."""

from enum import StrEnum

import typer


class Worker(StrEnum):
    ingest = "ingest"
    queue = "queue"
    reporting = "reporting"
    context = "context"


def run(worker: Worker = typer.Argument(..., help="Which worker to run.")) -> None:
    """Start one worker; scale by starting more (each joins its consumer group)."""
    if worker is Worker.ingest:
        from ingest_service.__main__ import main as ingest_main

        ingest_main()
    elif worker is Worker.reporting:
        from reporting_service.__main__ import main as reporting_main

        reporting_main()
    elif worker is Worker.context:
        from context_service.__main__ import main as context_main

        context_main()
    else:
        from queue_service.__main__ import main as queue_main

        queue_main()
