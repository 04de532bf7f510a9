"""What can go wrong while bringing the local servers up.

InfraError
├── InstallError      an install step (apt-get, mvn, go) failed or a tool is missing
└── ServerNotReady    a server was started (or named by URL) but did not answer in time
"""

__all__ = ["InfraError", "InstallError", "ServerNotReady"]


class InfraError(Exception):
    """Base of every infrastructure failure; the message names the server and its log."""


class InstallError(InfraError):
    """Installing a server failed; the message carries the command and its last output."""


class ServerNotReady(InfraError):
    """A server did not answer its readiness probe before the deadline."""
