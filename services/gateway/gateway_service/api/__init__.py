"""The agent's, service owners' and tenant admins' JSON API, under /api/v1."""
