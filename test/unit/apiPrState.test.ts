// PATCH /v1/organizations/{org}/prs/{pr}: the client sends exactly one request per change, in its own rate
// class (30 per minute), and reads the answer's success and error.
import * as assert from 'node:assert/strict';
import { CodegenClient } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import { RateGovernor } from '../../src/api/rateGovernor';
import { parseRun } from '../../src/api/schemas';
import { CodegenSimulator, SIM } from '../simulator/simulator';

describe('pull request state (simulator)', () => {
  let sim: CodegenSimulator;
  let client: CodegenClient;

  beforeEach(async () => {
    sim = await CodegenSimulator.start();
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0 });
  });

  afterEach(async () => {
    client.dispose();
    await sim.stop();
  });

  it('draft, ready for review and close each send one PATCH and change the PR the run shows', async () => {
    const run = parseRun(sim.addRunJson({ status: 'COMPLETE', pullRequest: true }));
    const prId = run.pullRequests[0]!.id!;
    const draft = await client.setPullRequestState(SIM.orgId, prId, 'draft');
    assert.equal(draft.success, true);
    assert.equal(draft.state, 'draft');
    assert.equal((await client.getRun(SIM.orgId, run.id)).pullRequests[0]?.state, 'draft');
    assert.equal((await client.setPullRequestState(SIM.orgId, prId, 'ready_for_review')).state, 'open');
    assert.equal((await client.setPullRequestState(SIM.orgId, prId, 'closed')).state, 'closed');
    const patches = sim.requests.filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 3);
    assert.deepEqual(patches.map((r) => r.rateClass), ['prs', 'prs', 'prs']);
    assert.deepEqual(patches.map((r) => (r.body as { state: string }).state), ['draft', 'ready_for_review', 'closed']);
    // A closed PR cannot become a draft: success false, with the service's reason.
    const refused = await client.setPullRequestState(SIM.orgId, prId, 'draft');
    assert.equal(refused.success, false);
    assert.match(String(refused.error), /closed/);
  });

  it('an unknown PR is a 404; a bad state never leaves the client', async () => {
    await assert.rejects(client.setPullRequestState(SIM.orgId, 999_999, 'closed'), (error: unknown) => isApiError(error, 'notFound'));
    await assert.rejects(client.setPullRequestState(SIM.orgId, 1, 'merged' as never), (error: unknown) => isApiError(error, 'invalid'));
    assert.equal(sim.countRequests({ method: 'PATCH' }), 1);
  });

  it('its rate class allows 30 per minute, less the safety margin', () => {
    assert.deepEqual(new RateGovernor().budget('prs'), { requests: 27, windowMs: 60_250 });
  });
});
