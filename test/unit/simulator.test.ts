// The simulator's API behaviour, over real HTTP: auth, accounts, pagination, runs, progression, PR actions, logs.

import * as assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock';
import {
  CodegenSimulator,
  LOG_MESSAGE_TYPES,
  NO_REPOSITORIES_MESSAGE,
  RUN_IN_PROGRESS_STATUS,
  SIM,
  UNKNOWN_LOG_TYPE,
  WEIRD_STATUS,
} from '../simulator/simulator';
import { call, paths } from '../simulator/testing';

const DURATION = 10_000;

describe('Codegen simulator: API', () => {
  let clock: FakeClock;
  let sim: CodegenSimulator;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock, runDurationMs: DURATION });
  });

  afterEach(async () => {
    await sim.stop();
  });

  const get = (path: string, token?: string | null) => call(sim.url, 'GET', path, { token });
  const post = (path: string, body: unknown, token?: string) => call(sim.url, 'POST', path, { body, token });
  const create = async (body: Record<string, unknown>, token?: string): Promise<number> => {
    const answer = await post(paths.create(), body, token);
    assert.equal(answer.status, 200, answer.text);
    return answer.json.id as number;
  };

  describe('auth and routing', () => {
    it('answers 401 with {message, status_code} without a token', async () => {
      const answer = await get('/v1/users/me', null);
      assert.equal(answer.status, 401);
      assert.equal(answer.json.status_code, 401);
      assert.equal(typeof answer.json.message, 'string');
    });

    it('answers 401 for a wrong token', async () => {
      const answer = await get(paths.runs(), 'nope');
      assert.equal(answer.status, 401);
    });

    it('answers 404 {detail: "Not Found"} for an unknown route, and 405 for a wrong method', async () => {
      const unknown = await get('/v1/nothing/here', null);
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.json, { detail: 'Not Found' });
      const wrongMethod = await call(sim.url, 'DELETE', paths.run(1));
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'GET');
    });

    it('answers the current user of each token', async () => {
      const me = await get('/v1/users/me');
      assert.equal(me.status, 200);
      assert.deepEqual({ ...me.json, avatar_url: undefined }, {
        id: 7, email: 'dev@example.com', github_username: 'octodev', full_name: 'Dev Example', role: 'member', avatar_url: undefined,
      });
      assert.ok((me.json.avatar_url as string).startsWith(`${sim.url}/_sim/avatar/`), 'the avatar is served locally');
      const avatar = await fetch(me.json.avatar_url as string);
      assert.equal(avatar.headers.get('content-type'), 'image/svg+xml');
      assert.equal((await get('/v1/users/me', SIM.otherToken)).json.id, 8);
    });
  });

  describe('organizations and repositories', () => {
    it('lists only the organizations of the token user', async () => {
      const mine = await get('/v1/organizations');
      assert.deepEqual(mine.json, { items: [{ id: 1, name: 'Acme', settings: {} }, { id: 2, name: 'Globex', settings: {} }], total: 2, page: 1, size: 100, pages: 1 });
      const other = await get('/v1/organizations', SIM.otherToken);
      assert.deepEqual(other.json.items.map((org: { id: number }) => org.id), [1]);
    });

    it('lists repositories with every documented field', async () => {
      const answer = await get(paths.repos());
      assert.equal(answer.json.total, 3);
      assert.deepEqual(answer.json.items.map((repo: { full_name: string }) => repo.full_name), ['acme/widgets', 'acme/api', 'acme/docs']);
      for (const repo of answer.json.items) {
        assert.deepEqual(Object.keys(repo).sort(), ['archived', 'full_name', 'github_id', 'id', 'language', 'name', 'setup_status', 'visibility']);
      }
      assert.equal((await get(paths.repos(2))).json.total, 1);
    });

    it('answers 403 for an org the user is not a member of and 404 for one that does not exist', async () => {
      assert.equal((await get(paths.repos(SIM.forbiddenOrgId))).status, 403);
      assert.equal((await get(paths.runs(SIM.forbiddenOrgId))).status, 403);
      assert.equal((await get(paths.repos(2), SIM.otherToken)).status, 403);
      assert.equal((await get(paths.repos(999))).status, 404);
    });

    it('pages with skip and limit', async () => {
      const answer = await get(paths.repos(1, '?skip=1&limit=1'));
      assert.deepEqual({ ...answer.json, items: answer.json.items.map((repo: { id: number }) => repo.id) }, { items: [102], total: 3, page: 2, size: 1, pages: 3 });
      const beyond = await get(paths.repos(1, '?skip=10&limit=2'));
      assert.deepEqual(beyond.json.items, []);
      assert.equal(beyond.json.page, 6);
    });

    it('answers 422 with FastAPI details for limits out of range or not numeric', async () => {
      const tooBig = await get(paths.repos(1, '?limit=101'));
      assert.equal(tooBig.status, 422);
      assert.deepEqual(tooBig.json.detail[0].loc, ['query', 'limit']);
      assert.equal(typeof tooBig.json.detail[0].msg, 'string');
      assert.equal((await get(paths.repos(1, '?limit=0'))).status, 422);
      assert.equal((await get(paths.runs(1, '?skip=-1'))).status, 422);
      const both = await get(paths.runs(1, '?skip=x&limit=y'));
      assert.deepEqual(both.json.detail.map((issue: { loc: string[]; type: string }) => [issue.loc[1], issue.type]), [['skip', 'int_parsing'], ['limit', 'int_parsing']]);
    });
  });

  describe('create', () => {
    it('stores the input and answers a PENDING run as snake_case JSON', async () => {
      const image = 'data:image/png;base64,iVBORw0KGgo=';
      const answer = await post(paths.create(), { prompt: 'Fix the date bug', repo_id: 102, model: 'claude-sonnet', agent_type: 'claude_code', images: [image], metadata: { from: 'vscode' } });
      assert.equal(answer.status, 200);
      const run = answer.json;
      assert.deepEqual(run, {
        id: run.id, organization_id: 1, status: 'PENDING', created_at: new Date(clock.now()).toISOString(), web_url: `https://codegen.com/agent/trace/${run.id}`,
        result: null, summary: null, source_type: 'API', github_pull_requests: [], metadata: { from: 'vscode' },
      });
      const state = sim.getRun(run.id as number);
      assert.ok(state);
      assert.deepEqual(
        [state.prompt, state.repoId, state.model, state.agentType, state.images, state.userId, state.sourceType],
        ['Fix the date bug', 102, 'claude-sonnet', 'claude_code', [image], 7, 'API'],
      );
    });

    it('gives increasing ids and records the token user', async () => {
      const first = await create({ prompt: 'one' });
      const second = await create({ prompt: 'two' }, SIM.otherToken);
      assert.ok(second > first);
      assert.equal(sim.getRun(second)?.userId, 8);
    });

    it('answers 422 naming every invalid field', async () => {
      const missing = await post(paths.create(), {});
      assert.equal(missing.status, 422);
      assert.deepEqual(missing.json.detail, [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }]);
      const several = await post(paths.create(), { prompt: '  ', agent_type: 'robot', images: ['https://x.example/a.png'] });
      assert.deepEqual(several.json.detail.map((issue: { loc: unknown[] }) => issue.loc), [['body', 'prompt'], ['body', 'agent_type'], ['body', 'images', 0]]);
      const notList = await post(paths.create(), { prompt: 'ok', images: 'data:image/png;base64,AA' });
      assert.deepEqual(notList.json.detail[0].loc, ['body', 'images']);
      const notJson = await call(sim.url, 'POST', paths.create(), { rawBody: '{"prompt":' });
      assert.equal(notJson.status, 422);
      assert.equal(sim.countRequests({ status: 200 }), 0);
    });

    it('answers 404 when the org has no repositories, and when repo_id is not in the org', async () => {
      assert.equal((await post(paths.create(), { prompt: 'x', repo_id: 201 })).status, 404);
      sim.setOrganizationRepos(1, []);
      const answer = await post(paths.create(), { prompt: 'x' });
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.json, { detail: NO_REPOSITORIES_MESSAGE });
      assert.match(NO_REPOSITORIES_MESSAGE, /no repositories/i);
    });
  });

  describe('list runs', () => {
    it('lists newest first and pages', async () => {
      const ids: number[] = [];
      for (let index = 0; index < 5; index++) {
        ids.push(await create({ prompt: `run ${index}` }));
        await clock.advance(1000);
      }
      const page = await get(paths.runs(1, '?skip=2&limit=2'));
      assert.deepEqual(page.json.items.map((run: { id: number }) => run.id), [ids[2], ids[1]]);
      assert.deepEqual([page.json.total, page.json.page, page.json.size, page.json.pages], [5, 2, 2, 3]);
    });

    it('filters by user_id and source_type', async () => {
      await create({ prompt: 'mine' });
      const theirs = await create({ prompt: 'theirs' }, SIM.otherToken);
      const slack = sim.addRun({ prompt: 'from slack', sourceType: 'SLACK' }).id;
      const byUser = await get(paths.runs(1, '?user_id=8'));
      assert.deepEqual(byUser.json.items.map((run: { id: number }) => run.id), [theirs]);
      const bySource = await get(paths.runs(1, '?source_type=SLACK'));
      assert.deepEqual(bySource.json.items.map((run: { id: number }) => run.id), [slack]);
      assert.equal((await get(paths.runs(2))).json.total, 0, 'runs of org 1 are not listed in org 2');
    });

    it('pre-populates varied, finished historical runs over past days', async () => {
      const withHistory = await CodegenSimulator.start({ clock, historicalRuns: 30 });
      try {
        const answer = await call(withHistory.url, 'GET', paths.runs());
        const runs: Array<{ status: string; source_type: string; created_at: string; github_pull_requests: Array<{ merged: boolean }> }> = answer.json.items;
        assert.equal(answer.json.total, 30);
        const times = runs.map((run) => Date.parse(run.created_at));
        assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
        assert.ok((times[0] ?? Infinity) < clock.now());
        assert.ok(clock.now() - (times[29] ?? 0) > 3 * 24 * 3600_000, 'spread over several days');
        assert.ok(new Set(runs.map((run) => run.status)).size >= 5);
        assert.ok(new Set(runs.map((run) => run.source_type)).size >= 3);
        assert.ok(runs.some((run) => run.github_pull_requests.some((pr) => pr.merged)));
        assert.ok(runs.every((run) => !['PENDING', 'ACTIVE', 'RUNNING', 'EVALUATION'].includes(run.status)));
        assert.ok(new Set(runs.map((run) => run.status)).has('PAUSED'));
        const created = await call(withHistory.url, 'POST', paths.create(), { body: { prompt: 'new' } });
        assert.equal(created.json.id, 31);
      } finally {
        await withHistory.stop();
      }
    });
  });

  describe('run progression', () => {
    const status = async (id: number) => (await get(paths.run(id))).json.status as string;

    it('goes PENDING, ACTIVE at 10%, then COMPLETE at 100% of runDurationMs', async () => {
      const id = await create({ prompt: 'Add a feature' });
      await clock.advance(999);
      assert.equal(await status(id), 'PENDING');
      await clock.advance(1);
      assert.equal(await status(id), 'ACTIVE');
      await clock.advance(8999);
      assert.equal(await status(id), 'ACTIVE');
      await clock.advance(1);
      assert.equal(await status(id), 'COMPLETE');
    });

    it('opens a PR at 70% with the prompt first line as title', async () => {
      const id = await create({ prompt: 'Add dark mode\nwith details' });
      await clock.advance(6999);
      assert.deepEqual((await get(paths.run(id))).json.github_pull_requests, []);
      await clock.advance(1);
      const [pr] = (await get(paths.run(id))).json.github_pull_requests;
      assert.deepEqual(pr, {
        id: pr.id, title: 'Add dark mode', url: `https://github.com/acme/widgets/pull/${pr.url.split('/').pop()}`, created_at: new Date(clock.now()).toISOString(),
        head_branch_name: `codegen/run-${id}`, state: 'open', merged: false,
      });
    });

    it('on COMPLETE carries a markdown summary and a result with hostile content', async () => {
      const id = await create({ prompt: 'Ship it' });
      await clock.advance(DURATION);
      const run = (await get(paths.run(id))).json;
      assert.match(run.summary as string, /\*\*Done\.\*\*/);
      for (const piece of [
        '<script>window.__codegenPwned=1</script>', '<img src=x onerror="window.__codegenPwned=1">', '[click me](javascript:alert(1))',
        '[cmd](command:workbench.action.quit)', '![tracker](https://evil.example/pixel.png)', '```ts', '](https://docs.codegen.com',
      ]) {
        assert.ok((run.result as string).includes(piece), `result contains ${piece}`);
      }
    });

    it('steers the final status from the prompt: [fail], [pause], [weird]', async () => {
      const failing = await create({ prompt: 'Break [fail]' });
      const pausing = await create({ prompt: 'Ask me [pause]' });
      const weird = await create({ prompt: 'Odd [weird]' });
      await clock.advance(DURATION);
      const failed = (await get(paths.run(failing))).json;
      assert.deepEqual([failed.status, failed.github_pull_requests, failed.result], ['FAILED', [], null]);
      assert.equal(await status(pausing), 'PAUSED');
      assert.equal(await status(weird), WEIRD_STATUS);
    });

    it('resumes a paused run: ACTIVE, then COMPLETE after another runDurationMs, with the follow-up logged', async () => {
      const id = await create({ prompt: 'Ask me [pause]' });
      await clock.advance(DURATION);
      const resumed = await post(paths.resume(), { agent_run_id: id, prompt: 'Yes, also update the docs' });
      assert.equal(resumed.status, 200);
      assert.equal(resumed.json.status, 'ACTIVE');
      await clock.advance(DURATION - 1);
      assert.equal(await status(id), 'ACTIVE');
      await clock.advance(1);
      assert.equal(await status(id), 'COMPLETE');
      assert.deepEqual(sim.getRun(id)?.followUps.map((followUp) => followUp.prompt), ['Yes, also update the docs']);
      const logs = (await get(paths.logs(id))).json.logs as Array<{ message_type: string; observation: unknown }>;
      assert.ok(logs.some((entry) => entry.message_type === 'USER_MESSAGE' && entry.observation === 'Yes, also update the docs'));
      assert.equal(logs.at(-1)?.message_type, 'FINAL_ANSWER');
    });

    it('starts a follow-up phase on a finished run', async () => {
      const id = await create({ prompt: 'First' });
      await clock.advance(DURATION);
      const resumed = await post(paths.resume(), { agent_run_id: id, prompt: 'Follow-up', images: ['data:image/png;base64,AA'] });
      assert.equal(resumed.json.status, 'ACTIVE');
      assert.deepEqual(sim.getRun(id)?.followUps[0]?.images, ['data:image/png;base64,AA']);
      await clock.advance(DURATION);
      assert.equal(await status(id), 'COMPLETE');
    });

    it(`refuses to resume a run in progress with ${RUN_IN_PROGRESS_STATUS} naming its status`, async () => {
      const id = await create({ prompt: 'Busy' });
      await clock.advance(2000);
      const answer = await post(paths.resume(), { agent_run_id: id, prompt: 'more' });
      assert.equal(answer.status, RUN_IN_PROGRESS_STATUS);
      assert.match(answer.json.detail as string, /in progress.*ACTIVE/);
      assert.deepEqual(sim.getRun(id)?.followUps, []);
    });

    it('validates resume input and answers 404 for an unknown run', async () => {
      const invalid = await post(paths.resume(), { prompt: '' });
      assert.equal(invalid.status, 422);
      assert.deepEqual(invalid.json.detail.map((issue: { loc: string[] }) => issue.loc[1]), ['agent_run_id', 'prompt']);
      assert.equal((await post(paths.resume(), { agent_run_id: 999, prompt: 'x' })).status, 404);
      assert.equal((await get(paths.run(999))).status, 404);
    });

    it('serves a forced status as it is, even an unknown one', async () => {
      const id = await create({ prompt: 'x' });
      sim.setRunStatus(id, 'EVALUATION');
      assert.equal(await status(id), 'EVALUATION');
      sim.setRunStatus(id, 'running');
      assert.equal(await status(id), 'running');
    });
  });

  describe('ban, unban and remove-from-pr', () => {
    it('answer 404 when the run has no pull request yet', async () => {
      const id = await create({ prompt: 'Early' });
      for (const path of [paths.ban(), paths.unban(), paths.removeFromPr()]) {
        const answer = await post(path, { agent_run_id: id });
        assert.equal(answer.status, 404);
        assert.match(answer.json.detail as string, /no pull request/);
      }
      assert.equal(sim.getRun(id)?.checksBanned, false);
    });

    it('ban stops a run in progress and freezes its logs; unban clears the flag', async () => {
      const id = await create({ prompt: 'Work' });
      await clock.advance(7500);
      const banned = await post(paths.ban(), { agent_run_id: id });
      assert.equal(banned.status, 200);
      assert.equal(typeof banned.json.message, 'string');
      const total = (await get(paths.logs(id))).json.total_logs as number;
      await clock.advance(DURATION);
      const run = (await get(paths.run(id))).json;
      assert.equal(run.status, 'STOPPED');
      assert.equal(run.github_pull_requests.length, 1);
      assert.equal((await get(paths.logs(id))).json.total_logs, total);
      assert.equal(sim.getRun(id)?.checksBanned, true);
      assert.equal((await post(paths.unban(), { agent_run_id: id })).status, 200);
      assert.deepEqual([sim.getRun(id)?.checksBanned, sim.getRun(id)?.stopped], [false, true]);
    });

    it('ban on a finished run keeps its status', async () => {
      const id = await create({ prompt: 'Done already' });
      await clock.advance(DURATION);
      await post(paths.ban(), { agent_run_id: id });
      assert.equal((await get(paths.run(id))).json.status, 'COMPLETE');
      assert.equal(sim.getRun(id)?.checksBanned, true);
    });

    it('remove-from-pr flags the run and stops it', async () => {
      const id = await create({ prompt: 'Work' });
      await clock.advance(8000);
      assert.equal((await post(paths.removeFromPr(), { agent_run_id: id })).status, 200);
      const state = sim.getRun(id);
      assert.deepEqual([state?.removedFromPr, state?.status], [true, 'STOPPED']);
    });

    it('validates agent_run_id', async () => {
      const answer = await post(paths.ban(), { agent_run_id: 'seven' });
      assert.equal(answer.status, 422);
      assert.deepEqual(answer.json.detail[0].loc, ['body', 'agent_run_id']);
    });
  });

  describe('logs', () => {
    type Entry = { agent_run_id: number; created_at: string; message_type: string; tool_name: unknown; thought: unknown; observation: unknown; tool_input: unknown; tool_output: unknown };
    const allLogs = async (id: number): Promise<Entry[]> => {
      const entries: Entry[] = [];
      for (let skip = 0; ; skip += 100) {
        const page = (await get(paths.logs(id, `?skip=${skip}&limit=100`))).json;
        entries.push(...(page.logs as Entry[]));
        if (skip + 100 >= (page.total_logs as number)) return entries;
      }
    };

    it('grow while the run is active and end with FINAL_ANSWER', async () => {
      const id = await create({ prompt: 'Log a lot' });
      assert.equal((await get(paths.logs(id))).json.total_logs, 0);
      await clock.advance(DURATION / 2);
      const half = (await get(paths.logs(id))).json;
      await clock.advance(DURATION / 2);
      const full = (await get(paths.logs(id))).json;
      assert.ok(half.total_logs > 0 && half.total_logs < full.total_logs, `${half.total_logs} < ${full.total_logs}`);
      assert.equal(full.logs.at(-1).message_type, 'FINAL_ANSWER');
      assert.equal(full.id, id);
      assert.equal(full.status, 'COMPLETE');
      assert.equal(full.organization_id, 1);
    });

    it('cover every documented message type, one unknown type, varied shapes, long and hostile texts', async () => {
      const id = await create({ prompt: 'Everything' });
      await clock.advance(DURATION);
      const entries = await allLogs(id);
      const types = new Set(entries.map((entry) => entry.message_type));
      for (const type of [...LOG_MESSAGE_TYPES, UNKNOWN_LOG_TYPE]) assert.ok(types.has(type), `has ${type}`);
      assert.ok(entries.some((entry) => typeof entry.observation === 'string'));
      assert.ok(entries.some((entry) => typeof entry.observation === 'object' && entry.observation !== null));
      assert.ok(entries.some((entry) => typeof entry.tool_input === 'object' && entry.tool_input !== null));
      assert.ok(entries.some((entry) => typeof entry.tool_input === 'string'));
      assert.ok(entries.some((entry) => typeof entry.tool_output === 'string' && entry.tool_output.length >= 10_000));
      const text = JSON.stringify(entries);
      assert.ok(text.includes('onerror=') && text.includes('javascript:') && text.includes('<script>'));
      assert.ok(entries.every((entry) => entry.agent_run_id === id));
      const times = entries.map((entry) => Date.parse(entry.created_at));
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
    });

    it('page with skip/limit and reverse newest first', async () => {
      const id = await create({ prompt: 'Page me' });
      await clock.advance(DURATION);
      const forward = await allLogs(id);
      const firstPage = (await get(paths.logs(id, '?skip=5&limit=5'))).json;
      assert.deepEqual(firstPage.logs, forward.slice(5, 10));
      assert.deepEqual([firstPage.page, firstPage.size, firstPage.pages, firstPage.total_logs], [2, 5, Math.ceil(forward.length / 5), forward.length]);
      const reversed = (await get(paths.logs(id, '?skip=2&limit=3&reverse=true'))).json;
      assert.deepEqual(reversed.logs, forward.slice(-5, -2).reverse());
      assert.equal((await get(paths.logs(id, '?limit=101'))).status, 422);
      assert.equal((await get(paths.logs(id, '?reverse=maybe'))).status, 422);
      assert.equal((await get(paths.logs(999))).status, 404);
    });

    it('serve a 10 000-entry run for virtualization, deterministically from the seed', async () => {
      const big = sim.addRun({ prompt: 'Huge', status: 'COMPLETE', logCount: 10_000 });
      const tail = (await get(paths.logs(big.id, '?skip=9950&limit=100'))).json;
      assert.equal(tail.total_logs, 10_000);
      assert.equal(tail.logs.length, 50);
      const twin = await CodegenSimulator.start({ clock, runDurationMs: DURATION });
      try {
        twin.addRun({ prompt: 'Huge', status: 'COMPLETE', logCount: 10_000 });
        const twinTail = (await call(twin.url, 'GET', paths.logs(big.id, '?skip=9950&limit=100'))).json;
        assert.deepEqual(twinTail.logs, tail.logs);
      } finally {
        await twin.stop();
      }
    });
  });
});
