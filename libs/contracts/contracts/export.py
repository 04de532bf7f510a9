"""Writes each topic's JSON Schema to a folder.

Run ``python -m contracts.export libs/contracts/schemas`` after a deliberate change.

The committed snapshots make every schema change visible in review; a test compares them.
"""

import json
import sys
from pathlib import Path

from contracts.codec import topic_json_schemas, view_json_schemas


def render(schema: object) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for topic, schema in {**topic_json_schemas(), **view_json_schemas()}.items():
        path = folder / f"{topic}.json"
        path.write_text(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in export(Path(sys.argv[1] if len(sys.argv) > 1 else "libs/contracts/schemas")):
        print(path)
