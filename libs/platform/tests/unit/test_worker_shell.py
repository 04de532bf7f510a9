"""The worker shell: a supervised loop that stops stops the process (non-zero exit); SIGTERM
drains (readiness false, the round under way finishes) and exits 0 within the grace; the
health routes answer. Workers as real processes on FastStream's in-memory broker."""

import asyncio
import json
import sys
import time
from pathlib import Path

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from mysessions_platform.collector import YOUNG_THRESHOLD
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.ports import free_port
from mysessions_platform.worker.loops import Every
from mysessions_platform.worker.settings import WorkerSettings
from mysessions_platform.worker.shell import WorkerShell
from mysessions_platform.worker_process import WorkerProcess

pytestmark = pytest.mark.unit

FIXTURE = Path(__file__).with_name("shell_worker.py")
GRACE_S = 5.0


async def _run(mode: str, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    log = (tmp_path / f"{mode}.log").open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(FIXTURE),
            mode,
            str(tmp_path / "notes"),
            env={**WorkerProcess("", {}, tmp_path / "unused").env, **_env(port)},
            stdout=log,
            stderr=log,
        )
    finally:
        log.close()


def _env(port: int) -> dict[str, str]:
    return {"SHELL_TEST_HEALTH_PORT": str(port), "HEALTH_PORT": str(port), "STOP_GRACE_S": "5"}


async def _answer(client: httpx.AsyncClient, path: str, status: int, timeout_s: float = 20) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            response = await client.get(path)
            if response.status_code == status:
                return response.text
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never answered {status}")
        await asyncio.sleep(0.05)


async def test_a_supervised_loop_that_stops_makes_the_process_exit_non_zero(
    tmp_path: Path,
) -> None:
    process = await _run("crash", tmp_path, free_port())
    code = await asyncio.wait_for(process.wait(), 30)
    assert code == 1, (tmp_path / "crash.log").read_text()
    assert "crash loop stopped; stopping the worker" in (tmp_path / "crash.log").read_text()


async def test_sigterm_drains_then_exits_0_within_the_grace(tmp_path: Path) -> None:
    port = free_port()
    process = await _run("slow", tmp_path, port)
    notes = tmp_path / "notes"
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
        try:
            assert json.loads(await _answer(client, "/healthz", 200))["alive"] is True
            assert json.loads(await _answer(client, "/readyz", 200))["ready"] is True
            metrics = await _answer(client, "/metrics", 200)
            assert 'mysessions_loop_done_total{loop="slow loop",worker="shell-test"}' in metrics

            async def second_round_under_way() -> bool:
                return (
                    notes.exists()
                    and notes.read_text().split()[-1:] == ["started"]
                    and (notes.read_text().count("started") >= 2)
                )

            await wait_for(second_round_under_way, 20, "a round under way, for the stop")
            began = time.monotonic()
            process.terminate()
            draining = json.loads(await _answer(client, "/readyz", 503, timeout_s=1))
            assert draining["ready"] is False
            assert "draining" in draining["waiting_for"][0]
            code = await asyncio.wait_for(process.wait(), GRACE_S + 5)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    took = time.monotonic() - began
    assert code == 0, (tmp_path / "slow.log").read_text()
    assert took < GRACE_S
    lines = notes.read_text().split()
    assert lines[-1] == "finished", "the round under way finished before the exit"
    assert lines.count("started") == lines.count("finished")
    frozen, young = map(int, notes.with_suffix(".collector").read_text().split())
    assert frozen > 10_000, "what start-up left is frozen, out of the collector's walks"
    assert young == YOUNG_THRESHOLD


class Escaped(BaseException):
    """Not an ``Exception``: gets past the loop's handler, as a bug in the loop would."""


class Settings(WorkerSettings):
    group_id: str = "shell-test"


@pytest.mark.parametrize(("ends", "exit_code"), [(False, 0), (True, 1)])
async def test_a_loop_stopped_by_the_drain_is_no_crash_but_one_that_ends_is(
    ends: bool, exit_code: int
) -> None:
    shell = WorkerShell(
        "shell-test", Settings().model_copy(update={"kafka_bootstrap_servers": "127.0.0.1:9"})
    )
    rounds = 0

    async def round_() -> int:
        nonlocal rounds
        rounds += 1
        if ends:
            raise Escaped
        return 1

    app = shell.app(owns=[], subscriptions=[], loops=[Every(round_, 0.01, "a loop")])

    async def looped_or_crashed() -> bool:
        return rounds >= 2 or app.exit_code != 0

    async with TestKafkaBroker(shell.broker):
        await app.start()
        await wait_for(looped_or_crashed, 10, "the loop")
        await app.stop()
    assert app.exit_code == exit_code
    assert app.readiness.crashed is ends
