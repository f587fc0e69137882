// The one send pipeline (src/send), in plain Node against the simulator: every guard runs for every entry
// point, 401/403 at any step stops (another repository is never offered), a created run reaches the tree
// before anything else happens.
import * as assert from 'node:assert/strict';
import { CodegenClient } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import type { AgentRun } from '../../src/api/types';
import { PromptHistory } from '../../src/context';
import { SendPipeline } from '../../src/send/pipeline';
import { secretScanner } from '../../src/send/secretGuard';
import { describeMayExist, describeNotSent } from '../../src/send/outcomeText';
import { silentDialogs } from '../../src/send/silentDialogs';
import type { SendDialogs, SendHost, SendInput, SendTarget } from '../../src/send/sendTypes';
import { systemClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';

const REPOS_PATH = `/v1/organizations/${SIM.orgId}/repos`;
const CREATE_PATH = `/v1/organizations/${SIM.orgId}/agent/run`;

describe('Send pipeline (simulator)', function () {
  this.timeout(20_000);
  let sim: CodegenSimulator;
  let client: CodegenClient;
  let events: string[];
  let history: string[];

  beforeEach(async () => {
    sim = await CodegenSimulator.start();
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0, random: () => 0 });
    events = [];
    history = [];
  });

  afterEach(async () => {
    client.dispose();
    await sim.stop();
  });

  function pipeline(overrides: Partial<SendHost> = {}): SendPipeline {
    const host: SendHost = {
      api: client,
      readiness: () => ({ kind: 'ready', organizationId: SIM.orgId }),
      // The scanner the extension uses, loaded on its first scan (here the module itself).
      scanner: () => secretScanner,
      settings: { maxChars: () => 100_000, reviewBeforeSend: () => false, repositoryId: () => undefined, model: () => undefined, agentType: () => undefined },
      history: new PromptHistory({ get: () => history, set: (entries) => Promise.resolve(void (history = entries)) }),
      runCreated: (run: AgentRun) => events.push(`tree:${run.id}:${sim.countRequests({ path: `/v1/organizations/${SIM.orgId}/agent/runs` })}`),
      refreshSoon: () => events.push('refresh'),
      extensionVersion: '9.9.9',
      clock: systemClock,
      log: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined },
      ...overrides,
    };
    return new SendPipeline(host);
  }

  /** Dialogs that record what they were asked and answer as told. */
  function recording(answers: { lookupFailed?: boolean } = {}): SendDialogs {
    const base = silentDialogs();
    return {
      ...base,
      repositoryLookupFailed: (fullName) => {
        events.push(`lookupFailed:${fullName}`);
        return Promise.resolve(answers.lookupFailed ?? false);
      },
      accessProblem: (error) => {
        events.push(`access:${isApiError(error) ? error.kind : 'other'}`);
        return Promise.resolve();
      },
      created: (run) => events.push(`created:${run.id}`),
    };
  }

  const withRemote: SendTarget = { kind: 'bare', git: () => Promise.resolve({ remoteUrl: 'git@github.com:acme/widgets.git', branch: 'main' }) };
  const input = (target: SendTarget, prompt: string): SendInput => ({ origin: 'tool', target, request: { request: prompt, typed: prompt, images: [] } });

  for (const status of [401, 403] as const) {
    it(`a ${status} while looking up the repository stops the send: no other repository is offered, nothing is created`, async () => {
      sim.injectFault({ kind: 'status', status, path: 'repos$', times: -1 });
      const outcome = await pipeline().send(input(withRemote, 'Add a test'), recording({ lookupFailed: true }));
      assert.deepEqual(outcome, { kind: 'notSent', reason: 'access' });
      assert.deepEqual(events, [`access:${status === 401 ? 'unauthorized' : 'forbidden'}`]);
      assert.equal(sim.countRequests({ path: REPOS_PATH }), 1);
      assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 0);
    });
  }

  it('another failure of the lookup asks whether to use the default repository; "no" sends nothing', async () => {
    sim.injectFault({ kind: 'status', status: 500, path: 'repos$', times: -1 });
    const outcome = await pipeline().send(input(withRemote, 'Add a test'), recording({ lookupFailed: false }));
    assert.deepEqual(outcome, { kind: 'notSent', reason: 'repositoryLookup' });
    assert.deepEqual(events, ['lookupFailed:acme/widgets']);
    assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 0);
  });

  it('a created run goes into the tree first (before any list call and before the announcement), with the matched repository', async () => {
    const outcome = await pipeline().send(input(withRemote, 'Add a test'), recording());
    assert.equal(outcome.kind, 'created');
    const run = (outcome as { run: AgentRun }).run;
    assert.deepEqual(events, [`tree:${run.id}:0`, `created:${run.id}`]);
    const created = sim.requests.find((r) => r.method === 'POST' && r.path === CREATE_PATH)!;
    const body = created.body as { repo_id?: number; metadata: Record<string, unknown> };
    assert.equal(body.repo_id, 101, 'acme/widgets is repository 101');
    assert.equal(body.metadata['source'], 'vscode');
    assert.equal(body.metadata['entry_point'], 'tool');
    assert.deepEqual(history, ['Add a test']);
  });

  it('every entry point runs the secret scan and the size guard; silent dialogs refuse', async () => {
    const bare: SendTarget = { kind: 'bare', git: () => Promise.resolve(undefined) };
    const secret = await pipeline().send(input(bare, 'push with ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua'), recording());
    assert.equal(secret.kind, 'notSent');
    assert.equal((secret as { reason: string }).reason, 'secrets');
    assert.match(String((secret as { message?: string }).message), /GitHub/);
    const big = await pipeline({ settings: { maxChars: () => 50, reviewBeforeSend: () => false, repositoryId: () => undefined, model: () => undefined, agentType: () => undefined } }).send(input(bare, 'x'.repeat(51)), recording());
    assert.deepEqual(big, { kind: 'notSent', reason: 'overLimit', message: 'The prompt is 51 characters, over the limit of 50.' });
    assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 0);
  });

  it('a send cancelled before its create began (a tool call cancelled early) creates nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await pipeline().send(input({ kind: 'bare', git: () => Promise.resolve(undefined) }, 'Add a test'), silentDialogs({ signal: controller.signal }));
    assert.equal(outcome.kind, 'notSent');
    assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 0);
  });

  it('not signed in: nothing is asked of the service', async () => {
    const outcome = await pipeline({ readiness: () => ({ kind: 'signedOut' }) }).send(input(withRemote, 'Add a test'), recording());
    assert.deepEqual(outcome, { kind: 'notSent', reason: 'notReady' });
    assert.equal(sim.requests.length, 0);
  });

  it('a create whose answer is lost is not retried: the list is refreshed instead', async () => {
    sim.injectFault({ kind: 'drop', method: 'POST', path: 'agent/run$', afterProcessing: true });
    const outcome = await pipeline().send(input({ kind: 'bare', git: () => Promise.resolve(undefined) }, 'Add a test'), recording());
    assert.deepEqual(outcome, { kind: 'mayExist' });
    assert.deepEqual(events, ['refresh']);
    assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
  });
});

describe('what a send that created no run says to a caller nobody can be asked through (API, tools, chat)', () => {
  it('one wording per outcome, with the service message and what to do next', () => {
    assert.equal(describeNotSent('secrets', 'GitHub token prompt line 1'), 'Codegen: the run was not created: the prompt looks like it contains secrets: GitHub token prompt line 1.');
    assert.match(describeNotSent('notReady'), /^Codegen: the run was not created: not signed in .*"Codegen: Set API token".*\.$/);
    assert.equal(describeMayExist('Ask /status'), 'Codegen: no answer arrived, so the run may have been created. Ask /status before creating it again.');
  });
});
