from collections.abc import AsyncIterator

import pytest

from .in_process import InProcessGateway, in_process_gateway


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    async with in_process_gateway() as running:
        yield running
