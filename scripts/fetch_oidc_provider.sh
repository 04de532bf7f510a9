#!/usr/bin/env bash
# The OpenID provider of the page's sign-in tests: panva's oidc-provider from the npm
# registry, exactly as tests/oidc/package-lock.json pins it (versions and integrity), installed
# with `npm ci` into the git-ignored .cache/oidc-provider/. Skipped when the installed copy
# was made from the same package.json and lock (a stamp holds their hash).
set -euo pipefail
cd "$(dirname "$0")/.."

target=.cache/oidc-provider
wanted=$(cat tests/oidc/package.json tests/oidc/package-lock.json | sha256sum | cut -d' ' -f1)
[[ -f $target/stamp && $(<"$target/stamp") == "$wanted" ]] && exit 0

# oidc-provider 9 runs on Node.js 20.19 or later (jose 6 needs require(esm)).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "bootstrap: node and npm (Node.js 20.19+) are needed for the sign-in tests' provider" >&2
    exit 1
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
              process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "bootstrap: Node.js $(node --version) is too old for oidc-provider 9 (20.19+)" >&2
    exit 1
fi

echo "bootstrap: installing the test OpenID provider (npm ci, oidc-provider)"
started=$SECONDS
rm -rf "$target"
mkdir -p "$target"
cp tests/oidc/package.json tests/oidc/package-lock.json "$target/"
(cd "$target" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
echo "$wanted" >"$target/stamp"
echo "bootstrap: test OpenID provider installed in $((SECONDS - started))s"
