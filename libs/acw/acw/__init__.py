"""After-call work: which tasks are open for it, how a save is validated, saved once and
published (``service.save_after_call_work``), the outbox that republishes unconfirmed saves,
and the tag counts that suggestions read (``tags``).

A library, not a worker: the gateway, ``mysessions acw`` and the reporting worker (the
system's ``system-timeout`` conclusion, the outbox) all save through the same path. It
reads the queue's tasks through the port ``service.TaskReader``; its composition root
(``wiring``) takes the queue's published reader (``queue_service.read.QueueTaskReader``).
"""
