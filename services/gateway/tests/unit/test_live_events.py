"""The live stream's SSE wire format, the client-side parser, live tasks and stream slots."""

import asyncio
import json

import pytest
from contracts import LiveCaption
from fastapi.sse import format_sse_event
from gateway_service.live.captions import LiveTasks
from gateway_service.live.events import (
    HEARTBEAT,
    caption_event,
    context_event,
    refresh_event,
    task_event,
)
from gateway_service.live.ids import StreamId
from gateway_service.live.slots import Full, OldestNotClosed, Slot, Stopping, StreamSlots
from mysessions_platform.sse_client import EventParser, Received

pytestmark = pytest.mark.unit


def wire(event: object) -> str:
    """As FastAPI writes a ServerSentEvent with raw_data (routing._serialize_sse_item)."""
    from fastapi.sse import ServerSentEvent

    assert isinstance(event, ServerSentEvent)
    raw = format_sse_event(
        data_str=event.raw_data, event=event.event, id=event.id, comment=event.comment
    )
    return raw.decode()


def parsed(text: str) -> list[Received]:
    parser = EventParser()
    found = [parser.feed(line) for line in text.split("\n")]
    return [event for event in found if event is not None]


def test_a_context_event_names_the_task_to_reread_and_carries_no_id_nor_data_of_it() -> None:
    text = wire(context_event("s-1", "s-1:1:alice"))
    (event,) = parsed(text)
    assert (event.event, event.id) == ("context", None)
    assert json.loads(event.data) == {"session_id": "s-1", "user_session_id": "s-1:1:alice"}
    assert "id:" not in text  # never replayed: a reconnect rereads the list anyway


def test_a_task_event_carries_the_view_as_is_with_the_entry_id() -> None:
    view = '{"user_session_id":"s-1:1:alice","state":"incoming"}'
    assert wire(task_event("17-3", view)) == f"event: task\ndata: {view}\nid: 17-3\n\n"
    assert parsed(wire(task_event("17-3", view))) == [Received("task", view, "17-3")]


def test_refresh_names_the_tip_and_an_absent_stream_is_zero() -> None:
    assert parsed(wire(refresh_event(StreamId(9, 1), "gone"))) == [
        Received("refresh", '{"reason": "gone"}', "9-1")
    ]
    assert refresh_event(None, "gone").id == "0-0"


def test_a_caption_event_has_no_id() -> None:
    caption = LiveCaption(
        service_session_id="s-1:1",
        user_session_id=None,
        segment_id="seg-1",
        speaker="caller",
        start_ms=0,
        end_ms=10,
        text='she said "hi"\nthen left',
        final=True,
    )
    (event,) = parsed(wire(caption_event("s-1", "s-1:1:alice", caption)))
    assert (event.event, event.id) == ("caption", None)
    data = json.loads(event.data)
    assert data["session_id"] == "s-1"
    assert data["user_session_id"] == "s-1:1:alice"
    assert LiveCaption.model_validate(data["caption"]) == caption


def test_heartbeat_is_a_comment() -> None:
    assert wire(HEARTBEAT) == ": heartbeat\n\n"
    assert parsed(wire(HEARTBEAT)) == [Received("comment", "heartbeat")]


def test_the_parser_joins_data_lines_and_defaults_the_event_name() -> None:
    assert parsed("data: a\ndata: b\n\n") == [Received("message", "a\nb")]
    assert parsed("id: 1-0\n\n") == [Received("message", "", "1-0")]
    assert parsed("\n\n") == []


def test_live_tasks_route_captions_to_the_agents_own_live_tasks() -> None:
    tasks = LiveTasks([("s-1", "s-1:1:alice"), ("s-2", "s-2:1:alice")])
    tasks.apply("s-2", "s-2:2:alice", live=True)
    assert tasks.sessions() == {"s-1", "s-2"}
    assert tasks.recipients("s-2", None) == ["s-2:1:alice", "s-2:2:alice"]
    assert tasks.recipients("s-2", "s-2:1:alice") == ["s-2:1:alice"]
    assert tasks.recipients("s-2", "s-2:1:bob") == []
    assert tasks.recipients("s-9", None) == []
    tasks.apply("s-1", "s-1:1:alice", live=False)
    tasks.apply("s-1", "s-1:1:alice", live=False)  # twice: still nothing
    assert tasks.sessions() == {"s-2"}


async def test_slots_end_a_users_oldest_stream_and_bound_the_total() -> None:
    slots = StreamSlots(per_user=2, total=3)
    a1, a2 = await slots.take("t", "a"), await slots.take("t", "a")
    taking = asyncio.create_task(slots.take("t", "a"))
    await asyncio.sleep(0)
    assert a1.evicted.is_set()
    assert not a2.evicted.is_set()
    assert not taking.done()  # waits until the evicted stream closed its connection
    assert slots.open == 2
    assert slots.held("t", "a") == 2  # the evicted one counts until it is gone
    slots.release(a1)
    a3 = await taking
    assert not a3.evicted.is_set()
    assert slots.open == 2
    b1 = await slots.take("t", "b")
    with pytest.raises(Full):
        await slots.take("u", "c")
    slots.release(a1)  # already released: counts nothing
    assert slots.open == 3
    slots.release(b1)
    slots.release(b1)
    assert slots.open == 2
    assert (await slots.take("u", "c")).owner == ("u", "c")


async def test_a_users_opens_take_turns_and_never_hold_more_than_the_bound() -> None:
    slots = StreamSlots(per_user=2, total=100)
    held: list[Slot] = []
    all_taken = asyncio.Event()
    most = 0

    async def stream() -> None:
        nonlocal most
        slot = await slots.take("t", "a")
        held.append(slot)
        most = max(most, slots.held("t", "a"))
        if len(held) == 20:
            all_taken.set()
        await slot.evicted.wait()
        await asyncio.sleep(0)  # closing its connection
        slots.release(slot)

    streams = [asyncio.create_task(stream()) for _ in range(20)]
    await asyncio.wait_for(all_taken.wait(), 5)
    assert most == 2
    assert [slot.evicted.is_set() for slot in held] == [True] * 18 + [False] * 2
    for task in streams[:18]:
        await task
    assert slots.open == 2
    for slot in held[18:]:
        slot.evicted.set()
    await asyncio.gather(*streams)
    assert slots.open == 0
    assert slots.held("t", "a") == 0


async def test_an_evicted_stream_that_does_not_close_makes_the_new_one_wait_then_refused() -> None:
    slots = StreamSlots(per_user=1, total=10, close_wait_s=0.05)
    stuck = await slots.take("t", "a")
    with pytest.raises(OldestNotClosed):
        await slots.take("t", "a")
    assert stuck.evicted.is_set()
    assert slots.open == 1  # never two
    assert (await slots.take("t", "b")).owner == ("t", "b")  # other users are not held
    slots.release(stuck)
    assert (await slots.take("t", "a")).owner == ("t", "a")


async def test_a_stopping_instance_evicts_every_stream_and_opens_none() -> None:
    slots = StreamSlots(per_user=2, total=10)
    held = [await slots.take("t", "a"), await slots.take("t", "a"), await slots.take("u", "b")]
    slots.close_all()
    assert [slot.evicted.is_set() for slot in held] == [True, True, True]
    with pytest.raises(Stopping):
        await slots.take("v", "c")
    for slot in held:
        slots.release(slot)
    assert slots.open == 0


async def test_an_open_waiting_for_its_turn_when_the_instance_stops_is_refused() -> None:
    slots = StreamSlots(per_user=1, total=10)
    oldest = await slots.take("t", "a")
    taking = asyncio.create_task(slots.take("t", "a"))
    await asyncio.sleep(0)
    slots.close_all()
    slots.release(oldest)
    with pytest.raises(Stopping):
        await taking
    assert slots.open == 0
