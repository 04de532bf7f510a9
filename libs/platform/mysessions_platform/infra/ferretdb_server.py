"""FerretDB v1 (MongoDB wire protocol) on the local PostgreSQL cluster, built from source with
the Go toolchain.

Why PostgreSQL, not FerretDB's SQLite backend (the default until now): on SQLite FerretDB
v1 pushes no filter down but a lone ``_id`` equality, and even that one misses its index
(the index is on ``->"_id"``, the query on ``->'$._id'``), so every query read and decoded
the whole collection. On PostgreSQL it pushes equality filters down as SQL, and the GIN
twins of ``postgresql_indexes`` let them use an index."""

import json
import os
import shutil
import signal
import stat
from pathlib import Path

from .commands import require_tool, run
from .endpoints import (
    FERRETDB_DEBUG_PORT,
    LOCAL_HOST,
    MONGODB_ENV,
    MONGODB_PORT,
    POSTGRESQL_PORT,
)
from .paths import log_file, pid_file
from .postgresql_server import postgresql_url
from .probes import ping_mongodb
from .processes import spawn_detached

__all__ = ["FERRETDB_VERSION", "FerretDbServer"]

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
_GO_HINT = "install Go 1.24+ (https://go.dev/doc/install)"


def _make_writable(tree: Path) -> None:
    # The Go module cache is read-only; our copy must not be, to add a file and to be removable.
    for folder, _, files in os.walk(tree):
        for entry in (folder, *(os.path.join(folder, name) for name in files)):
            os.chmod(entry, os.stat(entry).st_mode | stat.S_IWUSR)


class FerretDbServer:
    name = "ferretdb"
    env_var = MONGODB_ENV
    ready_timeout = 60.0
    stop_signal = signal.SIGTERM

    def __init__(
        self, cache: Path, port: int = MONGODB_PORT, storage_port: int = POSTGRESQL_PORT
    ) -> None:
        self.port = port
        self.storage_url = postgresql_url(storage_port)
        self.binary = cache / "bin" / "ferretdb"
        self.stamp = cache / "bin" / "ferretdb.version"
        self.source = cache / "ferretdb" / f"src-{FERRETDB_VERSION}"
        self.state_dir = cache / "ferretdb-state"
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        self.process_marker = str(self.binary)

    def is_installed(self) -> bool:
        return (
            self.binary.is_file()
            and self.stamp.is_file()
            and (self.stamp.read_text().strip() == FERRETDB_VERSION)
        )

    def install(self) -> None:
        """`go install …/cmd/ferretdb@v1.24.2` does not work here, for two reasons: the Go
        module proxy refuses the module's version list, which `go install` asks for to look
        for a deprecation notice, and the module zip lacks build/version/version.txt, which
        FerretDB's own build generates and without which the binary panics at start. So:
        download the exact version (modules stay in the machine's Go caches), copy its
        source here, write version.txt and build it like FerretDB's `task build-host`."""
        if self.is_installed():
            return
        go = require_tool("go", _GO_HINT)
        self.binary.parent.mkdir(parents=True, exist_ok=True)
        downloaded = json.loads(
            run(
                [go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"],
                what=f"downloading FerretDB {FERRETDB_VERSION} with the Go toolchain",
                cwd=self.binary.parent,
            )
        )
        shutil.rmtree(self.source, ignore_errors=True)
        shutil.copytree(downloaded["Dir"], self.source)
        _make_writable(self.source)
        (self.source / "build" / "version" / "version.txt").write_text(f"{FERRETDB_VERSION}\n")
        partial = self.binary.with_suffix(".partial")
        run(
            [go, "build", "-trimpath", "-buildvcs=false", "-o", str(partial), "./cmd/ferretdb"],
            what=f"building FerretDB {FERRETDB_VERSION}",
            cwd=self.source,
        )
        partial.replace(self.binary)
        self.stamp.write_text(f"{FERRETDB_VERSION}\n")

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        spawn_detached(
            [
                str(self.binary),
                "--handler=postgresql",
                f"--postgresql-url={self.storage_url}",
                f"--listen-addr={LOCAL_HOST}:{self.port}",
                # Its default debug port 8088 is a popular one; keep it out of the way.
                f"--debug-addr={LOCAL_HOST}:{FERRETDB_DEBUG_PORT + self.port - MONGODB_PORT}",
                f"--state-dir={self.state_dir}",
                "--telemetry=disable",
                "--log-level=warn",
            ],
            log_file=self.log_file,
            pid_file=self.pid_file,
        )

    async def ping(self, url: str) -> None:
        await ping_mongodb(url)
