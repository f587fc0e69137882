// The vscode-free parts of "Send work": repository matching (against the simulator), how secret findings
// are described, and the rate-limit countdown of the progress message.
import * as assert from 'node:assert/strict';
import { CodegenClient } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import type { CodegenApi } from '../../src/api/types';
import { RepositoryResolver, REPOSITORY_CACHE_MS } from '../../src/send/repositoryResolver';
import { describeFindings, locateFindings, MAX_LISTED_FINDINGS } from '../../src/send/secretFindings';
import { WaitCountdown } from '../../src/send/waitCountdown';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';

const REPOS_PATH = '/v1/organizations/1/repos';

describe('Send work: repository matching against the simulator', function () {
  this.timeout(20_000);
  let sim: CodegenSimulator;
  let api: CodegenApi & { dispose(): void };
  let clock: FakeClock;

  beforeEach(async () => {
    sim = await CodegenSimulator.start({ historicalRuns: 0 });
    // The client runs on real time (its HTTP exchanges are real); the cache runs on the fake clock.
    api = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, random: () => 0.5, maxReadRetries: 0 });
    clock = new FakeClock();
  });

  afterEach(async () => {
    api.dispose();
    await sim.stop();
  });

  it('matches full_name case-insensitively, reading every page', async () => {
    sim.setOrganizationRepos(
      1,
      Array.from({ length: 250 }, (_, i) => ({ id: 5000 + i, name: `repo-${i}`, full_name: `acme/Repo-${i}` })),
    );
    const resolver = new RepositoryResolver(api, clock);
    const found = await resolver.findByFullName(1, 'ACME/repo-230');
    assert.equal(found?.id, 5230);
    const lists = sim.requests.filter((r) => r.path === REPOS_PATH);
    assert.deepEqual(
      lists.map((r) => [r.query.skip, r.query.limit]),
      [
        ['0', '100'],
        ['100', '100'],
        ['200', '100'],
      ],
    );
    assert.equal(await resolver.findByFullName(1, 'acme/nothing-like-it'), undefined);
    assert.equal(await resolver.findByFullName(1, '  '), undefined);
  });

  it('keeps the list per organization for five minutes', async () => {
    const resolver = new RepositoryResolver(api, clock);
    assert.equal((await resolver.findByFullName(1, 'acme/widgets'))?.id, 101);
    assert.equal((await resolver.findByFullName(1, 'acme/api'))?.id, 102);
    assert.equal(sim.countRequests({ path: REPOS_PATH }), 1, 'the second lookup used the cache');
    assert.equal((await resolver.findByFullName(2, 'globex/portal'))?.id, 201);
    assert.equal(sim.countRequests({ path: '/v1/organizations/2/repos' }), 1, 'each organization has its own list');
    await clock.advance(REPOSITORY_CACHE_MS);
    assert.equal((await resolver.findByFullName(1, 'acme/widgets'))?.id, 101);
    assert.equal(sim.countRequests({ path: REPOS_PATH }), 2, 'listed again after five minutes');
    resolver.clear();
    await resolver.findByFullName(1, 'acme/widgets');
    assert.equal(sim.countRequests({ path: REPOS_PATH }), 3, 'listed again after clear()');
  });

  it('a failed listing rejects and is not cached', async () => {
    const resolver = new RepositoryResolver(api, clock);
    sim.injectFault({ kind: 'status', status: 403, path: '/repos$' });
    await assert.rejects(resolver.findByFullName(1, 'acme/widgets'), (error: unknown) => isApiError(error, 'forbidden'));
    assert.equal((await resolver.findByFullName(1, 'acme/widgets'))?.id, 101, 'the next lookup lists again');
    assert.equal(sim.countRequests({ path: REPOS_PATH }), 2);
  });

  it('reads at most maxPages pages', async () => {
    sim.setOrganizationRepos(
      1,
      Array.from({ length: 30 }, (_, i) => ({ id: 7000 + i, name: `r${i}`, full_name: `acme/r${i}` })),
    );
    const resolver = new RepositoryResolver(api, clock, { pageSize: 10, maxPages: 2 });
    assert.equal((await resolver.findByFullName(1, 'acme/r15'))?.id, 7015);
    assert.equal(await resolver.findByFullName(1, 'acme/r25'), undefined, 'beyond the pages read');
    assert.equal(sim.countRequests({ path: REPOS_PATH }), 2);
  });
});

describe('Send work: describing secret findings', () => {
  const source = {
    label: 'src/config.ts',
    text: 'import x from "y";\n\nexport const config = {\n  token: "SECRET-VALUE-123456",\n};\n',
    ranges: [{ startLine: 3, endLine: 5 }],
  };
  const prompt = 'Move the token to the environment\n\n---\n- File: src/config.ts\n\n```ts\nexport const config = {\n  token: "SECRET-VALUE-123456",\n};\n```\n';

  it('traces a prompt line back to the line of the file, else names the line of the prompt', () => {
    const located = locateFindings(
      [
        { ruleId: 'r', kind: 'GitHub token', line: 8 },
        { ruleId: 'r', kind: 'Possible secret', line: 1 },
        { ruleId: 'r', kind: 'Possible secret', line: 9 },
      ],
      prompt,
      source,
      'prompt',
    );
    assert.deepEqual(located, [
      { kind: 'GitHub token', where: 'on line 4 of src/config.ts' },
      { kind: 'Possible secret', where: 'on line 1 of the prompt' },
      // "};" is too short to say which line of the file it is.
      { kind: 'Possible secret', where: 'on line 9 of the prompt' },
    ]);
    assert.deepEqual(locateFindings([{ ruleId: 'r', kind: 'Slack token', line: 2 }], '{}', undefined, 'metadata'), [
      { kind: 'Slack token', where: "in the run's metadata" },
    ]);
  });

  it('lists findings one a line, never the secret, capped', () => {
    const many = Array.from({ length: MAX_LISTED_FINDINGS + 3 }, (_, i) => ({ kind: 'AWS secret access key', where: `on line ${i + 1} of the prompt` }));
    const detail = describeFindings(many);
    const lines = detail.split('\n');
    assert.equal(lines.length, MAX_LISTED_FINDINGS + 1);
    assert.equal(lines[0], '• AWS secret access key on line 1 of the prompt');
    assert.equal(lines[lines.length - 1], '…and 3 more');
    const located = locateFindings([{ ruleId: 'r', kind: 'GitHub token', line: 8 }], prompt, source, 'prompt');
    assert.ok(!describeFindings(located).includes('SECRET-VALUE'));
  });
});

describe('Send work: rate-limit countdown', () => {
  it('counts whole seconds down once a second, then reports the end once', async () => {
    const clock = new FakeClock();
    const shown: Array<number | 'done'> = [];
    const countdown = new WaitCountdown(clock, (s) => shown.push(s), () => shown.push('done'));
    assert.equal(countdown.active, false);
    countdown.start(2500);
    assert.equal(countdown.active, true);
    await clock.advance(500);
    await clock.advance(1000);
    await clock.advance(1000);
    assert.deepEqual(shown, [3, 2, 1, 'done']);
    assert.equal(countdown.active, false);
    assert.equal(clock.pendingTimers, 0);
  });

  it('restarts on a new wait and leaves no timer when disposed', async () => {
    const clock = new FakeClock();
    const shown: Array<number | 'done'> = [];
    const countdown = new WaitCountdown(clock, (s) => shown.push(s), () => shown.push('done'));
    countdown.start(5000);
    await clock.advance(1000);
    countdown.start(12_000);
    assert.deepEqual(shown, [5, 4, 12]);
    countdown.dispose();
    assert.equal(clock.pendingTimers, 0);
    await clock.advance(20_000);
    assert.deepEqual(shown, [5, 4, 12], 'nothing after dispose');
    countdown.start(1000);
    assert.equal(clock.pendingTimers, 0);
  });
});
