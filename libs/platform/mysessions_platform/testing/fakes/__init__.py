"""In-memory stand-ins for the ports the workers' steps take, for fast unit tests.

One kit, so no test writes its own clock or publisher again. Each fake keeps the semantics
the steps rely on and nothing more; where those semantics matter (a claim that a retry can
take again, a publish that is all or nothing), a contract test holds the fake and the real
adapter to the same assertions.

- ``ManualClock``: now is what the test says, moved by ``advance``.
- ``RecordingPublisher``: what was published, per topic, in order; an outage on demand.
- ``InMemoryClaims``: claim-then-confirm marks (ingest's seen events), a pending claim
  taken again by a retry, a confirmed one never.
"""

from mysessions_platform.testing.fakes.claims import InMemoryClaims
from mysessions_platform.testing.fakes.clock import ManualClock
from mysessions_platform.testing.fakes.outage import Outage
from mysessions_platform.testing.fakes.publisher import RecordingPublisher

__all__ = ["InMemoryClaims", "ManualClock", "Outage", "RecordingPublisher"]
