import uvicorn
from mysessions_platform.logging import configure_logging

from ingest_service.upstream_http.app import create_upstream_app
from ingest_service.upstream_http.settings import UpstreamSettings


def main(host: str | None = None, port: int | None = None) -> None:
    settings = UpstreamSettings()
    configure_logging(settings.log_level)
    uvicorn.run(
        create_upstream_app(settings),
        host=host or settings.host,
        port=port if port is not None else settings.port,
        log_config=None,  # structlog's configuration stays in force
        access_log=False,  # paths name tenants; errors are answered, not logged with values
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
