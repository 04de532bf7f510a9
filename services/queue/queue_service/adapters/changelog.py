"""The queue's task changelog on Kafka (``contracts.changelog``): written after every batch,
read back by a rebuild.

Every task a batch leaves stored is recorded, changed or not, so a crash between the Redis
write and the record is repaired by the redelivery that follows: the changelog never lags
behind Redis for longer than one uncommitted batch. Records are keyed by task identity on a
compacted topic, so it holds one version per task (the newest) however long it runs; the
topic's compaction settings bound how long a superseded (live, caller-bearing) version stays
(see ``TOPIC_POLICIES``). Ended tasks are recorded without caller details, and a record
read back is held to that rule too (one written before it had the caller).
"""

from collections.abc import Sequence

from contracts import QueueTask, encode, task_key
from mysessions_platform.kafka.deadletter import Publisher

from queue_service.adapters.task_codec import task_from_json, task_to_json
from queue_service.domain import Task, forget_caller


def to_record(task: Task) -> QueueTask:
    return QueueTask.model_validate_json(task_to_json(task))


def from_record(raw: bytes) -> Task:
    """Raises ``pydantic.ValidationError`` for a record that is not a stored task."""
    record = QueueTask.model_validate_json(raw)
    return forget_caller(task_from_json(record.model_dump_json(exclude={"type"})))


class TaskChangelog:
    def __init__(self, publisher: Publisher, topic: str) -> None:
        self._publisher = publisher
        self.topic = topic

    async def record(self, tasks: Sequence[Task]) -> None:
        """Returns once Kafka confirmed every record."""
        await self._publisher.publish_all(
            self.topic,
            [
                (
                    task_key(task.tenant_id, task.user_id, task.user_session_id),
                    encode(to_record(task)),
                )
                for task in tasks
            ],
        )
