"""What the operator commands (``dlq``, ``lag``, ``doctor``) do, apart from printing it.

The commands in ``mysessions.commands`` parse options and print; the reading, deciding and
writing is here, each module with one job, so it is tested without a terminal.
"""
