#!/usr/bin/env bash
# Validates the deploy files as far as a machine without a Docker engine or a cluster can:
#   - deploy/Dockerfile with hadolint;
#   - deploy/compose.yaml against the Compose Specification's JSON schema;
#   - the Helm chart with `helm lint --strict`, then rendered (`helm template`) with each
#     deploy/helm/mysessions/ci/*-values.yaml and checked by kubeconform, strict, against the
#     Kubernetes and CRD (KEDA ScaledObject, ServiceMonitor, PrometheusRule) schemas in
#     deploy/schemas/;
#   - the rules no schema sees (scripts/deploy_rules.py) on the rendered chart and compose file.
# No network: the schemas are in the repository, helm and kubeconform are built once into the
# cache by scripts/fetch_deploy_tools.sh, hadolint and check-jsonschema are dev dependencies.
#
#   bash scripts/check_deploy.sh                     the deploy files
#   bash scripts/check_deploy.sh --deploy-dir DIR [STAGES]   another copy of deploy/ (stages:
#                                                    "dockerfile compose chart", the default)
#   bash scripts/check_deploy.sh --prove-it-fails    breaks copies, one way each: all refused
set -euo pipefail
cd "$(dirname "$0")/.."

# The venv's own programs once it exists (scripts/bootstrap.sh syncs it): `uv run` costs
# 0.1 CPU-s a call, and the failure proofs make about a hundred of them.
tool() {
    local name=$1
    shift
    if [[ -x ".venv/bin/$name" ]]; then
        ".venv/bin/$name" "$@"
    else
        uv run "$name" "$@"
    fi
}

KUBERNETES_VERSION=1.32.2
deploy=deploy
mode=check
stages="dockerfile compose chart"
case ${1:-} in
    --deploy-dir)
        deploy=${2:?--deploy-dir needs a folder}
        # Only the stage that reads the one file a breakage changed (the others read copies
        # of files the plain check passed): --deploy-dir DIR STAGE.
        stages=${3:-$stages}
        ;;
    --prove-it-fails) mode=prove ;;
    "") ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac

bash scripts/fetch_deploy_tools.sh
bin="${MYSESSIONS_CACHE_DIR:-$PWD/.cache}/bin"

check() {
    local chart="$deploy/helm/mysessions" work
    work=$(mktemp -d)
    trap 'rm -rf "$work"' RETURN

    if [[ " $stages " == *" dockerfile "* ]]; then
        echo "check_deploy: $deploy/Dockerfile (hadolint)"
        tool hadolint --no-color "$deploy/Dockerfile"
    fi

    if [[ " $stages " == *" compose "* ]]; then
        echo "check_deploy: $deploy/compose.yaml (Compose schema, rules)"
        tool check-jsonschema --schemafile "$deploy/schemas/compose/compose-spec.json" \
            "$deploy/compose.yaml"
        tool python scripts/deploy_rules.py compose "$deploy/compose.yaml"
    fi

    [[ " $stages " == *" chart "* ]] || return 0
    echo "check_deploy: $chart (helm lint)"
    "$bin/helm" lint --strict --quiet "$chart" -f "$chart/ci/production-values.yaml" \
        --kube-version "$KUBERNETES_VERSION"

    local values rendered
    for values in "$chart"/ci/*-values.yaml; do
        echo "check_deploy: $chart with $(basename "$values") (helm template, kubeconform, rules)"
        rendered="$work/$(basename "$values" .yaml).rendered.yaml"
        "$bin/helm" template mysessions "$chart" -f "$values" \
            --kube-version "$KUBERNETES_VERSION" >"$rendered"
        # No -ignore-missing-schemas: a kind without a schema here is an error, not a pass.
        "$bin/kubeconform" -strict -summary -kubernetes-version "$KUBERNETES_VERSION" \
            -schema-location "$deploy/schemas/kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
            -schema-location "$deploy/schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
            "$rendered"
        tool python scripts/deploy_rules.py chart "$rendered"
    done
    echo "check_deploy: all deploy files valid"
}

# Each breakage: a name, a file under deploy/, a Python expression turning its text into the
# broken text. Every one must make the check fail, or the check proves nothing.
breakages=(
    "Dockerfile runs as root|Dockerfile|text.replace('USER 10001:10001', 'USER root')"
    "compose key misspelt|compose.yaml|text.replace('  healthcheck:', '  healthchek:', 1)"
    "compose health check off /readyz|compose.yaml|text.replace('readyz_probe.py\", \"9180', 'readyz_probe.py\", \"9999', 1)"
    "Deployment field misspelt|helm/mysessions/templates/_pod.tpl|text.replace('readinessProbe:', 'readynessProbe:')"
    "ScaledObject field misspelt|helm/mysessions/templates/scaledobjects.yaml|text.replace('maxReplicaCount:', 'maxReplicas:')"
    "PrometheusRule field misspelt|helm/mysessions/templates/prometheusrule.yaml|text.replace('- alert: MySessionsDeadLetters', '- alrt: MySessionsDeadLetters')"
    "the lag alert missing a worker's group|helm/mysessions/templates/prometheusrule.yaml|text.replace('(regexQuoteMeta \$worker.groupId)', '\"ingest\"')"
    "a worker allowed to scale to zero|helm/mysessions/values.yaml|text.replace('minReplicas: 1', 'minReplicas: 0', 1)"
    "replicas above the partitions|helm/mysessions/values.yaml|text.replace('maxReplicas: null', 'maxReplicas: 12', 1)"
    "scale to zero on a group without offsets|helm/mysessions/templates/scaledobjects.yaml|text.replace('scaleToZeroOnInvalidOffset: \"false\"', 'scaleToZeroOnInvalidOffset: \"true\"')"
    "Kubernetes grace not above the stop grace|helm/mysessions/templates/deployment-workers.yaml|text.replace('stopGraceSeconds 15', 'stopGraceSeconds 0')"
    "upstream edge without probes (no port)|helm/mysessions/templates/deployment-upstream.yaml|text.replace('\"port\" (dict \"name\" \"edge\" \"number\" \$upstream.port)', '')"
    "upstream tenants file not from its Secret|helm/mysessions/templates/configmap.yaml|text.replace('UPSTREAM_TENANTS_FILE: /etc/mysessions/upstream/', 'UPSTREAM_TENANTS_FILE: /tmp/')"
    "upstream edge without a PodDisruptionBudget|helm/mysessions/templates/poddisruptionbudgets.yaml|text.replace('append \$components \"upstream\"', 'append \$components \"upstream-none\"')"
    "upstream edge without a NetworkPolicy|helm/mysessions/templates/networkpolicies-edges.yaml|text.replace('set \$edges \"upstream\"', 'set \$edges \"upstream-none\"')"
    "a bridge with two replicas|helm/mysessions/templates/deployment-bridges.yaml|text.replace('replicas: 1', 'replicas: 2')"
    "a bridge rolled, not recreated|helm/mysessions/templates/deployment-bridges.yaml|text.replace('type: Recreate', 'type: RollingUpdate')"
    "the AMI secret as an argument|helm/mysessions/templates/deployment-bridges.yaml|text.replace('\"--key-prefix\" \$root.Values.keyPrefix', '\"--key-prefix\" \$root.Values.keyPrefix \"--secret\" \"s3cret\"')"
    "the ESL password not from a Secret|helm/mysessions/templates/deployment-bridges.yaml|text.replace('\"name\" \"FREESWITCH_ESL_PASSWORD\"', '\"name\" \"FREESWITCH_ESL_PASSWORD_UNUSED\"')"
    "the not-ready alert missing the bridges|helm/mysessions/templates/prometheusrule.yaml|text.replace('{{ \$deployed = append \$deployed \$name }}', '')"
    "the servers' Secret given to the upstream edge|helm/mysessions/templates/deployment-upstream.yaml|text.replace('\"kafkaOnly\" true', '\"kafkaOnly\" false')"
    "compose upstream health check off its port|compose.yaml|text.replace('readyz_probe.py\", \"8090', 'readyz_probe.py\", \"9180')"
    "compose bridge outside a profile|compose.yaml|text.replace('    profiles: [ami]\n', '')"
    "compose bridge secret in its command|compose.yaml|text.replace('      - --username=', '      - --secret=\${AMI_SECRET:-}\n      - --username=')"
)

# The stage that reads a file under deploy/.
stage_of() {
    case $1 in
        Dockerfile) echo dockerfile ;;
        compose.yaml) echo compose ;;
        *) echo chart ;;
    esac
}

# One breakage on its own copy; prints its verdict, fails when it was NOT refused.
prove_one() {
    local name=$1 file=$2 change=$3 copy log
    copy=$(mktemp -d)
    cp -r deploy/. "$copy"
    tool python -c "import pathlib, sys
path = pathlib.Path(sys.argv[1]); text = path.read_text(); broken = $change
sys.exit('unchanged: the breakage no longer applies') if broken == text else path.write_text(broken)" \
        "$copy/$file"
    log="$copy.log"
    if bash "$0" --deploy-dir "$copy" "$(stage_of "$file")" >"$log" 2>&1; then
        echo "check_deploy: NOT refused: $name" >&2
        rm -rf "$copy" "$log"
        return 1
    fi
    # Its last words: the check stops at the first stage that refuses.
    { echo "check_deploy: refused as it should be: $name"
      grep -Ev '^(check_deploy: |ok -- |Summary: .* Invalid: 0, Errors: 0)|^\s*$' "$log" |
          tail -n 2 | sed -E 's/problem validating schema.* - at /at /' | cut -c1-300 |
          sed 's/^/    /'; } >"$copy.verdict"
    cat "$copy.verdict"
    rm -rf "$copy" "$log" "$copy.verdict"
}

prove() {
    local failures=0 breakage name file change pids=() pid
    # Two at a time (the machine's two cores), each verdict printed whole.
    for breakage in "${breakages[@]}"; do
        IFS='|' read -r name file change <<<"$breakage"
        prove_one "$name" "$file" "$change" &
        pids+=($!)
        if ((${#pids[@]} >= 2)); then
            wait "${pids[0]}" || failures=$((failures + 1))
            pids=("${pids[@]:1}")
        fi
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failures=$((failures + 1))
    done
    if ((failures)); then
        echo "check_deploy: $failures breakage(s) passed the check" >&2
        exit 1
    fi
    echo "check_deploy: every breakage refused (${#breakages[@]})"
}

if [[ $mode == prove ]]; then prove; else check; fi
