import asyncio
import sys

from mysessions_platform.logging import configure_logging

from reporting_service.entrypoints.app import create_app
from reporting_service.settings import ReportingSettings


def main() -> None:
    settings = ReportingSettings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    asyncio.run(app.run())
    sys.exit(app.exit_code)


if __name__ == "__main__":
    main()
