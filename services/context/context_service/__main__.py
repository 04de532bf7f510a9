import asyncio

from mysessions_platform.logging import configure_logging

from context_service.entrypoints.app import create_app
from context_service.settings import ContextSettings


def main() -> None:
    settings = ContextSettings()
    configure_logging(settings.log_level)
    asyncio.run(create_app(settings).run())


if __name__ == "__main__":
    main()
