"""The domain's rendering of a task, held to the one published shape (``contracts.TaskView``).

Every reader of a task view (``view --json``, the agent's live channel, the gateway) goes
through here, so none of them can drift from the schema in libs/contracts.
"""

from datetime import datetime

from contracts import TaskView

from queue_service.domain import Task, render


def task_view(task: Task, now: datetime) -> TaskView:
    return TaskView.model_validate(render(task, now))


def task_view_json(task: Task, now: datetime) -> str:
    return task_view(task, now).model_dump_json()
