// Entry of the run details webview bundle (dist/webview.js, an IIFE loaded with the page's nonce).

import { RunDetailsApp, type WebviewHost } from './app';

declare function acquireVsCodeApi(): WebviewHost;

const root = document.getElementById('app');
const runId = Number(root?.dataset.runId);
if (root && Number.isSafeInteger(runId) && runId > 0) {
  const app = new RunDetailsApp(root, acquireVsCodeApi(), { window, runId });
  window.addEventListener('message', (event: MessageEvent) => app.handleMessage(event.data));
  app.start();
}
