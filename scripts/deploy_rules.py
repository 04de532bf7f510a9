"""The deploy files' rules that no schema can see, checked on what is deployed: the chart as
rendered (``helm template``) and the compose file. Each broken rule is printed; exit 1.

    python scripts/deploy_rules.py chart RENDERED.yaml
    python scripts/deploy_rules.py compose deploy/compose.yaml

Chart: every worker scales on its own group's lag without scaling to zero or past its
topics' partitions; every process runs as non-root with resource requests; every HTTP process
(the workers, the gateway, the upstream edge) is probed on /healthz and /readyz of a port it
declares and is covered by a PodDisruptionBudget, and a worker is given longer to stop than
its own stop grace; the upstream edge reads its tenants file from a Secret's volume; a bridge
(``connect ...``, ``follow ...``: one connection or file each, no HTTP) runs exactly one
replica, replaced with Recreate, scaled by nothing, and takes its secret from a Secret
through the environment, never as an argument (process lists show those); with
NetworkPolicies on, each Deployment has one; a process that talks to Kafka alone (the
upstream edge, the queue_log follower) is given no Secret of server URLs; the alerts select
every worker of the release (the lag alert every worker's group, the not-ready alert every
Deployment). Compose: every HTTP process's health check asks
/readyz on the port it serves, a worker is given longer to stop than its grace, and a bridge
is an optional profile with no secret in its command.
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]
STOP_GRACE_DEFAULT_S = 20.0  # the workers' own default (<WORKER>_STOP_GRACE_S)
SERVERS = ("gateway", "upstream")  # `run` processes that are HTTP servers, not workers
# A bridge's secret: the variable its command reads, and the flag that would show it.
BRIDGE_SECRETS = {
    ("connect", "ami"): "AMI_SECRET",
    ("connect", "freeswitch"): "FREESWITCH_ESL_PASSWORD",
}
SECRET_FLAGS = ("--secret", "--password")


def kafka_only(args: list[str]) -> bool:
    """Processes that talk to Kafka alone: no Redis or MongoDB URL (which may carry passwords)
    is given to them, least of all to the edge the providers reach from outside."""
    return args[:2] in (["run", "upstream"], ["follow", "queue-log"])


def is_bridge(args: list[str]) -> bool:
    return args[:1] in (["connect"], ["follow"])


def is_worker(args: list[str]) -> bool:
    return args[:1] == ["run"] and args[1:2] != [] and args[1] not in SERVERS


def chart_problems(manifests: list[Manifest]) -> Iterator[str]:
    by_kind: dict[str, list[Manifest]] = {}
    for manifest in manifests:
        by_kind.setdefault(manifest["kind"], []).append(manifest)
    settings = {k: str(v) for m in by_kind.get("ConfigMap", []) for k, v in m["data"].items()}
    for deployment in by_kind.get("Deployment", []):
        yield from deployment_problems(deployment, by_kind, settings)
    workers = [
        d["metadata"]["name"]
        for d in by_kind.get("Deployment", [])
        if is_worker(d["spec"]["template"]["spec"]["containers"][0].get("args", []))
    ]
    groups = [v for k, v in settings.items() if k.endswith("_GROUP_ID")]
    deployments = [d["metadata"]["name"] for d in by_kind.get("Deployment", [])]
    for rule in by_kind.get("PrometheusRule", []):
        yield from alert_problems(rule, workers, groups, deployments)


def deployment_problems(
    deployment: Manifest, by_kind: dict[str, list[Manifest]], settings: dict[str, str]
) -> Iterator[str]:
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in by_kind.get("ScaledObject", [])}
    budgets = [p["spec"]["selector"]["matchLabels"] for p in by_kind.get("PodDisruptionBudget", [])]
    policies = [p["spec"]["podSelector"]["matchLabels"] for p in by_kind.get("NetworkPolicy", [])]
    name, pod = deployment["metadata"]["name"], deployment["spec"]["template"]
    args = pod["spec"]["containers"][0].get("args", [])
    labels = pod["metadata"]["labels"]
    sources = pod["spec"]["containers"][0].get("envFrom", [])
    if kafka_only(args) and any("secretRef" in source for source in sources):
        yield f"{name}: talks to Kafka alone, yet is given a Secret (the servers' URLs)"
    if policies and not any(selector.items() <= labels.items() for selector in policies):
        yield f"{name}: no NetworkPolicy selects its pods"
    if is_bridge(args):
        yield from (f"{name}: {problem}" for problem in bridge_problems(deployment, args, scaled))
        return
    yield from (f"{name}: {problem}" for problem in pod_problems(pod["spec"]))
    if not any(selector.items() <= labels.items() for selector in budgets):
        yield f"{name}: no PodDisruptionBudget selects its pods"
    if args == ["run", "upstream"]:
        yield from (f"{name}: {problem}" for problem in upstream_problems(pod, settings))
    if not is_worker(args):
        return
    prefix = args[1].upper()
    grace = float(settings.get(f"{prefix}_STOP_GRACE_S", STOP_GRACE_DEFAULT_S))
    if pod["spec"].get("terminationGracePeriodSeconds", 30) <= grace:
        yield f"{name}: terminationGracePeriodSeconds not above {prefix}_STOP_GRACE_S"
    if scaled:
        yield from scaling_problems(name, scaled.get(name), prefix, settings)
    elif deployment["spec"].get("replicas", 1) < 1:
        yield f"{name}: no replicas"


def pod_problems(pod: Manifest, probed: bool = True) -> Iterator[str]:
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        yield "runAsNonRoot is not set"
    for container in pod["containers"]:
        if not container.get("resources", {}).get("requests"):
            yield "no resource requests"
        if not probed:
            continue
        ports = {port["name"] for port in container.get("ports", [])}
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = container.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or get.get("port") not in ports:
                yield f"{probe} does not ask {path} on a port the container declares"


def upstream_problems(pod: Manifest, settings: dict[str, str]) -> Iterator[str]:
    """Its tenants file holds every tenant's provider secrets: it must come from a Secret."""
    tenants = settings.get("UPSTREAM_TENANTS_FILE")
    if tenants is None:
        yield "UPSTREAM_TENANTS_FILE is not set (every callback would be refused)"
        return
    secrets = {v["name"] for v in pod["spec"].get("volumes", []) if "secret" in v}
    mounts = pod["spec"]["containers"][0].get("volumeMounts", [])
    if not any(m["name"] in secrets and tenants.startswith(m["mountPath"] + "/") for m in mounts):
        yield "UPSTREAM_TENANTS_FILE is not on a volume from a Secret"


def bridge_problems(
    deployment: Manifest, args: list[str], scaled: dict[str, Manifest]
) -> Iterator[str]:
    """One connection or one file: exactly one pod at any time, and its secret kept out of
    the arguments. It serves no HTTP, so no probes are asked of it."""
    spec, name = deployment["spec"], deployment["metadata"]["name"]
    yield from pod_problems(spec["template"]["spec"], probed=False)
    if spec.get("replicas", 1) != 1:
        yield "a bridge runs exactly one replica"
    if spec.get("strategy", {}).get("type") != "Recreate":
        yield "a bridge is replaced with the Recreate strategy (never two at once)"
    if name in scaled:
        yield "a bridge is never scaled (a ScaledObject targets it)"
    if any(arg.split("=")[0] in SECRET_FLAGS for arg in args):
        yield "a secret is passed as an argument (process lists show it)"
    variable = BRIDGE_SECRETS.get((args[0], args[1]) if len(args) > 1 else ("", ""))
    if variable is not None:
        env = {e["name"]: e for e in spec["template"]["spec"]["containers"][0].get("env", [])}
        if "secretKeyRef" not in env.get(variable, {}).get("valueFrom", {}):
            yield f"{variable} does not come from a Secret"


def scaling_problems(
    name: str, scaled: Manifest | None, prefix: str, settings: dict[str, str]
) -> Iterator[str]:
    if scaled is None:
        yield f"{name}: no ScaledObject scales it"
        return
    spec = scaled["spec"]
    partitions = int(settings.get(f"{prefix}_PARTITIONS", "3"))
    if spec.get("minReplicaCount", 0) < 1:
        yield f"{name}: minReplicaCount below 1 (scale to zero)"
    if spec.get("maxReplicaCount", 100) > partitions:
        yield f"{name}: maxReplicaCount above {prefix}_PARTITIONS ({partitions})"
    if "idleReplicaCount" in spec:
        yield f"{name}: idleReplicaCount scales it to zero"
    group = settings.get(f"{prefix}_GROUP_ID")
    named = {k: v for k, v in settings.items() if k.startswith(f"{prefix}_")}
    consumed = {topic for key, topic in named.items() if key.endswith("_TOPIC")}
    for trigger in spec["triggers"]:
        meta = trigger.get("metadata", {})
        where = f"{name}: trigger {trigger.get('name', trigger['type'])}"
        if trigger["type"] != "kafka" or meta.get("consumerGroup") != group:
            yield f"{where} does not watch the worker's group ({prefix}_GROUP_ID)"
        if meta.get("topic") not in consumed:
            yield f"{where} watches a topic the worker does not read"
        for key in ("scaleToZeroOnInvalidOffset", "allowIdleConsumers"):
            if meta.get(key) != "false":
                yield f'{where}: {key} must be "false"'


def alert_problems(
    rule: Manifest, workers: list[str], groups: list[str], deployments: list[str]
) -> Iterator[str]:
    """The lag alert watches every worker's group; the not-ready alert every Deployment (the
    gateway, the upstream edge and the bridges too); every other alert selects every worker
    of this release (by namespace and Service or Deployment name), so releases do not mix."""
    alerts = {a["alert"]: a["expr"] for g in rule["spec"]["groups"] for a in g["rules"]}
    for alert, expr in alerts.items():
        # PromQL string literals: "\\." in the text is the regex \.
        patterns = [p.replace("\\\\", "\\") for p in re.findall(r'=~"([^"]*)"', expr)]
        watched = {
            "MySessionsConsumerLagGrowing": groups,
            "MySessionsWorkerNotReady": deployments,
        }.get(alert, workers)
        for name in watched:
            if not any(re.fullmatch(pattern, name) for pattern in patterns):
                yield f"alert {alert}: does not select {name}"
        if alert != "MySessionsConsumerLagGrowing" and 'namespace="' not in expr:
            yield f"alert {alert}: not limited to the release's namespace"


def compose_problems(compose: Manifest) -> Iterator[str]:
    for name, service in compose["services"].items():
        command = service.get("command", [])
        if is_bridge(command):
            if not service.get("profiles"):
                yield f"{name}: a bridge is an optional profile (it needs a PBX or a file)"
            if any(arg.split("=")[0] in SECRET_FLAGS for arg in command):
                yield f"{name}: a secret is passed as an argument (process lists show it)"
            continue
        if command[:1] != ["run"]:
            continue
        env = service.get("environment", {})
        servers = {"gateway": "GATEWAY_PORT", "upstream": "UPSTREAM_PORT"}
        port = env.get(servers.get(command[1], "HEALTH_PORT"))
        test = " ".join(service.get("healthcheck", {}).get("test", []))
        if port is None or not re.search(rf"readyz_probe\.py {port}\b", test):
            yield f"{name}: its health check does not ask /readyz on the port it serves"
        prefix = command[1].upper()
        grace = float(env.get(f"{prefix}_STOP_GRACE_S", STOP_GRACE_DEFAULT_S))
        if is_worker(command) and _seconds(service.get("stop_grace_period")) <= grace:
            yield f"{name}: stop_grace_period not above {prefix}_STOP_GRACE_S"


def _seconds(duration: str | None) -> float:
    """Compose durations as used here: ``30s``, ``1m30s``; unset is Compose's 10 s."""
    if duration is None:
        return 10.0
    parts = re.findall(r"(\d+)([hms])", duration)
    return float(sum(int(n) * {"h": 3600, "m": 60, "s": 1}[unit] for n, unit in parts))


def main(what: str, path: str) -> int:
    text = Path(path).read_text()
    if what == "chart":
        problems = list(chart_problems([m for m in yaml.safe_load_all(text) if m]))
    else:
        problems = list(compose_problems(yaml.safe_load(text)))
    for problem in problems:
        print(f"deploy rules: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("chart", "compose"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
