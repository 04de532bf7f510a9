"""An agent's My Sessions list, exactly as the page shows it."""

from datetime import datetime

from queue_service.adapters.store import TaskStore
from queue_service.adapters.view_model import task_view
from queue_service.domain import order_for_agent


async def agent_view(
    store: TaskStore, tenant_id: str, user_id: str, now: datetime, history_limit: int = 1000
) -> list[dict[str, object]]:
    """The agent's tasks in page order, each in the published ``TaskView`` shape (as JSON)."""
    tasks = await store.read_agent(tenant_id, user_id, history_limit)
    return [task_view(task, now).model_dump(mode="json") for task in order_for_agent(tasks)]
