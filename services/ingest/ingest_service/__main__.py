import asyncio

from mysessions_platform.logging import configure_logging

from ingest_service.entrypoints.app import create_app
from ingest_service.settings import IngestSettings


def main() -> None:
    settings = IngestSettings()
    configure_logging(settings.log_level)
    asyncio.run(create_app(settings).run())


if __name__ == "__main__":
    main()
