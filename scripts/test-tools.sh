#!/usr/bin/env bash
# Tools the tests use that are not Python packages: Debian's kcat (an agency's own Kafka
# client, to prove the topics work for clients that are not ours). Installed when missing.
set -euo pipefail

as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v kcat >/dev/null 2>&1; then
    command -v apt-get >/dev/null || { echo "test-tools: install kcat yourself" >&2; exit 1; }
    echo "test-tools: installing kcat with apt-get"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q kcat >/dev/null \
        || { as_root apt-get update -q >/dev/null \
             && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q kcat >/dev/null; }
fi
