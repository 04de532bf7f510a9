"""Reporting's adapters: contracts to domain, MongoDB collections, the lease, the port to
after-call work."""
