"""The worker, declared for the worker shell."""
