import asyncio
import sys

from mysessions_platform.logging import configure_logging

from queue_service.entrypoints.app import create_app
from queue_service.settings import QueueSettings


def main() -> None:
    settings = QueueSettings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    asyncio.run(app.run())
    sys.exit(app.exit_code)


if __name__ == "__main__":
    main()
