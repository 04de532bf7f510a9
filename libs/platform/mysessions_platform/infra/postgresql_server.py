"""PostgreSQL from Debian's postgresql package, a private cluster for FerretDB's storage:
its own data folder in the cache, its own loopback port, no Unix socket, no password
(loopback only, like the local Redis and FerretDB). PostgreSQL refuses to run as root, so
as root the cluster belongs to the package's ``postgres`` user; when that user cannot
reach the cache (a checkout under root's private home, say), the cluster's folder is
``/var/lib/postgresql/mysessions-<hash of the cache path>`` instead, one per checkout."""

import asyncio
import hashlib
import os
import pwd
import shutil
import signal
from pathlib import Path

from .apt import apt_install
from .commands import run
from .endpoints import LOCAL_HOST, MONGODB_ENV, POSTGRESQL_PORT
from .errors import InstallError
from .paths import log_file, pid_file
from .postgresql_indexes import FERRETDB_DATABASE, GIN_TWINS_SQL, GIN_TWINS_TRIGGER
from .processes import spawn_detached

__all__ = ["PostgreSqlServer", "postgresql_url"]

_VERSIONS = Path("/usr/lib/postgresql")
_OS_USER_WHEN_ROOT = "postgres"
_SUPERUSER = "postgres"
_OUTSIDE_CACHE = Path("/var/lib/postgresql")


def postgresql_url(port: int = POSTGRESQL_PORT) -> str:
    return f"postgres://{_SUPERUSER}@{LOCAL_HOST}:{port}/{FERRETDB_DATABASE}"


def _bin_dir() -> Path | None:
    """The newest installed major version's programs (Debian keeps them out of PATH)."""
    found = sorted(
        (path for path in _VERSIONS.glob("*/bin") if (path / "postgres").is_file()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _owner() -> pwd.struct_passwd | None:
    """None: run as this user. As root, the ``postgres`` user (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(_OS_USER_WHEN_ROOT)
    except KeyError as error:
        raise InstallError(
            "PostgreSQL cannot run as root and there is no `postgres` user: "
            "install Debian's postgresql package (it creates one)"
        ) from error


def _as_owner(command: list[str]) -> list[str]:
    """``setpriv`` execs the command (no child left between): the pid is PostgreSQL's."""
    owner = _owner()
    if owner is None:
        return command
    return ["setpriv", f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--init-groups",
            *command]  # fmt: skip


def _reachable_by(owner: pwd.struct_passwd, folder: Path) -> bool:
    """Whether ``owner`` may pass through every folder down to ``folder`` (others' x bit,
    or its group's, or its own)."""
    for step in (folder, *folder.parents):
        try:
            info = step.stat()
        except OSError:
            continue  # not made yet: made by root with the default 0o755
        if info.st_uid == owner.pw_uid:
            allowed = info.st_mode & 0o100
        elif info.st_gid == owner.pw_gid:
            allowed = info.st_mode & 0o010
        else:
            allowed = info.st_mode & 0o001
        if not allowed:
            return False
    return True


def data_dir_for(cache: Path) -> Path:
    inside = cache.resolve() / "postgresql-data"
    try:
        owner = _owner()
    except InstallError:  # not installed yet: asked again once it is
        return inside
    if owner is None or _reachable_by(owner, inside.parent):
        return inside
    digest = hashlib.sha256(str(inside).encode()).hexdigest()[:12]
    return _OUTSIDE_CACHE / f"mysessions-{digest}"


class PostgreSqlServer:
    name = "postgresql"
    env_var = MONGODB_ENV  # it only stores the local FerretDB's data: external MongoDB, no need
    ready_timeout = 60.0
    stop_signal = signal.SIGINT  # "fast" shutdown; SIGTERM would wait for every client to leave

    def __init__(self, cache: Path, port: int = POSTGRESQL_PORT) -> None:
        self.port = port
        self.cache = cache
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        # Its command line names its port ("-c port=N -c …"): a recycled pid must not pass
        # for our server.
        self.process_marker = f"port={port} "

    @property
    def data_dir(self) -> Path:
        """Asked each time: where it may live depends on the ``postgres`` user, which
        installing the package creates."""
        return data_dir_for(self.cache)

    def is_installed(self) -> bool:
        return _bin_dir() is not None

    def install(self) -> None:
        if not self.is_installed():
            apt_install("postgresql")

    def _program(self, name: str) -> str:
        found = _bin_dir()
        if found is None:
            raise InstallError("PostgreSQL is not installed: run `apt-get install postgresql`")
        return str(found / name)

    def _initialise(self) -> None:
        if (self.data_dir / "PG_VERSION").is_file():
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)  # a half-made one from a crash
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(mode=0o700)
        owner = _owner()
        if owner is not None:
            os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
        run(
            _as_owner([
                self._program("initdb"), "-D", str(self.data_dir), "-U", _SUPERUSER,
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            ]),
            what="creating the PostgreSQL cluster (initdb)",
        )  # fmt: skip

    def start(self) -> None:
        self._initialise()
        spawn_detached(
            _as_owner([
                self._program("postgres"), "-D", str(self.data_dir),
                "-c", f"listen_addresses={LOCAL_HOST}", "-c", f"port={self.port}",
                "-c", "unix_socket_directories=",
                # A development box: losing the last second of writes in a power cut is fine.
                "-c", "synchronous_commit=off",
            ]),
            log_file=self.log_file,
            pid_file=self.pid_file,
        )  # fmt: skip

    async def _psql(self, database: str, sql: str) -> str:
        process = await asyncio.create_subprocess_exec(
            self._program("psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
            "-h", LOCAL_HOST, "-p", str(self.port), "-U", _SUPERUSER, "-d", database,
            "-c", sql,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(err.decode(errors="replace").strip().splitlines()[-1:])
        return out.decode().strip()

    async def ping(self, url: str) -> None:
        """Ready once it answers and FerretDB's database has the GIN twin triggers; the
        first successful ping creates both (idempotent), so FerretDB starts on them."""
        del url  # the MongoDB URL: this server has its own
        exists = f"SELECT 1 FROM pg_database WHERE datname = '{FERRETDB_DATABASE}'"
        if not await self._psql("postgres", exists):
            await self._psql("postgres", f"CREATE DATABASE {FERRETDB_DATABASE}")
        installed = f"SELECT 1 FROM pg_event_trigger WHERE evtname = '{GIN_TWINS_TRIGGER}'"
        if not await self._psql(FERRETDB_DATABASE, installed):
            await self._psql(FERRETDB_DATABASE, GIN_TWINS_SQL)
