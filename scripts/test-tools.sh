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

# kubeconform and kustomize (Go modules) build and validate infra/k8s/ against the schemas in
# infra/k8s/schemas/; promtool (Debian's prometheus package) checks infra/observability/.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_tool() {  # go_tool NAME MODULE@VERSION
    [[ -x "$repo/.tools/bin/$1" ]] && return
    command -v go >/dev/null || { echo "test-tools: install Go to build $1" >&2; exit 1; }
    echo "test-tools: installing $1 ($2) with go install"
    GOBIN="$repo/.tools/bin" go install "$2"
}
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5@v5.8.1
if ! command -v promtool >/dev/null 2>&1; then
    command -v apt-get >/dev/null || { echo "test-tools: install promtool yourself" >&2; exit 1; }
    echo "test-tools: installing promtool (prometheus) with apt-get"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends prometheus >/dev/null \
        || { as_root apt-get update -q >/dev/null \
             && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends prometheus >/dev/null; }
fi
