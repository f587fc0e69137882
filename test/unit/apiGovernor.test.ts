import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SharedRateLedger } from '../../src/api/sharedRateLedger';
import { removeDir, tempDir } from './runsHarness';
import { isApiError } from '../../src/api/errors';
import { RateGovernor, type RateWaitEvent } from '../../src/api/rateGovernor';
import { FakeClock } from '../../src/util/clock';

/** Tracks which of several promises have settled, in order. */
function track<T>(promises: Promise<T>[]): { settled: number[] } {
  const state = { settled: [] as number[] };
  promises.forEach((promise, index) => {
    promise.then(
      () => state.settled.push(index),
      () => state.settled.push(index),
    );
  });
  return state;
}

describe('api rate governor', () => {
  let clock: FakeClock;
  let governor: RateGovernor;
  let waits: RateWaitEvent[];

  beforeEach(() => {
    clock = new FakeClock();
    governor = new RateGovernor({ clock, random: () => 0.5 });
    waits = [];
    governor.onDidWait((event) => waits.push(event));
  });

  afterEach(() => governor.dispose());

  it('applies the documented limits with a 10% safety margin', () => {
    assert.equal(governor.budget('create').requests, 9);
    assert.equal(governor.budget('standard').requests, 54);
    assert.equal(governor.budget('logs').requests, 54);
    assert.equal(new RateGovernor({ safetyMargin: 0 }).budget('create').requests, 10);
  });

  it('lets the budget through at once and makes the rest wait for the window, in order', async () => {
    const calls = Array.from({ length: 12 }, () => governor.acquire('create'));
    const state = track(calls);
    await clock.advance(0);
    assert.deepEqual(state.settled, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(waits.length, 1);
    assert.deepEqual(waits[0], { rateClass: 'create', waitMs: 60_250, reason: 'budget' });
    await clock.advance(60_000);
    assert.equal(state.settled.length, 9, 'nothing passes before the window (plus padding) has gone by');
    await clock.advance(250);
    assert.deepEqual(state.settled, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('never lets more than the budget through in any sliding window', async () => {
    const sendTimes: number[] = [];
    const calls = Array.from({ length: 40 }, () => governor.acquire('create').then(() => sendTimes.push(clock.now())));
    for (let i = 0; i < 400 && sendTimes.length < 40; i++) await clock.advance(1_000);
    await Promise.all(calls);
    for (const start of sendTimes) {
      const inWindow = sendTimes.filter((time) => time >= start && time < start + 60_000).length;
      assert.ok(inWindow <= 9, `${inWindow} creates in the minute from ${start}`);
    }
  });

  it('counts a request from its answer time once completed, so slow answers cannot overrun the service window', async () => {
    const tickets = [];
    for (let i = 0; i < 9; i++) tickets.push(await governor.acquire('create'));
    await clock.advance(5_000);
    // Answers arrive 5 s after sending: the service may have counted them as late as that.
    for (const ticket of tickets) ticket.complete();
    const next = track([governor.acquire('create')]);
    await clock.advance(60_249);
    assert.deepEqual(next.settled, [], 'still inside the window measured from the answers');
    await clock.advance(5_001);
    assert.deepEqual(next.settled, [0]);
  });

  it('keeps classes independent', async () => {
    for (let i = 0; i < 9; i++) await governor.acquire('create');
    const standard = governor.acquire('standard');
    const state = track([standard]);
    await clock.advance(0);
    assert.deepEqual(state.settled, [0]);
  });

  it('pauses the whole class after a 429 for Retry-After', async () => {
    governor.reportRateLimited('standard', 5_000, 0);
    const state = track([governor.acquire('standard'), governor.acquire('standard')]);
    await clock.advance(4_999);
    assert.deepEqual(state.settled, []);
    await clock.advance(1);
    assert.deepEqual(state.settled, [0, 1]);
    assert.deepEqual(waits[0], { rateClass: 'standard', waitMs: 5_000, reason: 'retryAfter' });
  });

  it('without Retry-After waits 2 s, ×1.5 per attempt, up to 20 % jitter on top, capped at 60 s; never less than 2 s', () => {
    const high = new RateGovernor({ clock, random: () => 0.999 });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => high.backoffDelay(attempt)),
      [2400, 3599, 5399, 8099, 12148, 18222, 27333, 40999, 60000],
    );
    const zero = new RateGovernor({ clock, random: () => 0 });
    assert.deepEqual([0, 1, 3].map((attempt) => zero.backoffDelay(attempt)), [2000, 3000, 6750]);
    const { delayMs, reason } = governor.reportRateLimited('logs', undefined, 2);
    assert.equal(delayMs, 4_950);
    assert.equal(reason, 'backoff');
    // Retry-After: 0 says nothing: it is waited like a missing one, never "at once".
    const zeroRetryAfter = governor.reportRateLimited('standard', 0, 0);
    assert.deepEqual(zeroRetryAfter, { delayMs: 2_200, reason: 'backoff' });
  });

  it('fails fast with rateLimited when the class is paused for longer than a minute; a Retry-After over 10 min is capped', async () => {
    assert.deepEqual(governor.reportRateLimited('create', 86_400_000, 0), { delayMs: 600_000, reason: 'retryAfter' }, 'a day is capped at 10 min');
    await assert.rejects(governor.acquire('create'), (error: unknown) => isApiError(error, 'rateLimited') && error.details.retryAfterMs === 600_000);
    await clock.advance(600_000);
    const ticket = await governor.acquire('create');
    ticket.complete();
  });

  it('a cancelled waiter leaves the queue and is rejected as cancelled', async () => {
    for (let i = 0; i < 9; i++) await governor.acquire('create');
    const controller = new AbortController();
    const cancelled = governor.acquire('create', controller.signal);
    const next = governor.acquire('create');
    assert.equal(governor.waiting('create'), 2);
    controller.abort();
    await assert.rejects(cancelled, (error: unknown) => isApiError(error, 'cancelled'));
    assert.equal(governor.waiting('create'), 1);
    await clock.advance(60_250);
    await next;
    assert.equal(governor.waiting('create'), 0);
  });

  it('with the budget off only pauses after 429s', async () => {
    const open = new RateGovernor({ clock, enforceBudget: false });
    for (let i = 0; i < 100; i++) await open.acquire('create');
    assert.equal(open.sentInWindow('create'), 100);
    open.dispose();
  });

  it('dispose rejects waiters and clears its timers', async () => {
    for (let i = 0; i < 9; i++) await governor.acquire('create');
    const waiting = governor.acquire('create');
    assert.equal(clock.pendingTimers, 1);
    governor.dispose();
    await assert.rejects(waiting, (error: unknown) => isApiError(error, 'cancelled'));
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('rate budget shared by windows (SharedRateLedger)', () => {
  it('two windows together stay within the logs budget; each alone would not', async () => {
    const dir = await tempDir('codegen-ledger-');
    const clock = new FakeClock();
    try {
      const windows = ['a', 'b'].map((ownerId) => {
        const ledger = new SharedRateLedger({ dir, clock, ownerId });
        return { ledger, governor: new RateGovernor({ clock, random: () => 0.5, peers: ledger }) };
      });
      const budget = windows[0]!.governor.budget('logs').requests;
      // Each window asks for the whole budget at once.
      const granted: number[] = [];
      const asks = windows.flatMap((w, index) =>
        Array.from({ length: budget }, () =>
          w.governor.acquire('logs').then((ticket) => {
            granted.push(index);
            ticket.complete();
          }),
        ),
      );
      // 59 s in steps, letting the real file I/O finish between them.
      for (let i = 0; i < 590; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all(windows.map((w) => w.ledger.whenIdle()));
        await new Promise((resolve) => setTimeout(resolve, 1));
        await clock.advance(LEDGER_STEP_MS);
      }
      // Within the first window of 60 s the two together got no more than the budget (plus one per window
      // that a simultaneous look at the other's file can let through).
      assert.ok(granted.length <= budget + 2, `${granted.length} granted in the first window, budget ${budget}`);
      assert.ok(granted.length >= budget - 2, `${granted.length} granted: the budget is used`);
      assert.ok(granted.includes(0) && granted.includes(1), 'both windows got some');
      for (let i = 0; i < 1_200 && granted.length < asks.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        await clock.advance(LEDGER_STEP_MS);
      }
      await Promise.all(asks);
      for (const w of windows) w.governor.dispose();
    } finally {
      await removeDir(dir);
    }
  });
});

describe('shared rate ledger files (fake clock, real folder)', () => {
  let dir: string;
  let clock: FakeClock;

  beforeEach(async () => {
    dir = await tempDir('codegen-ledger-files-');
    clock = new FakeClock();
  });

  afterEach(() => removeDir(dir));

  const names = async (): Promise<string[]> => (await fs.readdir(dir)).sort();
  const writeFile = (name: string, writtenAt: number, sends: number[], windowMs?: number): Promise<void> =>
    fs.writeFile(path.join(dir, name), JSON.stringify({ ownerId: name, writtenAt, sends, ...(windowMs === undefined ? {} : { windowMs }) }));

  it("removes another window's file once its window has ended, and only then", async () => {
    const gone = new SharedRateLedger({ dir, clock, ownerId: 'gone' });
    const reader = new SharedRateLedger({ dir, clock, ownerId: 'reader' });
    gone.record('logs', clock.now(), 60_000);
    await gone.whenIdle();
    const [goneFile] = await names();
    assert.ok(goneFile?.startsWith('logs.gone'), String(goneFile));
    await reader.refresh('logs');
    assert.equal(reader.sends('logs').length, 1);
    await clock.advance(59_000);
    await reader.refresh('logs');
    assert.deepEqual(await names(), [goneFile], 'still inside its window: kept and counted');
    assert.equal(reader.sends('logs').length, 1);
    await clock.advance(1_000);
    await reader.refresh('logs');
    assert.deepEqual(await names(), [], 'its window has ended: the file is removed');
    assert.deepEqual(reader.sends('logs'), []);
    // A file left by a window of an older version (no window length in it) goes after five minutes.
    await writeFile('logs.old.json', clock.now(), [clock.now()]);
    await clock.advance(5 * 60_000);
    await reader.refresh('logs');
    assert.deepEqual(await names(), []);
    // A damaged file counts for nothing and does not stay either.
    await fs.writeFile(path.join(dir, 'logs.damaged.json'), '{"ownerId":');
    await clock.advance(1_000);
    await reader.refresh('logs');
    assert.deepEqual(await names(), []);
  });

  it('a file dated more than one window ahead (clock skew, a bad write) is removed and blocks nothing; less is counted until it ages out', async () => {
    const day = 24 * 60 * 60_000;
    const ahead = clock.now() + day;
    await writeFile('logs.skewed.json', ahead, Array.from({ length: 60 }, () => ahead), 60_000);
    const ledger = new SharedRateLedger({ dir, clock, ownerId: 'reader' });
    const governor = new RateGovernor({ clock, random: () => 0.5, peers: ledger });
    try {
      let granted = 0;
      const asks = Array.from({ length: 3 }, () => governor.acquire('logs').then((ticket) => (granted++, ticket.complete())));
      // 2 s in steps, letting the real file I/O finish between them.
      for (let i = 0; i < 20 && granted < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await clock.advance(LEDGER_STEP_MS);
      }
      assert.equal(granted, 3, 'a day-ahead file does not hold the budget for a day');
      await Promise.all(asks);
      assert.ok(!(await names()).includes('logs.skewed.json'), 'the day-ahead file is removed');
      // Half a window ahead is within the bound: counted, and it ages out as time reaches it.
      const soon = clock.now() + 30_000;
      await writeFile('logs.soon.json', soon, Array.from({ length: 60 }, () => soon), 60_000);
      await clock.advance(1_000);
      await ledger.refresh('logs');
      assert.equal(ledger.sends('logs').length, 60);
      await clock.advance(30_000 + 60_000);
      await ledger.refresh('logs');
      assert.deepEqual(ledger.sends('logs'), []);
      assert.ok(!(await names()).includes('logs.soon.json'), 'removed once its window has ended');
    } finally {
      governor.dispose();
      await ledger.whenIdle();
    }
  });
});

const LEDGER_STEP_MS = 100;
