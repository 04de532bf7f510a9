#!/usr/bin/env bash
# helm and kubeconform for scripts/check_deploy.sh: built from the Go module proxy at pinned
# versions into the git-ignored cache (.cache/bin, or $MYSESSIONS_CACHE_DIR/bin), each with a
# version stamp, so a rerun builds nothing. Neither tool ships a PyPI or Debian package this
# project could pin, and download sites are out of reach; the Go module proxy is. Both
# declare Go 1.26: an older go command fetches that toolchain from the proxy itself.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_MODULE=helm.sh/helm/v4
HELM_VERSION=v4.3.2
KUBECONFORM_MODULE=github.com/yannh/kubeconform
KUBECONFORM_VERSION=v0.8.0

cache=${MYSESSIONS_CACHE_DIR:-$PWD/.cache}
bin="$cache/bin"
mkdir -p "$bin"

build() {
    local name=$1 package=$2 version=$3
    local stamp="$bin/$name.version"
    if [[ -x $bin/$name && -f $stamp && $(<"$stamp") == "$version" ]]; then
        return
    fi
    if ! command -v go >/dev/null; then
        echo "fetch_deploy_tools: go is needed to build $name" >&2
        exit 1
    fi
    echo "fetch_deploy_tools: building $name $version (Go module proxy)"
    local started=$SECONDS partial
    # Into a folder of its own first: an interrupted build never leaves a binary that the
    # stamp would vouch for.
    partial=$(mktemp -d "$bin/.partial-XXXXXX")
    trap 'rm -rf "$partial"' RETURN
    # CGO off: both are pure Go, and a static binary needs no C toolchain on the machine.
    CGO_ENABLED=0 GOBIN="$partial" GOFLAGS=-buildvcs=false \
        go install -trimpath "$package@$version"
    mv "$partial/$name" "$bin/$name"
    echo "$version" >"$stamp"
    echo "fetch_deploy_tools: $name $version built in $((SECONDS - started))s"
}

build helm "$HELM_MODULE/cmd/helm" "$HELM_VERSION"
build kubeconform "$KUBECONFORM_MODULE/cmd/kubeconform" "$KUBECONFORM_VERSION"
