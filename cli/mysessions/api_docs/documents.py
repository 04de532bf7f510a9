"""Every document's text by its path under ``docs/``."""

from mysessions.api_docs.files import render_json, render_yaml
from mysessions.api_docs.sources import WORKERS, asyncapi, openapi, upstream_openapi

__all__ = ["documents"]


async def documents() -> dict[str, str]:
    texts = {f"asyncapi/{worker}.yaml": render_yaml(await asyncapi(worker)) for worker in WORKERS}
    texts["openapi/gateway.json"] = render_json(openapi())
    texts["openapi/upstream.json"] = render_json(upstream_openapi())
    return texts
