// The simulator's request recording, its /_sim control API (raw and through SimulatorControlClient), reset, and the CLI.

import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { FakeClock } from '../../src/util/clock';
import { SimulatorControlClient } from '../simulator/controlClient';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { call, paths } from '../simulator/testing';

describe('Codegen simulator: recording and control API', () => {
  let clock: FakeClock;
  let sim: CodegenSimulator;
  let control: SimulatorControlClient;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock, runDurationMs: 10_000 });
    control = new SimulatorControlClient(sim.url);
  });

  afterEach(async () => {
    await sim.stop();
  });

  it('records every request in order with its class, status and body, never the token', async () => {
    await call(sim.url, 'GET', paths.runs(1, '?limit=5'));
    await clock.advance(1000);
    await call(sim.url, 'POST', paths.create(), { body: { prompt: 'recorded' } });
    await call(sim.url, 'GET', '/v1/users/me', { token: SIM.otherToken });
    await call(sim.url, 'GET', '/v1/users/me', { token: 'secret-wrong-token' });
    await call(sim.url, 'GET', '/nowhere', { token: null });

    const wallBefore = Date.now();
    const [list, create, me, wrong, unknown] = sim.requests;
    const { wallAt, ...listRest } = list ?? { wallAt: NaN };
    assert.deepEqual(listRest, { seq: 1, at: clock.now() - 1000, method: 'GET', path: paths.runs(), query: { limit: '5' }, rateClass: 'standard', status: 200, authorized: true });
    // The wall clock of the answer (whatever the simulator's fake clock says), for latency measured from a browser.
    assert.ok(typeof wallAt === 'number' && wallAt <= wallBefore && wallAt > wallBefore - 60_000, `wallAt ${wallAt}`);
    assert.deepEqual([create?.seq, create?.rateClass, create?.status, create?.body, create?.at], [2, 'create', 200, { prompt: 'recorded' }, clock.now()]);
    assert.deepEqual([me?.rateClass, me?.authorized], ['standard', true]);
    assert.deepEqual([wrong?.status, wrong?.authorized], [401, false]);
    assert.deepEqual([unknown?.rateClass, unknown?.status], ['none', 404]);
    const recorded = JSON.stringify(sim.requests);
    for (const secret of [SIM.token, SIM.otherToken, 'secret-wrong-token', 'Bearer']) assert.ok(!recorded.includes(secret), `${secret} is not recorded`);
  });

  it('counts requests by method, exact path or regex, class and status, and clears them', async () => {
    await call(sim.url, 'POST', paths.create(), { body: { prompt: 'a' } });
    await call(sim.url, 'POST', paths.create(), { body: {} });
    await call(sim.url, 'GET', paths.runs());
    assert.equal(sim.countRequests(), 3);
    assert.equal(sim.countRequests({ method: 'post' }), 2);
    assert.equal(sim.countRequests({ path: paths.create() }), 2);
    assert.equal(sim.countRequests({ path: /\/agent\/run$/ }), 2);
    assert.equal(sim.countRequests({ path: '/agent/run$' }), 0, 'a string path matches exactly');
    assert.equal(sim.countRequests({ rateClass: 'create', status: 422 }), 1);
    const held = sim.requests;
    sim.clearRequests();
    assert.equal(held.length, 0, 'the same array is emptied');
    assert.equal(sim.countRequests(), 0);
  });

  it('serves recorded requests over HTTP with filters, recording control calls as "control"', async () => {
    await call(sim.url, 'POST', paths.create(), { body: { prompt: 'a' } });
    await call(sim.url, 'GET', paths.runs());
    const raw = await call(sim.url, 'GET', '/_sim/requests?method=POST', { token: null });
    assert.equal(raw.json.count, 1);
    assert.equal(raw.json.requests[0].path, paths.create());
    assert.equal((await control.requests({ path: 'agent/runs$' })).length, 1);
    assert.equal(await control.countRequests({ rateClass: 'control' }), 2, 'the two earlier GET /_sim/requests');
    assert.equal(sim.countRequests({ rateClass: 'control' }), 3);
    await control.clearRequests();
    assert.equal(sim.countRequests(), 0, 'the clearing request itself is not recorded');
  });

  it('injects and clears faults over HTTP, refusing bad specs with 400', async () => {
    await control.injectFault({ kind: 'status', status: 503, path: 'users/me', times: -1 });
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 503);
    await control.clearFaults();
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 200);
    const bad = await call(sim.url, 'POST', '/_sim/faults', { body: { kind: 'meteor' }, token: null });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error as string, /unknown fault kind/);
  });

  it('configures over HTTP', async () => {
    const config = await control.configure({ runDurationMs: 1000, rateLimits: false });
    assert.deepEqual(config, { runDurationMs: 1000, retryAfter: true, rateLimits: false });
    const created = (await call(sim.url, 'POST', paths.create(), { body: { prompt: 'quick' } })).json;
    await clock.advance(1000);
    assert.equal((await call(sim.url, 'GET', paths.run(created.id as number))).json.status, 'COMPLETE');
    assert.equal((await call(sim.url, 'POST', '/_sim/config', { rawBody: '[1]', token: null })).status, 400);
  });

  it('adds runs, reads their state and forces statuses over HTTP', async () => {
    const run = await control.addRun({ prompt: 'seeded', sourceType: 'SLACK', userId: 8, pullRequest: { state: 'closed', merged: true, title: 'Merged PR' } });
    assert.equal(run.source_type, 'SLACK');
    assert.deepEqual([run.github_pull_requests?.[0]?.title, run.github_pull_requests?.[0]?.merged], ['Merged PR', true]);
    const state = await control.getRun(run.id);
    assert.deepEqual([state.prompt, state.userId, state.status, state.checksBanned], ['seeded', 8, 'PENDING', false]);
    const forced = await control.setRunStatus(run.id, 'OUT_OF_TOKENS');
    assert.equal(forced.status, 'OUT_OF_TOKENS');
    assert.equal((await call(sim.url, 'GET', paths.run(run.id))).json.status, 'OUT_OF_TOKENS');
    assert.equal((await call(sim.url, 'GET', '/_sim/runs/999', { token: null })).status, 404);
    assert.equal((await call(sim.url, 'POST', `/_sim/runs/${run.id}/status`, { body: {}, token: null })).status, 400);
  });

  it('replaces an org\'s repositories over HTTP, filling the documented fields', async () => {
    const repos = await control.setOrganizationRepos(2, [{ id: 250, name: 'new', full_name: 'globex/new' }]);
    assert.deepEqual(repos, [{ id: 250, name: 'new', full_name: 'globex/new', github_id: 900_250, setup_status: 'COMPLETE', language: 'TypeScript', visibility: 'private', archived: false }]);
    assert.deepEqual((await call(sim.url, 'GET', paths.repos(2))).json.items, repos);
    await control.setOrganizationRepos(2, []);
    assert.equal((await call(sim.url, 'POST', paths.create(2), { body: { prompt: 'x' } })).status, 404);
  });

  it('resets to the seeded state: runs, repositories, config, faults, rate windows, requests', async () => {
    sim.addRun({ prompt: 'gone after reset' });
    sim.setOrganizationRepos(1, []);
    sim.configure({ runDurationMs: 5, retryAfter: false });
    sim.injectFault({ kind: 'status', times: -1, path: 'users' });
    for (let index = 0; index < 10; index++) await call(sim.url, 'POST', paths.create(), { body: { prompt: 'x' } });
    await control.reset();
    assert.equal(sim.countRequests(), 0);
    assert.deepEqual(sim.currentConfig(), { runDurationMs: 10_000, retryAfter: true, rateLimits: true });
    assert.equal((await call(sim.url, 'GET', '/v1/users/me')).status, 200);
    assert.equal((await call(sim.url, 'GET', paths.repos())).json.total, 3);
    const created = await call(sim.url, 'POST', paths.create(), { body: { prompt: 'fresh' } });
    assert.deepEqual([created.status, created.json.id], [200, 1]);
    assert.equal((await call(sim.url, 'GET', paths.runs())).json.total, 1);
  });

  it('answers 404 for an unknown control endpoint and CORS preflights with 204', async () => {
    assert.equal((await call(sim.url, 'GET', '/_sim/nothing', { token: null })).status, 404);
    const preflight = await fetch(`${sim.url}${paths.create()}`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const answer = await call(sim.url, 'GET', '/v1/users/me');
    assert.equal(answer.headers.get('access-control-allow-origin'), '*');
  });
});

describe('Codegen simulator: CLI', () => {
  const cliPath = path.join(__dirname, '..', 'simulator', 'cli.js');
  const children: ChildProcessWithoutNullStreams[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  function launch(args: string[]): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: 'pipe' });
    children.push(child);
    return child;
  }

  function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const end = output.indexOf('\n');
        if (end >= 0) resolve(output.slice(0, end));
      });
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before printing its line`)));
    });
  }

  function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  it('prints its ready line, serves the API with the given options, and exits cleanly on SIGTERM', async () => {
    const child = launch(['--port', '0', '--historical-runs', '4', '--run-duration-ms', '5000', '--no-rate-limits', '--no-retry-after']);
    const line = await firstLine(child);
    const match = /^Codegen simulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    assert.ok(match, line);
    const url = match[1]!;
    assert.equal((await call(url, 'GET', paths.runs())).json.total, 4);
    assert.deepEqual(await new SimulatorControlClient(url).configure({}), { runDurationMs: 5000, retryAfter: false, rateLimits: false });
    child.kill('SIGTERM');
    assert.deepEqual(await exited(child), { code: 0, signal: null });
  });

  it('stops on SIGINT too', async () => {
    const child = launch([]);
    await firstLine(child);
    child.kill('SIGINT');
    assert.equal((await exited(child)).code, 0);
  });

  it('refuses a bad option with exit code 2', async () => {
    const child = launch(['--port', 'many']);
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    assert.equal((await exited(child)).code, 2);
    assert.match(errors, /--port/);
  });
});
