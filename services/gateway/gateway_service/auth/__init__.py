"""Who is calling: bearer JWTs (RS256) verified into a ``Principal``."""
