#!/usr/bin/env bash
# Runs the benchmarks on the Node that n8n 2.41.1 runs on (Node 24, from the end-to-end tests' runtime cache,
# installed on first use), not on the machine's Node 20: memory and load time depend on the V8 that runs them.
# Usage: bash test/bench/on-n8n-node.sh [section ...]   (npm run bench -- memory)
set -euo pipefail
cd "$(dirname "$0")/../.."
N8N_HOME=$(bash test/e2e/install-n8n.sh)
export PATH="$N8N_HOME/node_modules/node/bin:$PATH"
exec node node_modules/tsx/dist/cli.mjs test/bench/run.cts "$@"
