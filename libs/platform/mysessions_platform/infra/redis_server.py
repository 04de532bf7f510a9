"""Redis from Debian's redis-server package, daemonized with its own port, data and pid file."""

import os
import shutil
from pathlib import Path

from .commands import require_tool, run
from .endpoints import LOCAL_HOST, REDIS_ENV, REDIS_PORT
from .errors import InstallError
from .paths import log_file, pid_file
from .probes import ping_redis

__all__ = ["RedisServer"]

_APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}


def _as_root(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return command
    if shutil.which("sudo") is None:
        raise InstallError(
            "redis-server is missing and this user cannot install it: "
            "run `sudo apt-get install -y redis-server` (or set REDIS_URL)"
        )
    return ["sudo", "-n", *command]


class RedisServer:
    name = "redis"
    env_var = REDIS_ENV
    port = REDIS_PORT
    ready_timeout = 30.0

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
        require_tool("apt-get", "install redis-server with your package manager")
        run(_as_root(["apt-get", "update", "-qq"]), what="apt-get update", env=_APT_ENV)
        run(
            _as_root(
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "redis-server"]
            ),
            what="apt-get install redis-server",
            env=_APT_ENV,
        )

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
