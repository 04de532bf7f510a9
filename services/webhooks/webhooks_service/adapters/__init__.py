"""Redis, MongoDB and HTTP around the delivery rules."""
