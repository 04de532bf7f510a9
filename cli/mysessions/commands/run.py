"""``mysessions run WORKER``: one worker in the foreground, until SIGINT/SIGTERM."""

from enum import StrEnum

import typer


class Worker(StrEnum):
    ingest = "ingest"
    queue = "queue"
    reporting = "reporting"
    context = "context"
    webhooks = "webhooks"
    gateway = "gateway"
    upstream = "upstream"


def run(
    worker: Worker = typer.Argument(..., help="Which worker to run."),
    host: str | None = typer.Option(None, help="gateway, upstream: address to listen on."),
    port: int | None = typer.Option(None, min=0, max=65535, help="gateway, upstream: port."),
) -> None:
    """Start one worker; scale by starting more (each joins its consumer group). The gateway
    listens on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8080), the upstream HTTP edge (cloud
    contact centers' callbacks) on UPSTREAM_HOST:UPSTREAM_PORT (127.0.0.1:8090), unless
    --host/--port say else."""
    listens = (Worker.gateway, Worker.upstream)
    if (host is not None or port is not None) and worker not in listens:
        raise typer.BadParameter("--host and --port apply to the gateway and upstream only")
    if worker is Worker.upstream:
        from ingest_service.upstream_http.__main__ import main as upstream_main

        upstream_main(host, port)
    elif worker is Worker.gateway:
        from gateway_service.__main__ import main as gateway_main

        gateway_main(host, port)
    elif worker is Worker.ingest:
        from ingest_service.__main__ import main as ingest_main

        ingest_main()
    elif worker is Worker.reporting:
        from reporting_service.__main__ import main as reporting_main

        reporting_main()
    elif worker is Worker.webhooks:
        from webhooks_service.__main__ import main as webhooks_main

        webhooks_main()
    elif worker is Worker.context:
        from context_service.__main__ import main as context_main

        context_main()
    else:
        from queue_service.__main__ import main as queue_main

        queue_main()
