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
export VOORPORTAAL_PORTAL_PORT="${VOORPORTAAL_PORTAL_PORT:-3001}"
app=portal build=portal-build port="$VOORPORTAAL_PORTAL_PORT" host="${VOORPORTAAL_PORTAL_HOST:-127.0.0.1}"
# shellcheck source=scripts/reflex-app.sh
source "$(dirname "${BASH_SOURCE[0]}")/reflex-app.sh"
