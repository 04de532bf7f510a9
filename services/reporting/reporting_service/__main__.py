import sys

from mysessions_platform.logging import configure_logging
from mysessions_platform.worker.shell import run_worker

from reporting_service.entrypoints.app import create_app
from reporting_service.settings import ReportingSettings


def main() -> None:
    settings = ReportingSettings()
    configure_logging(settings.log_level)
    sys.exit(run_worker(create_app(settings)))


if __name__ == "__main__":
    main()
