#!/usr/bin/env bash
# Fresh-machine setup, safe to run again: system packages the servers need, uv, the venv.
# Java 17+, Maven, Go and Node.js 20.19+ (the sign-in tests' OpenID provider) are expected
# on the machine; this only checks for them.
# `--python-only`: uv and the venv alone, for tests that need no server (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

python_environment() {
    if ! command -v uv >/dev/null; then
        echo "bootstrap: installing uv (pip)"
        # A distribution's own Python refuses plain pip installs (PEP 668); uv is one static tool.
        python3 -m pip install --quiet uv 2>/dev/null ||
            python3 -m pip install --quiet --break-system-packages uv
        command -v uv >/dev/null || export PATH="$HOME/.local/bin:$PATH"
    fi
    UV_PYTHON_DOWNLOADS=never uv sync --frozen --quiet
}

if [[ ${1:-} == --python-only ]]; then
    python_environment
    exit 0
fi

missing=()
command -v java >/dev/null || missing+=("java (a Java 17+ runtime, for Kafka)")
command -v mvn >/dev/null || missing+=("mvn (Maven 3.8+, fetches the Kafka jars)")
command -v go >/dev/null || missing+=("go (Go 1.24+, builds FerretDB)")
command -v npm >/dev/null || missing+=("node and npm (Node.js 20.19+, the sign-in tests' OpenID provider)")
if ((${#missing[@]})); then
    printf 'bootstrap: missing tools:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi

# Debian packages: redis-server for the local Redis, postgresql for the local FerretDB's
# storage (a private cluster `infra up` makes in .cache), chromium for the page's browser
# tests (Playwright drives Debian's Chromium; no browser download).
apt_packages=()
command -v redis-server >/dev/null || apt_packages+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || apt_packages+=(postgresql)
[[ -x /usr/bin/chromium ]] || apt_packages+=(chromium)
if ((${#apt_packages[@]})); then
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    echo "bootstrap: installing ${apt_packages[*]} (apt-get)"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

bash scripts/fetch_axe.sh
bash scripts/fetch_oidc_provider.sh

python_environment
