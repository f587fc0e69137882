// The simulator's PATCH .../prs/{pr_id} (pull request state): answers, the run JSON after, errors, its rate class.

import * as assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, PULL_REQUEST_STATES, RATE_LIMITS, RATE_LIMIT_MESSAGE, SIM } from '../simulator/simulator';
import { call, paths } from '../simulator/testing';

describe('Codegen simulator: pull request state', () => {
  let clock: FakeClock;
  let sim: CodegenSimulator;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock, runDurationMs: 10_000 });
  });

  afterEach(async () => {
    await sim.stop();
  });

  const patch = (path: string, body: unknown, token?: string | null) => call(sim.url, 'PATCH', path, { body, token });
  const prState = async (runId: number): Promise<string> => (await call(sim.url, 'GET', paths.run(runId))).json.github_pull_requests[0].state as string;
  const seededPr = (details: { state?: string; merged?: boolean } = {}) => {
    const run = sim.addRun({ prompt: 'Tidy widgets\nmore', pullRequest: details });
    const pr = run.pullRequest;
    assert.ok(pr);
    return { runId: run.id, prId: pr.id, number: Number(pr.url.split('/').pop()), url: pr.url };
  };

  it('accepts the four documented states', () => {
    assert.deepEqual([...PULL_REQUEST_STATES], ['open', 'closed', 'draft', 'ready_for_review']);
  });

  it('turns a PR into a draft, ready for review, closed and open again; the run JSON follows', async () => {
    const { runId, prId, number, url } = seededPr();
    const draft = await patch(paths.pullRequest(prId), { state: 'draft' });
    assert.equal(draft.status, 200);
    assert.deepEqual(draft.json, { success: true, url, number, title: 'Tidy widgets', state: 'draft', error: null });
    assert.equal(await prState(runId), 'draft');
    assert.equal((await patch(paths.pullRequest(prId), { state: 'ready_for_review' })).json.state, 'open');
    assert.equal(await prState(runId), 'open');
    assert.equal((await patch(paths.pullRequest(prId), { state: 'closed' })).json.state, 'closed');
    assert.equal(sim.getRun(runId)?.pullRequest?.state, 'closed');
    assert.equal((await patch(paths.pullRequest(prId), { state: 'open' })).json.state, 'open');
    assert.equal(await prState(runId), 'open');
  });

  it('answers success false with an error for a merged PR, and for draft / ready_for_review of a closed one', async () => {
    const merged = seededPr({ state: 'closed', merged: true });
    const refused = await patch(paths.pullRequest(merged.prId), { state: 'open' });
    assert.equal(refused.status, 200);
    assert.deepEqual([refused.json.success, refused.json.state], [false, 'closed']);
    assert.match(refused.json.error as string, /is merged/);
    assert.equal(await prState(merged.runId), 'closed');
    const closed = seededPr({ state: 'closed' });
    for (const state of ['draft', 'ready_for_review']) {
      const answer = await patch(paths.pullRequest(closed.prId), { state });
      assert.deepEqual([answer.json.success, answer.json.state], [false, 'closed']);
      assert.match(answer.json.error as string, /reopen it first/);
    }
  });

  it('serves the repository form and checks that the PR belongs to that repository', async () => {
    const { runId, prId } = seededPr();
    const answer = await patch(paths.repoPullRequest(SIM.repoId, prId), { state: 'draft' });
    assert.deepEqual([answer.status, answer.json.success], [200, true]);
    assert.equal(await prState(runId), 'draft');
    const otherRepo = await patch(paths.repoPullRequest(102, prId), { state: 'open' });
    assert.equal(otherRepo.status, 404);
    assert.deepEqual(otherRepo.json, { detail: `Pull request ${prId} not found` });
    const noRepo = await patch(paths.repoPullRequest(999, prId), { state: 'open' });
    assert.deepEqual([noRepo.status, noRepo.json.detail], [404, 'Repository 999 not found in organization 1']);
  });

  it('answers 404 for an unknown PR, a PR not there yet and a PR of another organization', async () => {
    assert.equal((await patch(paths.pullRequest(987_654), { state: 'open' })).status, 404);
    const early = (await call(sim.url, 'POST', paths.create(), { body: { prompt: 'no PR yet' } })).json.id as number;
    assert.equal((await patch(paths.pullRequest(5000 + early), { state: 'draft' })).status, 404);
    await clock.advance(7000);
    assert.equal((await patch(paths.pullRequest(5000 + early), { state: 'draft' })).status, 200, 'the PR appeared at 70 %');
    const { prId } = seededPr();
    assert.equal((await patch(paths.pullRequest(prId, SIM.otherOrgId), { state: 'open' })).status, 404);
  });

  it('answers 422 for a missing or unknown state and a body that is not an object', async () => {
    const { prId } = seededPr();
    const missing = await patch(paths.pullRequest(prId), {});
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.json.detail, [{ loc: ['body', 'state'], msg: 'Field required', type: 'missing' }]);
    const unknown = await patch(paths.pullRequest(prId), { state: 'merged' });
    assert.deepEqual([unknown.status, unknown.json.detail[0].type, unknown.json.detail[0].loc], [422, 'enum', ['body', 'state']]);
    assert.equal((await patch(paths.pullRequest(prId), { state: 'DRAFT' })).status, 422, 'states are lowercase');
    assert.equal((await patch(paths.pullRequest(prId), ['draft'])).status, 422);
    assert.equal((await call(sim.url, 'PATCH', paths.pullRequest(prId), { rawBody: '{"state":' })).status, 422);
    assert.equal((await patch(paths.pullRequest(987_654), { state: 'nope' })).status, 422, 'the body is checked before the PR');
  });

  it('checks auth, organization and method like the other endpoints', async () => {
    const { prId } = seededPr();
    assert.equal((await patch(paths.pullRequest(prId), { state: 'open' }, null)).status, 401);
    assert.equal((await patch(paths.pullRequest(prId, SIM.forbiddenOrgId), { state: 'open' })).status, 403);
    assert.equal((await patch(paths.repoPullRequest(SIM.otherOrgRepoId, prId, SIM.otherOrgId), { state: 'open' }, SIM.otherToken)).status, 403);
    assert.equal((await patch(paths.pullRequest(prId, 999), { state: 'open' })).status, 404);
    const wrongMethod = await call(sim.url, 'GET', paths.pullRequest(prId));
    assert.deepEqual([wrongMethod.status, wrongMethod.headers.get('allow')], [405, 'PATCH']);
    const preflight = await fetch(`${sim.url}${paths.pullRequest(prId)}`, { method: 'OPTIONS' });
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);
  });

  it('limits PR state changes to 30 per minute per token in their own rate class', async () => {
    assert.deepEqual(RATE_LIMITS.prs, { limit: 30, windowMs: 60_000 });
    const { prId } = seededPr();
    const statuses: number[] = [];
    for (let index = 0; index < 30; index++) statuses.push((await patch(paths.pullRequest(prId), { state: index % 2 === 0 ? 'draft' : 'open' })).status);
    assert.deepEqual(statuses, Array<number>(30).fill(200));
    const limited = await patch(paths.pullRequest(prId), { state: 'open' });
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.json, { message: RATE_LIMIT_MESSAGE, status_code: 429 });
    assert.equal(limited.headers.get('retry-after'), '60');
    assert.equal((await patch(paths.pullRequest(prId), { state: 'open' }, SIM.otherToken)).status, 200, 'per token');
    assert.equal((await call(sim.url, 'GET', paths.runs())).status, 200, 'other classes keep their budget');
    assert.equal(sim.countRequests({ rateClass: 'prs' }), 32);
    assert.equal(sim.countRequests({ rateClass: 'prs', status: 429 }), 1);
    assert.equal(sim.countRequests({ rateClass: 'standard' }), 1);
    await clock.advance(60_000);
    assert.equal((await patch(paths.pullRequest(prId), { state: 'open' })).status, 200);
  });
});
