import asyncio

from mysessions_platform.logging import configure_logging

from queue_service.entrypoints.app import create_app
from queue_service.settings import QueueSettings


def main() -> None:
    settings = QueueSettings()
    configure_logging(settings.log_level)
    asyncio.run(create_app(settings).run())


if __name__ == "__main__":
    main()
