// The simulator's rate limits (per token, per class, sliding windows on the simulator clock) and injected faults.

import * as assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, RATE_LIMIT_MESSAGE, SIM, UNKNOWN_FAULT_STATUS } from '../simulator/simulator';
import { call, paths } from '../simulator/testing';

describe('Codegen simulator: rate limits', () => {
  let clock: FakeClock;
  let sim: CodegenSimulator;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock });
  });

  afterEach(async () => {
    await sim.stop();
  });

  const createRun = (token?: string) => call(sim.url, 'POST', paths.create(), { body: { prompt: 'limited' }, token });
  const createMany = async (count: number): Promise<number[]> => {
    const statuses: number[] = [];
    for (let index = 0; index < count; index++) statuses.push((await createRun()).status);
    return statuses;
  };

  it('answers the 11th create within a minute with 429 and Retry-After, and accepts it once the window moves on', async () => {
    assert.deepEqual(await createMany(10), Array<number>(10).fill(200));
    const limited = await createRun();
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.json, { message: RATE_LIMIT_MESSAGE, status_code: 429 });
    assert.equal(limited.headers.get('retry-after'), '60');
    await clock.advance(30_000);
    assert.equal((await createRun()).headers.get('retry-after'), '30');
    await clock.advance(30_000);
    assert.equal((await createRun()).status, 200);
    assert.equal(sim.countRequests({ rateClass: 'create', status: 429 }), 2);
  });

  it('rounds Retry-After up to whole seconds', async () => {
    await createMany(10);
    await clock.advance(59_001);
    assert.equal((await createRun()).headers.get('retry-after'), '1');
  });

  it('omits Retry-After when configured so', async () => {
    sim.configure({ retryAfter: false });
    await createMany(10);
    const limited = await createRun();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), null);
  });

  it('does not count rejected requests against the budget', async () => {
    await createMany(10);
    assert.deepEqual(await createMany(5), Array<number>(5).fill(429));
    await clock.advance(60_000);
    assert.deepEqual(await createMany(11), [...Array<number>(10).fill(200), 429]);
  });

  it('keeps a separate budget per token', async () => {
    await createMany(10);
    assert.equal((await createRun(SIM.otherToken)).status, 200);
    assert.equal((await createRun()).status, 429);
  });

  it('limits standard calls to 60 per 30 s, separately from logs', async () => {
    const run = sim.addRun({ prompt: 'x' });
    for (let index = 0; index < 60; index++) assert.equal((await call(sim.url, 'GET', paths.run(run.id))).status, 200);
    const limited = await call(sim.url, 'GET', '/v1/users/me');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '30');
    assert.equal((await call(sim.url, 'GET', paths.logs(run.id))).status, 200, 'logs have their own budget');
    await clock.advance(30_000);
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 200);
  });

  it('limits logs calls to 60 per 60 s', async () => {
    const run = sim.addRun({ prompt: 'x' });
    for (let index = 0; index < 60; index++) assert.equal((await call(sim.url, 'GET', paths.logs(run.id))).status, 200);
    assert.equal((await call(sim.url, 'GET', paths.logs(run.id))).headers.get('retry-after'), '60');
    assert.equal((await call(sim.url, 'GET', paths.run(run.id))).status, 200);
    await clock.advance(59_999);
    assert.equal((await call(sim.url, 'GET', paths.logs(run.id))).status, 429);
    await clock.advance(1);
    assert.equal((await call(sim.url, 'GET', paths.logs(run.id))).status, 200);
  });

  it('enforces nothing with rateLimits off', async () => {
    sim.configure({ rateLimits: false });
    assert.deepEqual(await createMany(15), Array<number>(15).fill(200));
  });

  it('checks auth before the budget: requests with a bad token cost nothing', async () => {
    for (let index = 0; index < 12; index++) assert.equal((await createRun('bad-token')).status, 401);
    assert.equal((await createRun()).status, 200);
  });
});

describe('Codegen simulator: faults', () => {
  let clock: FakeClock;
  let sim: CodegenSimulator;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock });
  });

  afterEach(async () => {
    await sim.stop();
  });

  const runCount = async (): Promise<number> => (await call(sim.url, 'GET', paths.runs())).json.total as number;

  it("'status' answers the status with {message, status_code} and does not process the request", async () => {
    sim.injectFault({ kind: 'status', method: 'POST', path: '/agent/run$', status: 500 });
    const answer = await call(sim.url, 'POST', paths.create(), { body: { prompt: 'x' } });
    assert.equal(answer.status, 500);
    assert.equal(answer.json.status_code, 500);
    assert.equal(typeof answer.json.message, 'string');
    assert.equal(await runCount(), 0);
    assert.equal((await call(sim.url, 'POST', paths.create(), { body: { prompt: 'x' } })).status, 200, 'hits once by default');
  });

  it("'status' can answer FastAPI's {detail} shape, e.g. 402 billing", async () => {
    sim.injectFault({ kind: 'status', status: 402, errorShape: 'detail' });
    const answer = await call(sim.url, 'GET', '/v1/users/me');
    assert.equal(answer.status, 402);
    assert.deepEqual(Object.keys(answer.json), ['detail']);
    assert.match(answer.json.detail as string, /billing/i);
  });

  it('matches method and path, and honours times (n, and -1 until cleared)', async () => {
    sim.injectFault({ kind: 'status', method: 'POST', status: 502, times: 2 });
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 200, 'GET is not matched');
    assert.equal((await call(sim.url, 'POST', paths.create(), { body: { prompt: 'x' } })).status, 502);
    assert.equal((await call(sim.url, 'POST', paths.create(), { body: { prompt: 'x' } })).status, 502);
    assert.equal((await call(sim.url, 'POST', paths.create(), { body: { prompt: 'x' } })).status, 200);

    sim.injectFault({ kind: 'status', path: '^/v1/users/me$', status: 503, times: -1 });
    for (let index = 0; index < 5; index++) assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 503);
    assert.equal((await call(sim.url, 'GET', '/v1/organizations')).status, 200, 'other paths are not matched');
    sim.clearFaults();
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 200);
  });

  it("'slow' processes the request, then answers late: a client that gives up leaves a created run", async () => {
    sim.injectFault({ kind: 'slow', method: 'POST', delayMs: 5000 });
    await assert.rejects(call(sim.url, 'POST', paths.create(), { body: { prompt: 'slow' }, signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
    assert.equal(await runCount(), 1);
    sim.injectFault({ kind: 'slow', delayMs: 20 });
    const late = await call(sim.url, 'GET', '/v1/users/me');
    assert.equal(late.json.id, SIM.userId);
    assert.equal(sim.requests.at(-1)?.fault, 'slow');
  });

  it("'drop' destroys the socket before processing: no run is created", async () => {
    sim.injectFault({ kind: 'drop', method: 'POST' });
    await assert.rejects(call(sim.url, 'POST', paths.create(), { body: { prompt: 'dropped' } }), TypeError);
    assert.equal(await runCount(), 0);
    const recorded = sim.requests.find((request) => request.fault === 'drop');
    assert.equal(recorded?.status, 0);
  });

  it("'drop' with afterProcessing creates the run, then destroys the socket", async () => {
    sim.injectFault({ kind: 'drop', method: 'POST', afterProcessing: true });
    await assert.rejects(call(sim.url, 'POST', paths.create(), { body: { prompt: 'created but lost' } }), TypeError);
    const list = await call(sim.url, 'GET', paths.runs());
    assert.equal(list.json.total, 1);
    assert.equal(sim.getRun(list.json.items[0].id as number)?.prompt, 'created but lost');
  });

  it("'malformed' answers 200 with a body that is not JSON", async () => {
    sim.addRun({ prompt: 'x' });
    sim.injectFault({ kind: 'malformed', path: '/agent/runs$' });
    const answer = await call(sim.url, 'GET', paths.runs());
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assert.throws(() => JSON.parse(answer.text) as unknown, SyntaxError);
  });

  it("'unknownStatus' puts an unknown status in single runs, lists and logs pages", async () => {
    const run = sim.addRun({ prompt: 'x' });
    sim.injectFault({ kind: 'unknownStatus', times: 3 });
    assert.equal((await call(sim.url, 'GET', paths.run(run.id))).json.status, UNKNOWN_FAULT_STATUS);
    assert.equal((await call(sim.url, 'GET', paths.runs())).json.items[0].status, UNKNOWN_FAULT_STATUS);
    assert.equal((await call(sim.url, 'GET', paths.logs(run.id))).json.status, UNKNOWN_FAULT_STATUS);
    assert.equal((await call(sim.url, 'GET', paths.run(run.id))).json.status, 'PENDING');
  });

  it("'nullFields' nulls every optional run field and the PR list, keeping the ids", async () => {
    const run = sim.addRun({ prompt: 'x', status: 'COMPLETE' });
    sim.injectFault({ kind: 'nullFields', times: -1 });
    const single = (await call(sim.url, 'GET', paths.run(run.id))).json;
    assert.deepEqual(single, {
      id: run.id, organization_id: 1, status: null, created_at: null, web_url: null, result: null, summary: null, source_type: null, github_pull_requests: null, metadata: null,
    });
    assert.equal((await call(sim.url, 'GET', paths.runs())).json.items[0].github_pull_requests, null);
    const logs = (await call(sim.url, 'GET', paths.logs(run.id))).json;
    assert.equal(logs.status, null);
    assert.ok(logs.logs.length > 0, 'the log entries themselves are still there');
  });

  it("'rateLimit' answers 429 regardless of budget, with the chosen Retry-After", async () => {
    sim.injectFault({ kind: 'rateLimit', path: '/users/me' });
    const defaulted = await call(sim.url, 'GET', '/v1/users/me');
    assert.deepEqual([defaulted.status, defaulted.headers.get('retry-after'), defaulted.json.message], [429, '1', RATE_LIMIT_MESSAGE]);
    sim.injectFault({ kind: 'rateLimit', retryAfterSeconds: 7 });
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).headers.get('retry-after'), '7');
    sim.injectFault({ kind: 'rateLimit', retryAfterSeconds: null });
    const bare = await call(sim.url, 'GET', '/v1/users/me');
    assert.deepEqual([bare.status, bare.headers.get('retry-after')], [429, null]);
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 200);
  });

  it('refuses a fault spec that cannot work', () => {
    assert.throws(() => sim.injectFault({ kind: 'explode' as 'status' }), /unknown fault kind/);
    assert.throws(() => sim.injectFault({ kind: 'status', path: '(' }), SyntaxError);
    assert.throws(() => sim.injectFault({ kind: 'status', times: 0 }), /times/);
  });

  it('stop() ends promptly with a slow answer still pending', async () => {
    sim.injectFault({ kind: 'slow', delayMs: 60_000 });
    const pending = call(sim.url, 'GET', '/v1/users/me');
    while (sim.countRequests() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sim.stop();
    await assert.rejects(pending, TypeError);
  });
});
