#!/usr/bin/env bash
# Every test at every level, against the Codegen API simulator:
#   static checks (typecheck, lint) -> unit (mocha, Node) -> in-host (mocha inside a real VS Code,
#   code-server's extension host) -> end-to-end (the packaged .vsix in code-server, driven in Chromium).
# Installs what is missing first (Debian packages, Node 24 + code-server cached outside the clone).
# Ends with one line "N passed, N failed" counting every level; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/harness/tools.sh
# Counts go to a folder of this run's own, so a test started by hand meanwhile cannot change them.
export RESULTS_DIR=test-results/all
mkdir -p "$RESULTS_DIR"
rm -f "$RESULTS_DIR"/{unit,inhost,e2e}.json "$RESULTS_DIR"/forks/inhost.json

status=0
step() { echo; echo "=== $* ==="; }
count() { node -e 'try{const r=require(process.argv[1]);console.log((r.passes|0)+" "+(r.failures|0))}catch{console.log("0 1")}' "$PWD/$1"; }

step "tools"
ensure_system_packages || { echo "could not install Debian packages"; status=1; }
ensure_code_server || { echo "could not install code-server"; status=1; }
[ -d node_modules ] || npm ci --no-audit --no-fund

step "build"
npm run --silent build && npm run --silent compile-tests || status=1

step "static checks: typecheck and lint"
static_pass=0; static_fail=0
if npm run --silent typecheck; then static_pass=$((static_pass+1)); else static_fail=$((static_fail+1)); fi
if npm run --silent lint; then static_pass=$((static_pass+1)); else static_fail=$((static_fail+1)); fi

step "unit tests (mocha, plain Node, simulator on 127.0.0.1)"
MOCHA_RESULT_FILE=$RESULTS_DIR/unit.json npx mocha --reporter scripts/harness/count-reporter.js || status=1

step "in-host integration tests (mocha inside code-server's extension host)"
node scripts/harness/run-inhost.mjs || status=1

step "in-host again, as in a fork of VS Code: no chat, no multi-diff editor, tools and Accounts menu that throw"
RESULTS_DIR=$RESULTS_DIR/forks INHOST_WITHOUT='chat,lm:throw,accounts:throw,changes' node scripts/harness/run-inhost.mjs || status=1

step "package"
npm run --silent package || status=1
vsix=$(ls -t codegen-vscode-*.vsix 2>/dev/null | head -1)

step "end-to-end scenarios (installed .vsix in code-server, Chromium)"
node test/e2e/run.mjs "${vsix:-missing.vsix}" || status=1

read up uf <<<"$(count $RESULTS_DIR/unit.json)"
read ip if_ <<<"$(count $RESULTS_DIR/inhost.json)"
read fp ff <<<"$(count $RESULTS_DIR/forks/inhost.json)"
ip=$((ip + fp)); if_=$((if_ + ff))
read ep ef <<<"$(count $RESULTS_DIR/e2e.json)"
passed=$((static_pass + up + ip + ep)); failed=$((static_fail + uf + if_ + ef))
echo
echo "static: $static_pass passed, $static_fail failed | unit: $up passed, $uf failed | in-host: $ip passed, $if_ failed | e2e: $ep passed, $ef failed"
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
