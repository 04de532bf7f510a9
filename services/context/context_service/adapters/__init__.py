"""MongoDB (and later Redis, HTTP) behind small classes; contracts are translated here."""
