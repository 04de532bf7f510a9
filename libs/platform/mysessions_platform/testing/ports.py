"""A free TCP port for a server a test starts (a worker's health endpoints)."""

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now: the OS picks it, the socket is closed again. Another process could
    take it before the server binds; ports are drawn from the ephemeral range at random, so
    parallel tests do not collide in practice (fixed ports would)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
