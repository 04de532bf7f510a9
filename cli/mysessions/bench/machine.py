"""What the figures came from: the machine, the software and the servers' versions."""

import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mysessions_platform.mongo import connect
from mysessions_platform.redis_client import redis_client
from mysessions_platform.settings import ServerSettings

_PACKAGES = ("faststream", "aiokafka", "pydantic", "redis", "pymongo")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


async def describe(servers: ServerSettings) -> dict[str, Any]:
    """Cores, CPU, memory, load, OS, Python, the client libraries, Redis's and the
    MongoDB-wire server's versions (Kafka's as the brokers' API version aiokafka found)."""
    redis = redis_client(servers.redis_url, cluster=servers.redis_cluster)
    try:
        redis_version = (await redis.info("server")).get("redis_version", "unknown")
    finally:
        await redis.aclose()
    client = connect(servers.mongodb_url)
    try:
        info = await client.admin.command("buildInfo")
        mongo = f"{info.get('version', '?')}" + (
            f" (FerretDB {info['ferretdb']['version']})"
            if isinstance(info.get("ferretdb"), dict) and "version" in info["ferretdb"]
            else ""
        )
    finally:
        await client.close()
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(_memory_gib(), 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: version(name) for name in _PACKAGES},
        "redis": str(redis_version),
        "mongodb_wire": mongo,
        "kafka": servers.kafka_bootstrap_servers,
    }
