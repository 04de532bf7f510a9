"""The context service's rules in plain Python: no I/O, no contracts, no drivers."""
