#!/usr/bin/env bash
# Install what the project needs on a fresh machine: uv and the locked Python environment.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
    echo "bootstrap: installing uv from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check uv 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check --user uv
    hash -r
    command -v uv >/dev/null 2>&1 || export PATH="$HOME/.local/bin:$PATH"
fi
# --frozen: install exactly what uv.lock says; a lockfile out of date with pyproject fails.
uv sync --all-packages --frozen --quiet
