// Runner module loaded by the extension host (through the in-host harness with
// INHOST_TESTS_PATH=out/test/benchHost/index) to measure activation where it happens: time spent in
// activate() as the extension measures it, and the wall time of activate() as a caller sees it.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'codegen-sh.codegen-vscode';

export async function run(): Promise<void> {
  const resultFile = process.env.TEST_RESULT_FILE ?? path.resolve(__dirname, '../../../test-results/activation.json');
  const extension = vscode.extensions.getExtension<{ testing?: { activationMs: number } }>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  if (extension.isActive) throw new Error('the extension was already active: activation cannot be measured');
  const started = performance.now();
  const exports = await extension.activate();
  const wallMs = performance.now() - started;
  const activationMs = exports.testing?.activationMs;
  if (typeof activationMs !== 'number') throw new Error('the extension did not report its activation time (CODEGEN_TEST_MODE unset?)');
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.writeFileSync(resultFile, JSON.stringify({ passes: 1, failures: 0, activationMs, wallMs, main: extension.packageJSON.main as string }));
}
