// The HTML shell of the run details webview: a strict nonce CSP, the bundled script and stylesheet
// from dist/ and media/ only, and nothing from the service (the page fills itself from messages).
import { randomBytes } from 'node:crypto';

export interface ShellResources {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri(dist/webview.js), as a string. */
  scriptUri: string;
  /** asWebviewUri(media/webview.css), as a string. */
  styleUri: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function buildShellHtml(runId: number, resources: ShellResources, nonce: string = createNonce()): string {
  const csp = contentSecurityPolicy(resources.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(resources.styleUri)}">
<title>Codegen run #${runId}</title>
</head>
<body>
<div id="app" data-run-id="${runId}"></div>
<script nonce="${nonce}" src="${escapeAttribute(resources.scriptUri)}"></script>
</body>
</html>`;
}
