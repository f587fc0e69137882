// In-host test runner, loaded by the VS Code extension host through extensionTestsPath. Same contract as
// @vscode/test-electron: export run(): Promise<void>; a rejection makes the host exit with code 1.
// It also writes a JSON result (TEST_RESULT_FILE) so the harness can count passes and failures.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

interface TestEvent {
  title: string;
  state: string | undefined;
  error?: string;
}

export function run(): Promise<void> {
  const resultFile = process.env.TEST_RESULT_FILE ?? path.resolve(__dirname, '../../../test-results/inhost.json');
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec' });
  const grep = process.env.INHOST_GREP;
  if (grep) mocha.grep(grep);
  // The second pass (an editor without some of the API, CODEGEN_TEST_WITHOUT) runs the forks/ suite only.
  const folder = process.env.CODEGEN_TEST_WITHOUT ? path.join(__dirname, 'forks') : __dirname;
  for (const file of fs.readdirSync(folder).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(folder, file));
  }
  const events: TestEvent[] = [];
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passes = events.filter((e) => e.state === 'passed').length;
        fs.writeFileSync(resultFile, JSON.stringify({ passes, failures, tests: events }, null, 2));
        if (failures > 0) reject(new Error(`${failures} in-host tests failed.`));
        else resolve();
      });
      runner.on('test end', (test) => events.push({ title: test.fullTitle(), state: test.state }));
      runner.on('fail', (test, error: Error) => {
        const known = events.find((e) => e.title === test.fullTitle());
        if (known) known.error = String(error?.message);
        else events.push({ title: test.fullTitle(), state: 'failed', error: String(error?.message) });
      });
    } catch (error) {
      fs.writeFileSync(resultFile, JSON.stringify({ passes: 0, failures: 1, error: String(error) }));
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
