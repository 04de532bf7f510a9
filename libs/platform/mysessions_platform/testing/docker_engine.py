"""Is there a Docker engine that answers? Asked cheaply, before importing any Docker library."""

import os
import socket
from urllib.parse import urlparse

__all__ = ["docker_engine_answers"]

_DEFAULT_SOCKET = "/var/run/docker.sock"
_PING = b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"


def _ping(sock: socket.socket, timeout: float) -> bool:
    sock.settimeout(timeout)
    sock.sendall(_PING)
    return sock.recv(64).startswith((b"HTTP/1.0 200", b"HTTP/1.1 200"))


def docker_engine_answers(timeout: float = 1.0) -> bool:
    """True when GET /_ping on DOCKER_HOST (or the default socket) answers 200.

    Plain sockets instead of ``docker.from_env().ping()``: the Docker SDK leaves a socket
    unclosed when the engine is missing, and pytest's ``filterwarnings = error`` turns that
    ResourceWarning into a failure. TLS and ssh hosts are not probed: they count as no engine.
    """
    host = os.environ.get("DOCKER_HOST") or f"unix://{_DEFAULT_SOCKET}"
    url = urlparse(host)
    if os.environ.get("DOCKER_TLS_VERIFY") or url.scheme not in {"unix", "tcp"}:
        return False
    try:
        if url.scheme == "unix":
            if not os.path.exists(url.path):
                return False
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(url.path)
                return _ping(sock, timeout)
        with socket.create_connection((url.hostname or "", url.port or 2375), timeout) as sock:
            return _ping(sock, timeout)
    except OSError:
        return False
