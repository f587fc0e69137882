// One rate governor per API base URL, their waits relayed to one event, all shut down together.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RateWaitEvent } from '../../src/api/rateGovernor';
import { RateGovernors } from '../../src/api/rateGovernors';
import { FakeClock, systemClock } from '../../src/util/clock';

describe('rate governors per API base URL', () => {
  it('gives one governor per base URL, relays every wait, and shuts them all down', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const governors = new RateGovernors({ ledgerRoot: undefined, clock, onListenerError: (e) => errors.push(e) });
    const a = governors.for('https://api.codegen.com');
    assert.equal(governors.for('https://api.codegen.com'), a, 'the same service shares one budget');
    const b = governors.for('http://127.0.0.1:8787');
    assert.notEqual(b, a, 'another service has its own');
    const waits: RateWaitEvent[] = [];
    governors.onDidWait((event) => waits.push(event));
    const waited = b.waitBackoff('standard', 2_000);
    await clock.advance(2_000);
    await waited;
    assert.deepEqual(waits, [{ rateClass: 'standard', waitMs: 2_000, reason: 'backoff' }]);
    governors.dispose();
    await assert.rejects(a.acquire('standard'), 'a governor after shutdown takes no request');
    assert.deepEqual(errors, []);
  });

  it("shares each service's logs budget through a ledger folder of its own, when storage is on disk", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-governors-'));
    try {
      const governors = new RateGovernors({ ledgerRoot: root, clock: systemClock, onListenerError: () => undefined });
      (await governors.for('https://api.codegen.com').acquire('logs')).complete();
      (await governors.for('http://127.0.0.1:8787').acquire('logs')).complete();
      for (let i = 0; i < 50 && fs.readdirSync(root).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(fs.readdirSync(root).sort(), ['127.0.0.1_8787', 'api.codegen.com']);
      governors.dispose();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
