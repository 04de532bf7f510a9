"""``mysessions demo``: servers, every worker, the gateway and simulated traffic, with a
live summary, until Ctrl-C (or ``--duration`` seconds).

Each run simulates fresh tenants of its own (``demo-<UTC start>-<n>``), and its summary and
busiest agent count only those, whatever earlier runs or other tenants left in Redis. The
gateway runs in demo mode: its sign-in page offers the run's agents, a service owner and a
tenant admin (see ``demo_users``).
"""

import asyncio
import io
import json
import time
from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import httpx
import typer
from context_service.contacts_import import import_parsed, parse_rows
from context_service.read import StoredRecords
from contracts import topics
from gateway_service.settings import GatewaySettings
from gateway_service.settings import load_settings as load_gateway_settings
from mysessions_platform import infra
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.redis_client import redis_client
from mysessions_platform.service_settings.catalog_store import code_set_store, context_store
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.worker_process import WorkerProcess
from queue_service.read import QueueReader
from queue_service.settings import QueueSettings
from reporting_service.read import RecordsReader
from rich.console import Console
from rich.live import Live
from rich.table import Table

from mysessions.commands.simulate import Progress, make_config, send_simulation
from mysessions.commands.view import load_view, show
from mysessions.demo_contacts import demo_contacts
from mysessions.demo_settings import FOLLOW_UP, INTRANET, demo_service_settings
from mysessions.simulation import SimulationStats
from mysessions.simulation.config import SimulationConfig

console = Console()


AgentTasks = dict[tuple[str, str], list[dict[str, Any]]]
"""A run's stored tasks by (tenant id, user id)."""


def tasks_of_run(snapshot: dict[str, dict[str, str]], tenant_ids: Collection[str]) -> AgentTasks:
    """The stored tasks of this run's tenants only, whatever else the prefix holds (earlier
    demos, other tenants). Read from each task's own ``tenant_id``, not from key names."""
    found: AgentTasks = {}
    for agent_tasks in snapshot.values():
        for raw in agent_tasks.values():
            task = json.loads(raw)
            if task.get("tenant_id") in tenant_ids:
                found.setdefault((task["tenant_id"], task["user_id"]), []).append(task)
    return found


def _summary(progress: Progress, tasks: AgentTasks, elapsed: float, tenants: str) -> Table:
    states: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for agent_tasks in tasks.values():
        for task in agent_tasks:
            states[task["state"]] += 1
            if task["outcome"]:
                outcomes[task["outcome"]] += 1
    table = Table(title=f"My Sessions demo ({tenants}), {elapsed:.0f}s")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("events sent upstream", str(progress.sent))
    table.add_row("agents with tasks", str(len(tasks)))
    for state in ("incoming", "dialing", "ringing", "connected", "ended"):
        table.add_row(f"tasks {state}", str(states[state]))
    for outcome, count in outcomes.most_common():
        table.add_row(f"  outcome {outcome}", str(count))
    return table


def busiest_agent(tasks: AgentTasks) -> tuple[str, str] | None:
    """(tenant id, user id) of the agent with the most tasks; ties go to the first id."""
    if not tasks:
        return None
    return max(sorted(tasks), key=lambda agent: len(tasks[agent]))


UNTIL_STOPPED_S = 7 * 24 * 3600.0
"""Traffic length when no --duration is given: the demo runs until Ctrl-C."""


def demo_users(config: SimulationConfig) -> list[dict[str, Any]]:
    """The sign-ins of the gateway's demo page: an agent of each of the first tenant's
    services (agent n's home service is service n: see ``simulation.topology``, so the
    e-mail and chat service's agent is among them), the owner of its services and its
    tenant admin."""
    tenant = config.tenant_ids[0]
    services = [f"t1-svc-{index + 1}" for index in range(config.services_per_tenant)]
    shown = min(config.services_per_tenant, config.agents_per_tenant)
    agents = [f"t1-agent-{n}" for n in range(1, shown + 1)]
    return [
        *(
            {"label": f"Agent {agent}", "tenant_id": tenant, "user_id": agent, "roles": ["agent"]}
            for agent in agents
        ),
        {
            "label": "Service owner",
            "tenant_id": tenant,
            "user_id": "owner-1",
            "roles": ["service_owner"],
            "services": services,
        },
        {
            "label": "Tenant admin",
            "tenant_id": tenant,
            "user_id": "admin-1",
            "roles": ["tenant_admin"],
        },
    ]


def demo_gateway_settings(config: SimulationConfig, host: str, port: int) -> GatewaySettings:
    """The demo gateway's settings: this environment's, in demo mode on ``host``:``port``
    with the run's sign-ins, as the gateway process will read them. Refused settings (demo
    mode beside GATEWAY_JWKS_URL, a --host off loopback) exit here with the reasons, before
    any server or worker starts."""
    return load_gateway_settings(mode="demo", host=host, port=port, demo_users=demo_users(config))


async def wait_for_gateway(url: str, gateway: WorkerProcess, timeout_s: float = 60) -> None:
    """Until the gateway answers (its OpenAPI document), or fail naming its log."""
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if gateway.process is not None and gateway.process.returncode is not None:
                break
            try:
                if (await client.get(f"{url}/openapi.json")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"the gateway did not start; see {gateway.log_file}")


def run_prefix(now: datetime) -> str:
    """A fresh tenant prefix per run: ``demo-20250106T090000Z`` (tenants ``…-1``, ``…-2``)."""
    return f"demo-{now:%Y%m%dT%H%M%SZ}"


async def _demo(
    tenants: int,
    agents: int,
    rate: float,
    duration: float | None,
    seed: int,
    prefix: str,
    host: str,
    port: int,
) -> None:
    traffic_s = duration if duration is not None else UNTIL_STOPPED_S
    config = make_config(
        tenants, 3, agents, rate, traffic_s, seed, fast=False, tenant_prefix=prefix
    )
    gateway_settings = demo_gateway_settings(config, host, port)
    urls = await infra.up(report=lambda message: console.print(f"[dim]•[/dim] {message}"))
    settings = QueueSettings()
    specs = TopicSettings.from_env()
    await ensure_topics(
        urls.kafka_bootstrap_servers,
        [
            specs.spec(role, settings.partitions)
            for role in (topics.TELEPHONY_EVENTS, topics.SESSION_EVENTS, topics.DEAD_LETTERS)
        ],
    )
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": urls.kafka_bootstrap_servers,
        "REDIS_URL": urls.redis_url,
        "REDIS_CLUSTER": "true" if urls.redis_cluster else "false",
        "MONGODB_URL": urls.mongodb_url,
        "LOG_LEVEL": "WARNING",
        # Webhook endpoints may be a receiver on this machine (http to loopback), as the
        # owner screen's demo users would try; production refuses them (README).
        "WEBHOOKS_MODE": "development",
    }
    logs = infra.cache_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    workers = [
        WorkerProcess(f"{name}_service", env, logs / f"demo-{name}.log")
        for name in ("ingest", "queue", "context", "reporting", "webhooks")
    ]
    gateway_env = {
        **env,
        "GATEWAY_MODE": gateway_settings.mode,
        "GATEWAY_HOST": gateway_settings.host,
        "GATEWAY_PORT": str(gateway_settings.port),
        "GATEWAY_DEMO_USERS": json.dumps(
            [user.model_dump(mode="json") for user in gateway_settings.demo_users]
        ),
    }
    gateway = WorkerProcess("gateway_service", gateway_env, logs / "demo-gateway.log")
    workers.append(gateway)
    page_url = f"http://{host}:{port}"
    redis = redis_client(urls.redis_url, cluster=urls.redis_cluster)
    store = QueueReader(redis, settings.key_prefix)
    run_tenants = set(config.tenant_ids)
    named = ", ".join(config.tenant_ids)
    console.print(f"this run's tenant(s): {named}")
    await apply_demo_settings(urls.mongodb_url, config)
    progress = Progress()
    try:
        for worker in workers:
            await worker.start()
        console.print(
            f"workers started: ingest, queue, context, reporting, webhooks (logs in {logs})"
        )
        await wait_for_gateway(page_url, gateway)
        _print_sign_ins(page_url, config)
        sending = asyncio.create_task(
            send_simulation(
                config,
                urls.kafka_bootstrap_servers,
                topics.TELEPHONY_EVENTS,
                SimulationStats(),
                progress,
                paced=True,
            )
        )
        began = time.monotonic()
        with Live(console=console, refresh_per_second=1) as live:
            while duration is None or time.monotonic() - began < duration + 5:
                tasks = tasks_of_run(await store.snapshot(), run_tenants)
                live.update(_summary(progress, tasks, time.monotonic() - began, named))
                await asyncio.sleep(2)
        sending.cancel()  # the simulated tail (calls still running) is not waited for
        busiest = busiest_agent(tasks_of_run(await store.snapshot(), run_tenants))
    finally:
        for worker in workers:
            await worker.stop()
        await redis.aclose()
    console.print(f"events sent: {progress.sent}; workers stopped; servers left running")
    await _print_what_was_kept(urls.mongodb_url, run_tenants)
    if busiest:
        tenant, user = busiest
        shown = await load_view(tenant, user, limit=12)
        show(shown, f"the busiest agent's My Sessions: {user} of {tenant}")
        console.print(f"see it all with: mysessions view --tenant {tenant} --user {user}")
    console.print("stop the servers with: mysessions infra down")


def _print_sign_ins(page_url: str, config: SimulationConfig) -> None:
    console.print(f"[bold]My Sessions page: {page_url}/[/bold]  (sign in at {page_url}/signin)")
    for user in demo_users(config):
        console.print(f"  sign in as {user['label']}: {user['user_id']} of {user['tenant_id']}")
    console.print(f"  settings screen: {page_url}/settings   admin screen: {page_url}/admin")
    console.print(f"  the API's OpenAPI document: {page_url}/openapi.json")
    console.print("Ctrl-C stops the demo (the servers keep running)")


async def _print_what_was_kept(mongodb_url: str, tenant_ids: Collection[str]) -> None:
    """What the context and reporting workers kept for this run's tenants."""
    async with mongo_client(mongodb_url) as client:
        database = mongo_database(client)
        records = await RecordsReader(database).count_of_tenants(tenant_ids)
        stored = sum([await StoredRecords(database).count(t) for t in tenant_ids])
    console.print(
        f"reporting records written: {records} (sessions that concluded: ended, and after-call"
        " work saved or not due); stored context records: "
        f"{stored} (only the service that stores context keeps any)"
    )


async def apply_demo_settings(mongodb_url: str, config: SimulationConfig) -> None:
    """The run's tenants get realistic service settings before any event (see
    ``mysessions.demo_settings``): settings are not retroactive."""
    async with mongo_client(mongodb_url) as client:
        store = ServiceSettingsStore(mongo_database(client))
        await store.ensure_indexes()
        code_sets, contexts = (
            code_set_store(mongo_database(client)),
            context_store(mongo_database(client)),
        )
        await code_sets.ensure_indexes()
        await contexts.ensure_indexes()
        for tenant_id in config.tenant_ids:  # before the services that enable them
            await code_sets.apply(tenant_id, FOLLOW_UP, datetime.now(UTC))
            await contexts.apply(tenant_id, INTRANET, datetime.now(UTC))
        for spec in demo_service_settings(config):
            await store.apply(spec, datetime.now(UTC))
        contacts = 0
        for tenant, text in demo_contacts(config).items():
            parsed = parse_rows(io.StringIO(text), "contacts", None)
            report = await import_parsed(mongo_database(client), tenant, "contacts", parsed)
            contacts += report.imported + report.updated + report.unchanged
    console.print(
        "settings applied: codes and tags on every service (with the tenant's catalog: a "
        "code set and a conversation context); the first stores conversation context, the "
        "second transcribes, the third takes e-mail and chat"
    )
    console.print(f"address book: {contacts} of the run's callers are known contacts")


def demo(
    tenants: int = typer.Option(1, min=1),
    agents: int = typer.Option(20, min=1, help="Agents per tenant."),
    rate: float = typer.Option(10.0, min=0.1, help="Events per second."),
    duration: float | None = typer.Option(
        None, min=5, help="Seconds of simulated traffic; without it, until Ctrl-C."
    ),
    seed: int = typer.Option(1),
    host: str = typer.Option(
        "127.0.0.1",
        help="Where the gateway (the page) listens: loopback only, unless"
        " GATEWAY_DEMO_ALLOW_REMOTE=true (anyone who reaches it can sign in as a demo user).",
    ),
    port: int = typer.Option(8080, min=1, max=65535, help="The gateway's port."),
) -> None:
    """Bring the servers up, apply realistic settings to fresh demo tenants, run every
    worker and the gateway, simulate traffic; print the page's URL and demo sign-ins; show
    what agents see. Runs until Ctrl-C unless --duration is given."""
    started = datetime.now(UTC)
    try:
        asyncio.run(_demo(tenants, agents, rate, duration, seed, run_prefix(started), host, port))
    except KeyboardInterrupt:
        console.print("stopped (Ctrl-C): workers and gateway stopped; servers left running")
    console.print(f"demo ran {(datetime.now(UTC) - started).total_seconds():.0f}s")
