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
#   VOORPORTAAL_NOTIFY_URL        notify API, the contact-load meter (http://127.0.0.1:8004)
set -euo pipefail
export VOORPORTAAL_CONSOLE_PORT="${VOORPORTAAL_CONSOLE_PORT:-3000}"
app=buddy build=console-build port="$VOORPORTAAL_CONSOLE_PORT" host="${VOORPORTAAL_CONSOLE_HOST:-127.0.0.1}"
# shellcheck source=scripts/reflex-app.sh
source "$(dirname "${BASH_SOURCE[0]}")/reflex-app.sh"
