// CodegenClient against the Codegen API simulator over real HTTP on 127.0.0.1. Time is a FakeClock shared by
// the client, its governor and the simulator (rate windows, run progress). settle() advances it only while no
// HTTP exchange is in flight (so the simulator sees each request at the fake time it was sent) and only to
// governor and backoff timers, never to a request's timeout.

import * as assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CodegenClient, type CodegenClientOptions, type FetchLike } from '../../src/api/client';
import { CodegenApiError, isApiError, type ApiErrorKind } from '../../src/api/errors';
import { RateGovernor, type RateWaitEvent } from '../../src/api/rateGovernor';
import { statusCategory } from '../../src/api/status';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, SIM, UNKNOWN_FAULT_STATUS } from '../simulator/simulator';

/** Long enough that settle() never reaches it: a test about timeouts advances the clock itself. */
const NEVER_TIMES_OUT = 3_600_000;
const LONGEST_AUTOMATIC_STEP = 120_000;

const CREATE_PATH = /^\/v1\/organizations\/\d+\/agent\/run$/;
const RUN_PATH = /^\/v1\/organizations\/\d+\/agent\/run\/\d+$/;

function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (real time, bounded) until the simulator has recorded `count` requests matching the filter. */
async function waitForRequests(sim: CodegenSimulator, filter: Parameters<CodegenSimulator['countRequests']>[0], count: number): Promise<void> {
  for (let i = 0; i < 1_000 && sim.countRequests(filter) < count; i++) await realDelay(2);
  assert.ok(sim.countRequests(filter) >= count, `expected ${count} matching requests`);
}

async function rejectsWith(promise: Promise<unknown>, kind: ApiErrorKind): Promise<CodegenApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CodegenApiError, `expected a CodegenApiError, got ${inspect(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}

describe('api client against the simulator', function () {
  this.timeout(20_000);

  let clock: FakeClock;
  let sim: CodegenSimulator;
  let governor: RateGovernor;
  let waits: RateWaitEvent[];
  let logLines: string[];
  const clients: CodegenClient[] = [];
  /** HTTP exchanges started by the clients and not yet fully read. */
  let inFlight = 0;

  /** Wraps a fetch (default node-fetch) so settle() knows when real I/O is pending. */
  function tracked(inner: FetchLike | undefined): FetchLike {
    return async (url, init) => {
      inFlight++;
      try {
        const response = inner ? await inner(url, init) : await (await import('node-fetch')).default(url, init);
        const text = await response.text();
        return { status: response.status, statusText: response.statusText, headers: response.headers, text: () => Promise.resolve(text) };
      } finally {
        inFlight--;
      }
    };
  }

  /** Drives the fake clock until the promise settles: lets real I/O finish, then fires the next short timer. */
  async function settle<T>(promise: Promise<T>, fake: FakeClock): Promise<T> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 5_000 && !done; i++) {
      await realDelay(1);
      if (done || inFlight > 0) continue;
      const next = fake.nextTimerDelay();
      if (next !== undefined && next <= LONGEST_AUTOMATIC_STEP) await fake.advance(next);
    }
    return promise;
  }

  function client(options: Partial<CodegenClientOptions> = {}): CodegenClient {
    const created = new CodegenClient({
      baseUrl: sim.url,
      getToken: () => SIM.token,
      clock,
      governor,
      timeoutMs: NEVER_TIMES_OUT,
      random: () => 0.5,
      logger: {
        debug: (line) => logLines.push(line),
        info: (line) => logLines.push(line),
        warn: (line) => logLines.push(line),
        error: (line) => logLines.push(line),
      },
      ...options,
      fetch: tracked(options.fetch),
    });
    clients.push(created);
    return created;
  }

  before(async () => {
    // The simulator keeps the clock it was started with; this one follows each test's FakeClock.
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ seed: 1, clock: { now: () => clock.now() } });
  });

  after(async () => {
    await sim.stop();
  });

  beforeEach(() => {
    clock = new FakeClock();
    sim.reset();
    governor = new RateGovernor({ clock, random: () => 0.5 });
    waits = [];
    governor.onDidWait((event) => waits.push(event));
    logLines = [];
  });

  afterEach(() => {
    for (const created of clients.splice(0)) created.dispose();
    governor.dispose();
  });

  describe('endpoints', () => {
    it('getCurrentUser', async () => {
      const user = await settle(client().getCurrentUser(), clock);
      assert.equal(user.id, SIM.userId);
      assert.equal(user.email, SIM.email);
      assert.equal(user.githubUsername, SIM.githubUsername);
      assert.equal(user.fullName, SIM.fullName);
      assert.equal(sim.countRequests({ method: 'GET', path: '/v1/users/me', status: 200 }), 1);
    });

    it('listOrganizations with paging', async () => {
      const page = await settle(client().listOrganizations({ skip: 0, limit: 10 }), clock);
      assert.ok(page.items.some((org) => org.id === SIM.orgId && typeof org.name === 'string'));
      assert.equal(page.total, page.items.length);
      assert.deepEqual(sim.requests.at(-1)?.query, { skip: '0', limit: '10' });
    });

    it('listRepositories', async () => {
      const page = await settle(client().listRepositories(SIM.orgId), clock);
      assert.deepEqual(
        page.items.map((repo) => repo.id),
        [...SIM.repoIds],
      );
      const widgets = page.items.find((repo) => repo.fullName === SIM.repoFullName);
      assert.ok(widgets && typeof widgets.setupStatus === 'string' && typeof widgets.archived === 'boolean');
    });

    it('createRun sends snake_case and returns the run', async () => {
      const run = await settle(
        client().createRun(SIM.orgId, {
          prompt: 'Add a health check endpoint',
          repoId: SIM.repoId,
          agentType: 'claude_code',
          model: 'fast',
          metadata: { origin: 'vscode' },
        }),
        clock,
      );
      assert.equal(run.organizationId, SIM.orgId);
      assert.equal(typeof run.id, 'number');
      assert.equal(statusCategory(run.status), 'inProgress');
      const posted = sim.requests.find((request) => request.method === 'POST' && CREATE_PATH.test(request.path));
      assert.deepEqual(posted?.body, {
        prompt: 'Add a health check endpoint',
        repo_id: SIM.repoId,
        model: 'fast',
        agent_type: 'claude_code',
        metadata: { origin: 'vscode' },
      });
      assert.equal(sim.getRun(run.id)?.agentType, 'claude_code');
    });

    it('getRun', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId, pullRequest: true });
      const run = await settle(client().getRun(SIM.orgId, seeded.id), clock);
      assert.equal(run.id, seeded.id);
      assert.equal(run.pullRequests.length, 1);
      assert.ok(run.pullRequests[0]?.url?.startsWith('https://'));
    });

    it('listRuns with skip, limit, user_id and source_type', async () => {
      const mine = sim.addRun({ organizationId: SIM.orgId, userId: SIM.userId, sourceType: 'API' });
      sim.addRun({ organizationId: SIM.orgId, userId: SIM.otherUserId, sourceType: 'API' });
      sim.addRun({ organizationId: SIM.orgId, userId: SIM.userId, sourceType: 'SLACK' });
      const page = await settle(client().listRuns(SIM.orgId, { skip: 0, limit: 5, userId: SIM.userId, sourceType: 'API' }), clock);
      assert.ok(page.items.some((run) => run.id === mine.id));
      assert.ok(page.items.every((run) => run.sourceType === 'API'));
      assert.deepEqual(sim.requests.at(-1)?.query, { skip: '0', limit: '5', user_id: String(SIM.userId), source_type: 'API' });
    });

    it('resumeRun sends the follow-up', async () => {
      const paused = sim.addRun({ organizationId: SIM.orgId, status: 'PAUSED' });
      const run = await settle(client().resumeRun(SIM.orgId, { agentRunId: paused.id, prompt: 'Also add tests' }), clock);
      assert.equal(run.id, paused.id);
      assert.deepEqual(
        sim.getRun(paused.id)?.followUps.map((followUp) => followUp.prompt),
        ['Also add tests'],
      );
    });

    it('banChecks, unbanChecks and removeFromPr', async () => {
      const api = client();
      const seeded = sim.addRun({ organizationId: SIM.orgId, pullRequest: true });
      await settle(api.banChecks(SIM.orgId, seeded.id), clock);
      assert.equal(sim.getRun(seeded.id)?.checksBanned, true);
      await settle(api.unbanChecks(SIM.orgId, seeded.id), clock);
      assert.equal(sim.getRun(seeded.id)?.checksBanned, false);
      await settle(api.removeFromPr(SIM.orgId, seeded.id), clock);
      assert.equal(sim.getRun(seeded.id)?.removedFromPr, true);
      assert.deepEqual(
        sim.requests.map((request) => [request.path.split('/').at(-1), request.body, request.status]),
        [
          ['ban', { agent_run_id: seeded.id }, 200],
          ['unban', { agent_run_id: seeded.id }, 200],
          ['remove-from-pr', { agent_run_id: seeded.id }, 200],
        ],
      );
    });

    it('getRunLogs with skip, limit and reverse', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId, status: 'COMPLETE', logCount: 30 });
      const api = client();
      const first = await settle(api.getRunLogs(SIM.orgId, seeded.id, { skip: 0, limit: 10 }), clock);
      assert.equal(first.run.id, seeded.id);
      assert.equal(first.totalLogs, 30);
      assert.equal(first.logs.length, 10);
      assert.ok(first.logs.every((entry) => entry.agentRunId === seeded.id && typeof entry.messageType === 'string'));
      const newest = await settle(api.getRunLogs(SIM.orgId, seeded.id, { skip: 0, limit: 10, reverse: true }), clock);
      assert.deepEqual(sim.requests.at(-1)?.query, { skip: '0', limit: '10', reverse: 'true' });
      assert.notDeepEqual(newest.logs[0], first.logs[0]);
      assert.equal(sim.countRequests({ rateClass: 'logs' }), 2);
    });

    it('logs one line per request without the token or the Authorization header', async () => {
      await settle(client().getRun(SIM.orgId, sim.addRun({ organizationId: SIM.orgId }).id), clock);
      assert.equal(logLines.length, 1);
      assert.match(logLines[0]!, /^Codegen API: GET \/v1\/organizations\/1\/agent\/run\/\d+ → 200 in \d+ ms$/);
      assert.ok(!logLines.join('\n').includes(SIM.token));
      assert.doesNotMatch(logLines.join('\n'), /authorization|bearer/i);
    });
  });

  describe('errors', () => {
    it('unauthorized: wrong token (401) and missing token (no request at all)', async () => {
      const wrong = await rejectsWith(settle(client({ getToken: () => 'not-a-real-token' }).getCurrentUser(), clock), 'unauthorized');
      assert.equal(wrong.status, 401);
      assert.match(wrong.message, /Set a new token/);
      const before = sim.requests.length;
      await rejectsWith(client({ getToken: () => undefined }).getCurrentUser(), 'unauthorized');
      await rejectsWith(client({ getToken: async () => Promise.resolve('  ') }).getCurrentUser(), 'unauthorized');
      await rejectsWith(client({ getToken: () => 'line\nbreak' }).getCurrentUser(), 'unauthorized');
      assert.equal(sim.requests.length, before);
    });

    it('billing (402)', async () => {
      sim.injectFault({ kind: 'status', status: 402, method: 'POST' });
      const error = await rejectsWith(settle(client().createRun(SIM.orgId, { prompt: 'x' }), clock), 'billing');
      assert.match(error.message, /billing/i);
      assert.equal(sim.countRequests({ method: 'POST' }), 1);
    });

    it('forbidden (403) for an org the user is not a member of', async () => {
      const error = await rejectsWith(settle(client().listRepositories(SIM.forbiddenOrgId), clock), 'forbidden');
      assert.match(error.message, /organization/);
    });

    it('notFound (404) for a run that does not exist, parsing the {detail} body', async () => {
      const error = await rejectsWith(settle(client().getRun(SIM.orgId, 987_654), clock), 'notFound');
      assert.match(error.message, /Agent run 987654 not found/);
      assert.equal(sim.countRequests({ path: RUN_PATH }), 1, '404 is not retried');
    });

    it('noRepositories (404 on create when the org has none)', async () => {
      sim.setOrganizationRepos(SIM.orgId, []);
      const error = await rejectsWith(settle(client().createRun(SIM.orgId, { prompt: 'x' }), clock), 'noRepositories');
      assert.match(error.message, /repository settings/);
    });

    it('a create naming an unknown repository is notFound, not noRepositories', async () => {
      await rejectsWith(settle(client().createRun(SIM.orgId, { prompt: 'x', repoId: 999 }), clock), 'notFound');
    });

    it('invalid (422) carries the offending fields', async () => {
      const error = await rejectsWith(settle(client().createRun(SIM.orgId, { prompt: '   ', images: ['http://x/y.png'] }), clock), 'invalid');
      assert.deepEqual(
        error.details.fields?.map((field) => field.location),
        ['body.prompt', 'body.images.0'],
      );
      assert.match(error.message, /body\.prompt/);
    });

    it('invalid ids are refused before any request', async () => {
      await rejectsWith(client().getRun(SIM.orgId, -1), 'invalid');
      await rejectsWith(client().getRun(1.5, 2), 'invalid');
      assert.equal(sim.requests.length, 0);
    });

    it('rateLimited (429) once the retries run out, with retryAfterMs', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', times: -1, retryAfterSeconds: 2 });
      const error = await rejectsWith(settle(client({ maxReadRetries: 2 }).getCurrentUser(), clock), 'rateLimited');
      assert.equal(error.details.retryAfterMs, 2_000);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 429 }), 3);
    });

    it('server (5xx): a read is retried a bounded number of times (default 4)', async () => {
      sim.injectFault({ kind: 'status', status: 503, path: '/v1/users/me', times: -1, errorShape: 'detail' });
      const error = await rejectsWith(settle(client().getCurrentUser(), clock), 'server');
      assert.match(error.message, /Service Unavailable/);
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 5);
      assert.deepEqual(
        waits.map((wait) => [wait.reason, wait.waitMs]),
        [
          // random() = 0.5: 2 s, ×1.5 per attempt, +10 % jitter. Never at once.
          ['backoff', 2200],
          ['backoff', 3300],
          ['backoff', 4950],
          ['backoff', 7425],
        ],
      );
    });

    it('server (5xx): a read recovers when a retry succeeds', async () => {
      sim.injectFault({ kind: 'status', status: 500, path: '/v1/users/me', times: 2 });
      const user = await settle(client().getCurrentUser(), clock);
      assert.equal(user.id, SIM.userId);
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 3);
    });

    it('server (5xx) on create is not retried and says the run may exist', async () => {
      sim.injectFault({ kind: 'status', status: 500, method: 'POST', path: CREATE_PATH.source });
      const error = await rejectsWith(settle(client().createRun(SIM.orgId, { prompt: 'x' }), clock), 'server');
      assert.equal(error.details.mayHaveBeenCreated, true);
      assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
    });

    it('5xx on ban is not retried', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId, pullRequest: true });
      sim.injectFault({ kind: 'status', status: 502, path: '/ban$' });
      await rejectsWith(settle(client().banChecks(SIM.orgId, seeded.id), clock), 'server');
      assert.equal(sim.countRequests({ path: /\/ban$/ }), 1);
    });

    it('network: a dropped read is retried', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId });
      sim.injectFault({ kind: 'drop', path: RUN_PATH.source, times: 2 });
      const run = await settle(client().getRun(SIM.orgId, seeded.id), clock);
      assert.equal(run.id, seeded.id);
      assert.equal(sim.countRequests({ path: RUN_PATH }), 3);
    });

    it('network: a read that keeps failing gives kind network', async () => {
      sim.injectFault({ kind: 'drop', path: '/v1/organizations$', times: -1 });
      const error = await rejectsWith(settle(client({ maxReadRetries: 1 }).listOrganizations(), clock), 'network');
      assert.match(error.message, /Could not reach the Codegen service/);
      assert.equal(sim.countRequests({ path: '/v1/organizations' }), 2);
    });

    it('network: nothing listening', async () => {
      const closed = await CodegenSimulator.start();
      const url = closed.url;
      await closed.stop();
      const error = await rejectsWith(settle(client({ baseUrl: url, maxReadRetries: 0 }).getCurrentUser(), clock), 'network');
      assert.match(error.message, /ECONNREFUSED/);
    });

    it('a dropped connection on create: exactly one POST, and the error says the run may have been created', async () => {
      sim.injectFault({ kind: 'drop', method: 'POST', path: CREATE_PATH.source, afterProcessing: true });
      const runsBefore = sim.addRun({ organizationId: SIM.orgId }).id;
      const error = await rejectsWith(settle(client().createRun(SIM.orgId, { prompt: 'Create me once' }), clock), 'network');
      assert.equal(error.details.mayHaveBeenCreated, true);
      assert.match(error.message, /the run may have been created; refresh the runs list before trying again/);
      assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
      assert.ok(sim.getRun(runsBefore + 1), 'the simulator did create the run');
    });

    it('timeout: a slow answer times out (and a timed-out read is not retried)', async () => {
      sim.injectFault({ kind: 'slow', path: '/v1/users/me', delayMs: 5_000 });
      const outcome = rejectsWith(client({ timeoutMs: 15_000 }).getCurrentUser(), 'timeout');
      await waitForRequests(sim, { path: '/v1/users/me' }, 1);
      await clock.advance(15_000);
      const error = await outcome;
      assert.match(error.message, /did not answer within 15 s/);
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 1);
    });

    it('timeout on create is not posted again and says the run may have been created', async () => {
      sim.injectFault({ kind: 'slow', method: 'POST', path: CREATE_PATH.source, delayMs: 5_000 });
      const outcome = rejectsWith(client().createRun(SIM.orgId, { prompt: 'slow' }, { timeoutMs: 2_000 }), 'timeout');
      await waitForRequests(sim, { method: 'POST', path: CREATE_PATH }, 1);
      await clock.advance(2_000);
      const error = await outcome;
      assert.equal(error.details.mayHaveBeenCreated, true);
      assert.match(error.message, /refresh the runs list before trying again/);
      assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
    });

    it('malformed JSON gives kind malformed (not retried), never a crash', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId });
      sim.injectFault({ kind: 'malformed', path: RUN_PATH.source });
      const error = await rejectsWith(settle(client().getRun(SIM.orgId, seeded.id), clock), 'malformed');
      assert.match(error.message, /not valid JSON/);
      assert.equal(sim.countRequests({ path: RUN_PATH }), 1);
    });

    it('malformed on a list and on logs', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId });
      sim.injectFault({ kind: 'malformed', path: '/agent/runs$' });
      sim.injectFault({ kind: 'malformed', path: '/logs$' });
      await rejectsWith(settle(client().listRuns(SIM.orgId), clock), 'malformed');
      await rejectsWith(settle(client().getRunLogs(SIM.orgId, seeded.id), clock), 'malformed');
    });
  });

  describe('tolerant payloads', () => {
    it('null fields become undefined (run, list, logs)', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId, pullRequest: true });
      sim.injectFault({ kind: 'nullFields', path: RUN_PATH.source });
      sim.injectFault({ kind: 'nullFields', path: '/agent/runs$' });
      sim.injectFault({ kind: 'nullFields', path: '/logs$' });
      const api = client();
      const run = await settle(api.getRun(SIM.orgId, seeded.id), clock);
      assert.deepEqual(run, { id: seeded.id, organizationId: SIM.orgId, pullRequests: [] });
      const page = await settle(api.listRuns(SIM.orgId), clock);
      assert.ok(page.items.length > 0);
      assert.ok(page.items.every((item) => item.status === undefined && item.pullRequests.length === 0));
      const logs = await settle(api.getRunLogs(SIM.orgId, seeded.id), clock);
      assert.equal(logs.run.status, undefined);
    });

    it('an unknown status is kept as sent and categorised unknown', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId });
      sim.injectFault({ kind: 'unknownStatus', path: RUN_PATH.source });
      const run = await settle(client().getRun(SIM.orgId, seeded.id), clock);
      assert.equal(run.status, UNKNOWN_FAULT_STATUS);
      assert.equal(statusCategory(run.status), 'unknown');
    });
  });

  describe('rate limits', () => {
    it('429 with Retry-After: waits exactly that long, then succeeds', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 7 });
      const started = clock.now();
      const user = await settle(client().getCurrentUser(), clock);
      assert.equal(user.id, SIM.userId);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 429 }), 1);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 200 }), 1);
      assert.deepEqual(waits, [{ rateClass: 'standard', waitMs: 7_000, reason: 'retryAfter' }]);
      assert.equal(sim.requests[1]!.at - started, 7_000);
    });

    it('429 with Retry-After as an HTTP date is honoured too', async () => {
      const seconds = 9;
      const fetchWithDate: FetchLike = async (url, init) => {
        const nodeFetch = await import('node-fetch');
        const response = await nodeFetch.default(url, init);
        return {
          status: response.status,
          statusText: response.statusText,
          text: () => response.text(),
          headers: {
            get: (name: string) =>
              name.toLowerCase() === 'retry-after' && response.status === 429 ? new Date(clock.now() + seconds * 1000).toUTCString() : response.headers.get(name),
          },
        };
      };
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 1 });
      await settle(client({ fetch: fetchWithDate }).getCurrentUser(), clock);
      assert.deepEqual(waits, [{ rateClass: 'standard', waitMs: 9_000, reason: 'retryAfter' }]);
    });

    it('a Retry-After beyond a minute fails fast with rateLimited instead of hanging silently', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 3_600 });
      const error = await rejectsWith(settle(client().getCurrentUser(), clock), 'rateLimited');
      // An hour is capped at 10 minutes: the class pauses that long, and the message says so.
      assert.equal(error.details.retryAfterMs, 600_000);
      assert.match(error.message, /Try again in 600 s/);
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 1);
    });

    it('429 without Retry-After: waits at least 2 s, growing ×1.5', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: null, times: 3 });
      await settle(client().getCurrentUser(), clock);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 429 }), 3);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 200 }), 1);
      // random() = 0.5: 2 s, 3 s, 4.5 s, each +10 % jitter.
      assert.deepEqual(
        waits.map((wait) => [wait.reason, wait.waitMs]),
        [
          ['backoff', 2_200],
          ['backoff', 3_300],
          ['backoff', 4_950],
        ],
      );
    });

    it('Retry-After: 0 never means at once: it waits like a missing one', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 0, times: 2 });
      await settle(client().getCurrentUser(), clock);
      assert.deepEqual(
        waits.map((wait) => [wait.reason, wait.waitMs]),
        [
          ['backoff', 2_200],
          ['backoff', 3_300],
        ],
      );
      const at = sim.requests.filter((request) => request.path === '/v1/users/me').map((request) => request.at);
      assert.ok(at.slice(1).every((time, index) => time - at[index]! >= 2_000), at.join(', '));
    });

    it('a background call (retries: none) makes one attempt and reports only the Retry-After the service sent', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: null, times: 1 });
      const without = await rejectsWith(settle(client().getCurrentUser({ retries: 'none' }), clock), 'rateLimited');
      assert.equal(without.details.retryAfterMs, undefined);
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 7, times: 1 });
      await clock.advance(60_000);
      const given = await rejectsWith(settle(client().getCurrentUser({ retries: 'none' }), clock), 'rateLimited');
      assert.equal(given.details.retryAfterMs, 7_000);
      sim.injectFault({ kind: 'status', status: 503, path: '/v1/users/me', times: 1 });
      await clock.advance(60_000);
      await rejectsWith(settle(client().getCurrentUser({ retries: 'none' }), clock), 'server');
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 3);
    });

    it('a create is retried after a 429 (nothing was created) and creates exactly one run', async () => {
      sim.injectFault({ kind: 'rateLimit', method: 'POST', path: CREATE_PATH.source, retryAfterSeconds: 3 });
      const run = await settle(client().createRun(SIM.orgId, { prompt: 'after a 429' }), clock);
      assert.deepEqual(
        sim.requests.filter((request) => request.method === 'POST').map((request) => request.status),
        [429, 200],
      );
      assert.equal(sim.getRun(run.id)?.prompt, 'after a 429');
      assert.equal(sim.getRun(run.id + 1), undefined);
    });

    it('a 429 pauses the class for every caller', async () => {
      const seeded = sim.addRun({ organizationId: SIM.orgId });
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 5 });
      const api = client();
      const first = api.getCurrentUser();
      await waitForRequests(sim, { status: 429 }, 1);
      await realDelay(20);
      const second = api.getRun(SIM.orgId, seeded.id);
      await realDelay(50);
      assert.equal(sim.countRequests({ path: RUN_PATH }), 0, 'the other call waits for the pause too');
      await settle(Promise.all([first, second]), clock);
      const runRequest = sim.requests.find((request) => RUN_PATH.test(request.path));
      assert.ok(runRequest && runRequest.at - sim.requests[0]!.at >= 5_000);
    });

    it('a burst of creates stays within the limit: no 429 from the real limiter', async () => {
      const api = client();
      const runs = await settle(Promise.all(Array.from({ length: 20 }, (_, i) => api.createRun(SIM.orgId, { prompt: `burst ${i}` }))), clock);
      assert.equal(new Set(runs.map((run) => run.id)).size, 20);
      assert.equal(sim.countRequests({ status: 429 }), 0);
      assert.equal(sim.countRequests({ method: 'POST', path: CREATE_PATH, status: 200 }), 20);
      assert.ok(waits.some((wait) => wait.reason === 'budget' && wait.rateClass === 'create'));
    });

    it('two clients sharing a governor stay within the standard limit together', async () => {
      const a = client();
      const b = client();
      const calls = Array.from({ length: 70 }, (_, i) => (i % 2 === 0 ? a : b).getCurrentUser());
      await settle(Promise.all(calls), clock);
      assert.equal(sim.countRequests({ status: 429 }), 0);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 200 }), 70);
    });

    it('without a governor budget the real limiter answers 429 and the client retries', async () => {
      const open = new RateGovernor({ clock, enforceBudget: false, random: () => 0.5 });
      try {
        const api = client({ governor: open });
        const runs = await settle(Promise.all(Array.from({ length: 12 }, (_, i) => api.createRun(SIM.orgId, { prompt: `open ${i}` }))), clock);
        assert.equal(runs.length, 12);
        assert.ok(sim.countRequests({ status: 429 }) >= 2);
      } finally {
        open.dispose();
      }
    });

    it('at most maxConcurrentReads reads are in flight at once', async () => {
      let reading = 0;
      let maxReading = 0;
      const countingFetch: FetchLike = async (url, init) => {
        const nodeFetch = await import('node-fetch');
        reading++;
        maxReading = Math.max(maxReading, reading);
        try {
          const response = await nodeFetch.default(url, init);
          const text = await response.text();
          return { status: response.status, statusText: response.statusText, headers: response.headers, text: () => Promise.resolve(text) };
        } finally {
          reading--;
        }
      };
      sim.injectFault({ kind: 'slow', path: '/v1/users/me', delayMs: 100, times: -1 });
      const api = client({ fetch: countingFetch, maxConcurrentReads: 2 });
      await settle(Promise.all(Array.from({ length: 6 }, () => api.getCurrentUser())), clock);
      assert.equal(maxReading, 2);
      assert.equal(sim.countRequests({ path: '/v1/users/me', status: 200 }), 6);
    });
  });

  describe('cancellation', () => {
    it('an aborted signal before the call sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      await rejectsWith(client().getCurrentUser({ signal: controller.signal }), 'cancelled');
      assert.equal(sim.requests.length, 0);
    });

    it('aborting an in-flight request gives cancelled and no retry', async () => {
      sim.injectFault({ kind: 'slow', path: '/v1/users/me', delayMs: 5_000 });
      const controller = new AbortController();
      const call = client().getCurrentUser({ signal: controller.signal });
      await waitForRequests(sim, { path: '/v1/users/me' }, 1);
      controller.abort();
      await rejectsWith(call, 'cancelled');
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 1);
      assert.equal(clock.pendingTimers, 0, 'the timeout timer was cleared');
    });

    it('aborting while waiting for a Retry-After stops the retry', async () => {
      sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', retryAfterSeconds: 30 });
      const controller = new AbortController();
      const call = client().getCurrentUser({ signal: controller.signal });
      await waitForRequests(sim, { status: 429 }, 1);
      for (let i = 0; i < 200 && waits.length === 0; i++) await realDelay(2);
      controller.abort();
      await rejectsWith(call, 'cancelled');
      await clock.advance(60_000);
      assert.equal(sim.countRequests({ path: '/v1/users/me' }), 1);
    });

    it('aborting a create while it waits for the budget never posts it', async () => {
      const api = client();
      await settle(Promise.all(Array.from({ length: 9 }, (_, i) => api.createRun(SIM.orgId, { prompt: `fill ${i}` }))), clock);
      const controller = new AbortController();
      const call = api.createRun(SIM.orgId, { prompt: 'never sent' }, { signal: controller.signal });
      controller.abort();
      await rejectsWith(call, 'cancelled');
      await clock.advance(120_000);
      assert.equal(sim.countRequests({ method: 'POST' }), 9);
    });
  });

  describe('the token never leaks', () => {
    const secretToken = 'sk-leak-check-9f8e7d6c5b4a3210';

    /** A real fetch that makes the service echo the Authorization header back in its error body. */
    const echoingFetch: FetchLike = async (url, init) => {
      const nodeFetch = await import('node-fetch');
      const response = await nodeFetch.default(url, init);
      const text = await response.text();
      const echoed = response.status >= 400 ? JSON.stringify({ message: `Rejected ${init.headers.Authorization} (token ${secretToken})`, status_code: response.status }) : text;
      return { status: response.status, statusText: response.statusText, headers: response.headers, text: () => Promise.resolve(echoed) };
    };

    for (const [label, setup, kind] of [
      ['401', () => undefined, 'unauthorized'],
      ['429', () => sim.injectFault({ kind: 'rateLimit', path: '/v1/users/me', times: -1, retryAfterSeconds: 1 }), 'rateLimited'],
      ['500', () => sim.injectFault({ kind: 'status', status: 500, path: '/v1/users/me', times: -1 }), 'server'],
    ] as const) {
      it(`after ${label}: not in the message, JSON, stack, inspect output or log`, async () => {
        setup();
        for (const fetch of [undefined, echoingFetch]) {
          logLines = [];
          const error = await rejectsWith(settle(client({ getToken: () => secretToken, maxReadRetries: 1, fetch }).getCurrentUser(), clock), kind);
          const surfaces = [error.message, JSON.stringify(error), String(error.stack), inspect(error, { depth: 5 }), String(error), logLines.join('\n')];
          for (const surface of surfaces) {
            assert.ok(!surface.includes(secretToken), `token found in: ${surface}`);
            assert.ok(!surface.includes(secretToken.slice(0, 12)), `token prefix found in: ${surface}`);
          }
          assert.ok(logLines.length >= 1, 'the attempts were logged');
          assert.ok(isApiError(error, kind));
        }
      });
    }
  });

  describe('the token never leaks, whatever fails', () => {
    const secretToken = 'sk-leak-check-9f8e7d6c5b4a3210';

    function assertNoToken(error: CodegenApiError): void {
      for (const surface of [error.message, JSON.stringify(error), String(error.stack), inspect(error, { depth: 5 }), String(error), logLines.join('\n')]) {
        assert.ok(!surface.includes(secretToken), `token found in: ${surface}`);
      }
    }

    it('a network error whose message carries the token', async () => {
      const failing: FetchLike = () => Promise.reject(Object.assign(new Error(`connect ECONNREFUSED (Authorization: Bearer ${secretToken}) ${secretToken}`), { code: 'ECONNREFUSED' }));
      const error = await rejectsWith(settle(client({ getToken: () => secretToken, maxReadRetries: 0, fetch: failing }).getCurrentUser(), clock), 'network');
      assertNoToken(error);
      assert.match(logLines.join('\n'), /ECONNREFUSED/);
    });

    it('a timeout', async () => {
      const hanging: FetchLike = (_url, init) =>
        new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error(`aborted while sending ${secretToken}`))));
      const call = client({ getToken: () => secretToken, maxReadRetries: 0, timeoutMs: 1_000, fetch: hanging }).getCurrentUser();
      await clock.advance(1_001);
      const error = await rejectsWith(call, 'timeout');
      assertNoToken(error);
    });

    it('a body that echoes the bare token back', async () => {
      const echoing: FetchLike = () =>
        Promise.resolve({ status: 401, statusText: 'Unauthorized', headers: { get: () => null }, text: () => Promise.resolve(JSON.stringify({ message: `bad token ${secretToken}`, status_code: 401 })) });
      const error = await rejectsWith(settle(client({ getToken: () => secretToken, fetch: echoing }).getCurrentUser(), clock), 'unauthorized');
      assertNoToken(error);
      assert.match(error.message, /bad token \[redacted\]/);
    });

    it('redaction hides tokens, not words: "Token revoked" stays readable', async () => {
      const revoked: FetchLike = () =>
        Promise.resolve({ status: 401, statusText: 'Unauthorized', headers: { get: () => null }, text: () => Promise.resolve(JSON.stringify({ message: 'Token revoked by an administrator', status_code: 401 })) });
      const error = await rejectsWith(settle(client({ getToken: () => secretToken, fetch: revoked }).getCurrentUser(), clock), 'unauthorized');
      assert.match(error.message, /Token revoked by an administrator/);
      const bearer: FetchLike = () =>
        Promise.resolve({ status: 403, statusText: 'Forbidden', headers: { get: () => null }, text: () => Promise.resolve(JSON.stringify({ detail: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x1 is not valid here' })) });
      const forbidden = await rejectsWith(settle(client({ getToken: () => secretToken, fetch: bearer }).getCurrentUser(), clock), 'forbidden');
      assert.match(forbidden.message, /Bearer \[redacted\] is not valid here/);
    });

    it('a redirect is refused: never followed, so the Authorization header goes nowhere else', async () => {
      const http = await import('node:http');
      let reachedTarget = 0;
      const target = http.createServer((_request, response) => {
        reachedTarget++;
        response.end('{}');
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      const targetPort = (target.address() as { port: number }).port;
      const redirecting = http.createServer((_request, response) => {
        response.writeHead(302, { Location: `http://127.0.0.1:${targetPort}/v1/users/me` });
        response.end();
      });
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
      const port = (redirecting.address() as { port: number }).port;
      try {
        const call = client({ baseUrl: `http://127.0.0.1:${port}`, getToken: () => secretToken, maxReadRetries: 0 }).getCurrentUser();
        const error = await settle(call, clock).then(
          () => assert.fail('a redirect must not succeed'),
          (e: unknown) => e,
        );
        assert.ok(isApiError(error), String(error));
        assert.equal(error.status, 302);
        assert.equal(reachedTarget, 0, 'the redirect was not followed');
        assertNoToken(error);
      } finally {
        redirecting.close();
        target.close();
      }
    });
  });

  describe('construction', () => {
    it('accepts https anywhere and http only on loopback', () => {
      assert.doesNotThrow(() => client({ baseUrl: 'https://api.codegen.com' }));
      assert.doesNotThrow(() => client({ baseUrl: 'http://localhost:8080/' }));
      assert.throws(() => client({ baseUrl: 'http://api.codegen.com' }), /https/);
      assert.throws(() => client({ baseUrl: 'https://user:pw@api.codegen.com' }), /user name or password/);
      assert.throws(() => client({ baseUrl: 'not-a-url' }), /not a valid URL/);
      assert.throws(() => client({ baseUrl: ' https://api.codegen.com' }), /spaces or invisible characters/);
    });

    it('keeps a base path of a self-hosted service', async () => {
      const seen: string[] = [];
      const recording: FetchLike = async (url) => {
        seen.push(url);
        return Promise.resolve({ status: 200, statusText: 'OK', headers: { get: () => null }, text: () => Promise.resolve('{"id": 1}') });
      };
      await client({ baseUrl: 'https://codegen.example.com/api', fetch: recording }).getCurrentUser();
      assert.deepEqual(seen, ['https://codegen.example.com/api/v1/users/me']);
    });
  });
});
