"""Install a Debian package with apt-get, as root or through sudo."""

import os
import shutil

from .commands import require_tool, run
from .errors import InstallError

__all__ = ["apt_install"]

_APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}


def _as_root(command: list[str], package: str) -> list[str]:
    if os.geteuid() == 0:
        return command
    if shutil.which("sudo") is None:
        raise InstallError(
            f"{package} is missing and this user cannot install it: "
            f"run `sudo apt-get install -y {package}` (or set the server's URL variable)"
        )
    return ["sudo", "-n", *command]


def apt_install(package: str) -> None:
    require_tool("apt-get", f"install {package} with your package manager")
    run(_as_root(["apt-get", "update", "-qq"], package), what="apt-get update", env=_APT_ENV)
    run(
        _as_root(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package], package),
        what=f"apt-get install {package}",
        env=_APT_ENV,
    )
