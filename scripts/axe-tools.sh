#!/usr/bin/env bash
# axe-core (Deque's accessibility engine) for the portal's accessibility scan: taken from the
# npm registry at a pinned version into .tools/axe (never a CDN), and injected by the browser
# tests into each portal page in Chromium. Idempotent and quiet when it is there. Prints the
# path of axe.min.js on its last line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

AXE_VERSION="4.14.1"  # bump on purpose: a new version brings new rules and may fail pages
AXE_DIR="$PWD/.tools/axe"
AXE_JS="$AXE_DIR/node_modules/axe-core/axe.min.js"

installed() {
    [[ -f "$AXE_JS" ]] && grep -q "\"version\": \"$AXE_VERSION\"" \
        "$AXE_DIR/node_modules/axe-core/package.json" 2>/dev/null
}

if ! installed; then
    command -v npm >/dev/null || { echo "axe-tools: npm is needed to fetch axe-core" >&2; exit 1; }
    echo "axe-tools: installing axe-core $AXE_VERSION from the npm registry into .tools/axe" >&2
    mkdir -p "$AXE_DIR"
    npm install --prefix "$AXE_DIR" --no-audit --no-fund --loglevel=error --save-exact \
        "axe-core@$AXE_VERSION" >&2
fi
echo "$AXE_JS"
