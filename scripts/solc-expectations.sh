#!/usr/bin/env bash
# scripts/solc-expectations.sh - writes the reference results (`expect`, `reference`) of
# `trainchain exec --script` files from solc 0.8.26 and @ethereumjs/evm (docs/scripting.md).
# Installs the generator's pinned npm packages (npm ci) on first use, which needs node >= 20
# and the npm registry; the files it writes are committed, so tests need neither.
# Usage: scripts/solc-expectations.sh SCRIPT.json [SCRIPT.json...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/solc-expectations" && pwd)
command -v node >/dev/null || { echo "solc-expectations: error: node (>= 20) is not installed" >&2; exit 2; }
if [ ! -d "$here/node_modules" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >&2)
fi
exec node "$here/generate.mjs" "$@"
