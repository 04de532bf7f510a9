"""Reading each server's ``explain``: an index named anywhere in the plan, or not."""

import pytest
from mysessions_platform.testing.query_plans import names_an_index

pytestmark = pytest.mark.unit

MONGODB_INDEX = {
    "winningPlan": {"stage": "FETCH", "inputStage": {"stage": "IXSCAN", "indexName": "key"}}
}
MONGODB_SCAN = {"winningPlan": {"stage": "COLLSCAN", "direction": "forward"}}
POSTGRESQL_INDEX = {
    "Plan": {
        "Node Type": "Bitmap Heap Scan",
        "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "t_key_gin"}],
    }
}
POSTGRESQL_SCAN = {"Plan": {"Node Type": "Seq Scan", "Relation Name": "t"}}
SQLITE_INDEX = {"Plan": ["id=2 parent=0 notused=0 detail=SEARCH t USING INDEX t_key (<expr>=?)"]}
SQLITE_SCAN = {"Plan": ["id=2 parent=0 notused=0 detail=SCAN t"]}


@pytest.mark.parametrize("plan", [MONGODB_INDEX, POSTGRESQL_INDEX, SQLITE_INDEX])
def test_a_plan_through_an_index(plan: object) -> None:
    assert names_an_index(plan)


@pytest.mark.parametrize("plan", [MONGODB_SCAN, POSTGRESQL_SCAN, SQLITE_SCAN, {}])
def test_a_plan_reading_everything(plan: object) -> None:
    assert not names_an_index(plan)
