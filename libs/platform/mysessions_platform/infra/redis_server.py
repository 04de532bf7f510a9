"""Redis from Debian's redis-server package, daemonized with its own port, data and pid file."""

import shutil
import signal
from pathlib import Path

from .apt import apt_install
from .commands import run
from .endpoints import LOCAL_HOST, REDIS_ENV, REDIS_PORT
from .paths import log_file, pid_file
from .probes import ping_redis

__all__ = ["RedisServer"]


class RedisServer:
    name = "redis"
    env_var = REDIS_ENV
    port = REDIS_PORT
    ready_timeout = 30.0
    stop_signal = signal.SIGTERM

    def __init__(self, cache: Path) -> None:
        self.data_dir = cache / "redis-data"
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        # redis-server rewrites its process title to "redis-server 127.0.0.1:PORT".
        self.process_marker = f"{LOCAL_HOST}:{self.port}"

    def is_installed(self) -> bool:
        return shutil.which("redis-server") is not None

    def install(self) -> None:
        if self.is_installed():
            return
        apt_install("redis-server")

    def start(self) -> None:
        for folder in (self.data_dir, self.log_file.parent, self.pid_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
        # AOF is on, fsynced every second: after a crash or `down`+`up` the data is back, less
        # at most the last second of writes. Tests must still not rely on data from earlier
        # runs; they use unique key prefixes.
        run(
            [
                "redis-server",
                "--bind", LOCAL_HOST,
                "--port", str(self.port),
                "--dir", str(self.data_dir),
                "--pidfile", str(self.pid_file),
                "--logfile", str(self.log_file),
                "--daemonize", "yes",
                "--appendonly", "yes",
                "--appendfsync", "everysec",
            ],
            what="starting redis-server",
        )  # fmt: skip

    async def ping(self, url: str) -> None:
        await ping_redis(url)
