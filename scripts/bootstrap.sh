#!/usr/bin/env bash
# Install what the project needs on a fresh machine: uv and the locked Python environment.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1 && [[ ! -x .tools/uv/bin/uv ]]; then
    echo "bootstrap: installing uv from PyPI into .tools/uv" >&2
    # A private virtualenv: works where the system Python refuses pip installs (PEP 668).
    if ! python3 -m venv .tools/uv 2>/dev/null; then
        if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null \
                || { apt-get update -q >/dev/null \
                     && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null; }
        fi
        python3 -m venv .tools/uv
    fi
    .tools/uv/bin/python -m pip install --quiet --disable-pip-version-check uv
fi
command -v uv >/dev/null 2>&1 || export PATH="$PWD/.tools/uv/bin:$PATH"
# --frozen: install exactly what uv.lock says; a lockfile out of date with pyproject fails.
uv sync --all-packages --frozen --quiet
