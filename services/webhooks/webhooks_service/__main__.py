import sys

from mysessions_platform.logging import configure_logging
from mysessions_platform.worker.shell import run_worker

from webhooks_service.entrypoints.app import create_app
from webhooks_service.settings import WebhooksSettings


def main() -> None:
    settings = WebhooksSettings()
    configure_logging(settings.log_level)
    sys.exit(run_worker(create_app(settings)))


if __name__ == "__main__":
    main()
