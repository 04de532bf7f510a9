"""Gateway: the agent's API, live updates (SSE) and the My Sessions page, on FastAPI.

``settings`` (env ``GATEWAY_``), ``auth`` (bearer JWTs to principals, role checks, demo
keys), ``resources`` (the connections and stores), ``api`` (JSON routes under /api/v1),
``routes`` (the list of routers), ``app`` (the FastAPI app), ``__main__`` (uvicorn).
"""
