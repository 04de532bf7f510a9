"""In-memory fakes of the services' own stores, one module per service, for the steps'
unit tests and for the contract tests that hold each fake to its real adapter.

They are here, not in each service's ``tests/``, because both tiers of a service import
them, from different folders, and the repository allows no relative import from a parent
package: ``tests/`` is on pytest's and mypy's path (``step_fakes.<service>``). Fakes that
no service owns (clock, publisher, claims) are ``mysessions_platform.testing.fakes``.
"""
