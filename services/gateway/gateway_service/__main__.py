"""``python -m gateway_service`` / ``mysessions run gateway``: the gateway under uvicorn."""

import uvicorn
from mysessions_platform.collector import settle_after_start_up
from mysessions_platform.logging import configure_logging

from gateway_service.app import create_app
from gateway_service.serving import GatewayServer
from gateway_service.settings import load_settings


def main(host: str | None = None, port: int | None = None) -> None:
    settings = load_settings(host=host, port=port)
    configure_logging(settings.log_level)
    app = create_app(settings)
    settle_after_start_up()  # the start-up heap out of the collector's walks
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # structlog's configuration stays in force
        access_log=False,  # paths carry ids; the gateway logs requests itself, masked
        timeout_graceful_shutdown=5,
    )
    GatewayServer(config, app).run()  # its stop ends the live streams first


if __name__ == "__main__":
    main()
