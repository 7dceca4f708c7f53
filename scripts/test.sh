#!/usr/bin/env bash
# The test command: installs what is missing, starts PostgreSQL and Kafka (the real ones, no
# Docker), checks the AsyncAPI document, lint and types, then runs the whole suite.
# Extra arguments go to pytest (e.g. `-m "not integration"`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh
bash scripts/test-tools.sh
bash scripts/console-tools.sh >/dev/null
command -v uv >/dev/null 2>&1 || export PATH="$PWD/.tools/uv/bin:$PATH"
bash infra/postgres/postgres.sh start
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    bash infra/kafka/kafka.sh start
fi
uv run voorportaal asyncapi --check
uv run ruff check --quiet .
uv run mypy contracts/src kit/src src services/*/src frontends/buddy/buddy frontends/portal/portal
exec uv run pytest "$@"
