"""``mysessions doctor``: every server and what the workers need of it, in plain words."""
