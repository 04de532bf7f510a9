"""Gateway: the agent API, live updates and the My Sessions page (not built yet)."""
