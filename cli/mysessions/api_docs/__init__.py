"""The API documents committed under ``docs/``: each worker's AsyncAPI document (FastStream)
and the gateway's OpenAPI (FastAPI), built from the apps without connecting to anything
(``mysessions docs generate``; ``--check`` in CI)."""
