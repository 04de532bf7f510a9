"""After-call work: which tasks are open for it, how a save is validated, saved once and
published (``save_after_call_work``), and the outbox that republishes unconfirmed saves."""
