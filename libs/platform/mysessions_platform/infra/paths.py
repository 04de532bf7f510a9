"""Where downloads, binaries, server data, pid files and logs live: one cache folder."""

import os
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir", "log_file", "pid_file", "repo_root"]

CACHE_DIR_ENV = "MYSESSIONS_CACHE_DIR"


def repo_root() -> Path:
    """The checkout this code runs from (the folder holding pyproject.toml and uv.lock)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file() and (folder / "uv.lock").is_file():
            return folder
    return Path.cwd()


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured).resolve() if configured else repo_root() / ".cache"


def log_file(cache: Path, server: str) -> Path:
    return cache / "logs" / f"{server}.log"


def pid_file(cache: Path, server: str) -> Path:
    return cache / "run" / f"{server}.pid"
