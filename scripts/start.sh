#!/usr/bin/env bash
# Sets up and runs the extension in a real VS Code (code-server on 127.0.0.1, opened in your browser)
# against the Codegen API simulator, or against the real service with --real.
#   npm start                 simulator; token: test-token
#   npm start -- --real       the real API (https://api.codegen.com); set your token in the editor
#   npm start -- --real --api-url https://staging.example
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/harness/tools.sh
ensure_system_packages
ensure_code_server
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent compile-tests
npm run --silent package >/dev/null
exec node scripts/start.mjs "$@"
