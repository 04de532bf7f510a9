#!/usr/bin/env bash
# axe-core for the page's accessibility test: the npm package, pinned, its integrity checked,
# unpacked into the git-ignored .cache/ (tests inject .cache/axe-core-<version>/axe.min.js).
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.14.1
AXE_INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
target=".cache/axe-core-$AXE_VERSION"
[[ -f $target/axe.min.js ]] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball="$work/axe-core-$AXE_VERSION.tgz"
echo "bootstrap: fetching axe-core $AXE_VERSION (npm registry)"
if command -v npm >/dev/null; then
    (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
else
    python3 - "$tarball" "$AXE_VERSION" <<'PY'
import sys, urllib.request
out, version = sys.argv[1], sys.argv[2]
url = f"https://registry.npmjs.org/axe-core/-/axe-core-{version}.tgz"
with urllib.request.urlopen(url, timeout=60) as answer, open(out, "wb") as file:
    file.write(answer.read())
PY
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ $actual != "$AXE_INTEGRITY" ]]; then
    echo "bootstrap: axe-core $AXE_VERSION failed its integrity check ($actual)" >&2
    exit 1
fi
mkdir -p "$work/unpacked" "$target"
tar -xzf "$tarball" -C "$work/unpacked" package/axe.min.js package/LICENSE
mv "$work/unpacked/package/axe.min.js" "$work/unpacked/package/LICENSE" "$target/"
