// The in-host suite on desktop VS Code, for contributors whose machine can download it
// (`npm run test:desktop`). CI cannot download VS Code and runs the same runner module inside
// code-server instead (scripts/harness/run-inhost.mjs).
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const workspace = path.join(root, 'test/fixtures/workspace');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out/test/integration/index'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { CODEGEN_TEST_MODE: '1', TEST_RESULT_FILE: path.join(root, 'test-results/inhost-desktop.json') },
    });
  } catch (error) {
    console.error('Desktop in-host tests failed:', error);
    process.exit(1);
  }
}

void main();
