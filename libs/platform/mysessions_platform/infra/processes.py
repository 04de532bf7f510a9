"""Background server processes tracked by pid files: start detached, find, stop gracefully."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["port_open", "running_pid", "spawn_detached", "stop"]

# The shell starts the server in the background, prints its pid and exits. The server is
# re-parented to init, so this process holds no child (no zombie, no ResourceWarning from a
# dropped Popen), and its own session keeps a Ctrl-C in the terminal that ran `up` away.
_LAUNCH = 'log="$1"; shift; "$@" >>"$log" 2>&1 </dev/null & echo "$!"'


def spawn_detached(command: Sequence[str], *, log_file: Path, pid_file: Path) -> int:
    """Start ``command`` in its own session, output appended to ``log_file``; return its pid."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a") as log:
        log.write(f"\n=== {datetime.now(UTC).isoformat()} starting: {' '.join(command)}\n")
    launched = subprocess.run(
        ["sh", "-c", _LAUNCH, "sh", str(log_file), *command],
        start_new_session=True,
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(launched.stdout.strip())
    pid_file.write_text(f"{pid}\n")
    return pid


def _is_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state letter follows the command name in parentheses; Z is a zombie, X is dead.
    return stat.rsplit(")", 1)[-1].split()[0] not in {"Z", "X"}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def running_pid(pid_file: Path, marker: str) -> int | None:
    """The pid recorded in ``pid_file`` if that process lives and is ours (``marker`` in its
    command line: a recycled pid must never be mistaken for our server)."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    if _is_alive(pid) and marker in _cmdline(pid):
        return pid
    return None


def stop(
    pid_file: Path,
    marker: str,
    *,
    grace_seconds: float = 30.0,
    stop_signal: signal.Signals = signal.SIGTERM,
) -> int | None:
    """Send ``stop_signal`` to the recorded process, SIGKILL it after ``grace_seconds``;
    return its pid, or None when nothing of ours was running. The pid file is removed
    either way."""
    pid = running_pid(pid_file, marker)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, stop_signal)
        deadline = time.monotonic() + grace_seconds
        while _is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _is_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return pid


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
