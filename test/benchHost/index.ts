// Runner module loaded by the extension host (through the in-host harness with
// INHOST_TESTS_PATH=out/test/benchHost/index) to measure activation where it happens: time spent in
// activate() as the extension measures it, what activation read (global state and secret keys) and the
// timers waiting once it settled; and, when this runner is first to ask for the extension, the wall time of
// activate() as a caller sees it. The extension activates at onStartupFinished, so it is usually active
// already when this runs: then there is no wall time to take.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/testHooks';

const EXTENSION_ID = 'codegen-sh.codegen-vscode';

export async function run(): Promise<void> {
  const resultFile = process.env.TEST_RESULT_FILE ?? path.resolve(__dirname, '../../../test-results/activation.json');
  const extension = vscode.extensions.getExtension<{ testing?: TestHooks }>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  const wasActive = extension.isActive;
  const started = performance.now();
  const exports = await extension.activate();
  const wallMs = wasActive ? undefined : performance.now() - started;
  const testing = exports.testing;
  if (!testing || typeof testing.activationMs !== 'number') throw new Error('the extension did not report its activation time (CODEGEN_TEST_MODE unset?)');
  const startup = await testing.startup();
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.writeFileSync(resultFile, JSON.stringify({ passes: 1, failures: 0, activationMs: testing.activationMs, wallMs, reads: startup.reads, pendingTimers: startup.pendingTimers, main: extension.packageJSON.main as string }));
}
