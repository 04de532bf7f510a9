"""The deploy files' rules that no schema can see, checked on what is deployed: the chart as
rendered (``helm template``) and the compose file. Each broken rule is printed; exit 1.

    python scripts/deploy_rules.py chart RENDERED.yaml
    python scripts/deploy_rules.py compose deploy/compose.yaml

Chart: every worker scales on its own group's lag without scaling to zero or past its
topics' partitions; every process is probed on /healthz and /readyz of a port it declares,
runs as non-root with resource requests, is covered by a PodDisruptionBudget, and a worker is
given longer to stop than its own stop grace; the alerts select every worker of the release
(the lag alert, every worker's group). Compose: every process's health check asks
/readyz on the port it serves, and it is given longer to stop than its grace.
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]
STOP_GRACE_DEFAULT_S = 20.0  # the workers' own default (<WORKER>_STOP_GRACE_S)


def chart_problems(manifests: list[Manifest]) -> Iterator[str]:
    by_kind: dict[str, list[Manifest]] = {}
    for manifest in manifests:
        by_kind.setdefault(manifest["kind"], []).append(manifest)
    settings = {k: str(v) for m in by_kind.get("ConfigMap", []) for k, v in m["data"].items()}
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in by_kind.get("ScaledObject", [])}
    budgets = [p["spec"]["selector"]["matchLabels"] for p in by_kind.get("PodDisruptionBudget", [])]
    for deployment in by_kind.get("Deployment", []):
        name, pod = deployment["metadata"]["name"], deployment["spec"]["template"]
        yield from (f"{name}: {problem}" for problem in pod_problems(pod["spec"]))
        labels = pod["metadata"]["labels"]
        if not any(selector.items() <= labels.items() for selector in budgets):
            yield f"{name}: no PodDisruptionBudget selects its pods"
        args = pod["spec"]["containers"][0].get("args", [])
        if args[:1] != ["run"] or args[1:] == ["gateway"]:
            continue
        prefix = args[1].upper()
        grace = float(settings.get(f"{prefix}_STOP_GRACE_S", STOP_GRACE_DEFAULT_S))
        if pod["spec"].get("terminationGracePeriodSeconds", 30) <= grace:
            yield f"{name}: terminationGracePeriodSeconds not above {prefix}_STOP_GRACE_S"
        if by_kind.get("ScaledObject"):
            yield from scaling_problems(name, scaled.get(name), prefix, settings)
        elif deployment["spec"].get("replicas", 1) < 1:
            yield f"{name}: no replicas"
    workers = [
        d["metadata"]["name"]
        for d in by_kind.get("Deployment", [])
        if d["spec"]["template"]["spec"]["containers"][0].get("args", [])[1:] != ["gateway"]
    ]
    groups = [v for k, v in settings.items() if k.endswith("_GROUP_ID")]
    for rule in by_kind.get("PrometheusRule", []):
        yield from alert_problems(rule, workers, groups)


def pod_problems(pod: Manifest) -> Iterator[str]:
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        yield "runAsNonRoot is not set"
    for container in pod["containers"]:
        ports = {port["name"] for port in container.get("ports", [])}
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = container.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or get.get("port") not in ports:
                yield f"{probe} does not ask {path} on a port the container declares"
        if not container.get("resources", {}).get("requests"):
            yield "no resource requests"


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


def alert_problems(rule: Manifest, workers: list[str], groups: list[str]) -> Iterator[str]:
    """The lag alert watches every worker's group; every other alert selects every worker of
    this release (by namespace and Service or Deployment name), so releases do not mix."""
    alerts = {a["alert"]: a["expr"] for g in rule["spec"]["groups"] for a in g["rules"]}
    for alert, expr in alerts.items():
        # PromQL string literals: "\\." in the text is the regex \.
        patterns = [p.replace("\\\\", "\\") for p in re.findall(r'=~"([^"]*)"', expr)]
        watched = groups if alert == "MySessionsConsumerLagGrowing" else workers
        for name in watched:
            if not any(re.fullmatch(pattern, name) for pattern in patterns):
                yield f"alert {alert}: does not select {name}"
        if alert != "MySessionsConsumerLagGrowing" and 'namespace="' not in expr:
            yield f"alert {alert}: not limited to the release's namespace"


def compose_problems(compose: Manifest) -> Iterator[str]:
    for name, service in compose["services"].items():
        command = service.get("command", [])
        if command[:1] != ["run"]:
            continue
        env = service.get("environment", {})
        port = env.get("GATEWAY_PORT" if command[1:] == ["gateway"] else "HEALTH_PORT")
        test = " ".join(service.get("healthcheck", {}).get("test", []))
        if port is None or not re.search(rf"readyz_probe\.py {port}\b", test):
            yield f"{name}: its health check does not ask /readyz on the port it serves"
        prefix = command[1].upper()
        grace = float(env.get(f"{prefix}_STOP_GRACE_S", STOP_GRACE_DEFAULT_S))
        if command[1:] != ["gateway"] and _seconds(service.get("stop_grace_period")) <= grace:
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
