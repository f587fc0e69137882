// Mocha reporter: the spec reporter's output, plus a JSON count file (MOCHA_RESULT_FILE) for the
// harness's one closing line that counts every level.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = process.env.MOCHA_RESULT_FILE || 'test-results/unit.json';
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats || this.stats;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
    });
  }
}
module.exports = CountReporter;
