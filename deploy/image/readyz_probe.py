"""The container's health check: exit 0 when this container's process answers 200 on
``/readyz`` (or the path given), 1 otherwise.

The image carries Python but no curl, so Compose runs ``python /app/readyz_probe.py PORT``
inside the container; Kubernetes probes the port itself and does not need this.
"""

import sys
import urllib.error
import urllib.request

TIMEOUT_S = 3.0


def probe(port: int, path: str = "/readyz") -> int:
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:
            return 0 if answer.status == 200 else 1
    except urllib.error.HTTPError as refusal:  # 503 while starting or draining
        print(f"{path}: {refusal.code}", file=sys.stderr)
    except (urllib.error.URLError, OSError) as error:
        print(f"{path}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: readyz_probe.py PORT [PATH]")
    sys.exit(probe(int(sys.argv[1]), *sys.argv[2:]))
