"""Runtime pieces every worker needs and no domain owns: logging, Kafka delivery, settings.

The business rules live in each service; this package holds only plumbing.
"""
