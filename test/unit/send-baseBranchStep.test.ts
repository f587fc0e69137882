// The "Start from my uncommitted changes" step of the send pipeline, against real git in a scratch folder: when the
// user chose it and the changes cannot go (unresolved conflicts, no remote), the reason is shown and nothing is sent.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { planBaseBranch } from '../../src/send/baseBranchStep';
import type { SendDialogs, SendInput, SendTarget } from '../../src/send/sendTypes';
import type { Log } from '../../src/util/log';
import { clientGit, initRepository, writeFiles } from '../simulator/gitWorkspace';

describe('send: the base branch step (include my uncommitted changes)', () => {
  let tempDir: string;
  let repo: string;
  const runner = new CliGitRunner({ timeoutMs: 20_000 });
  const log: Log = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };
  const chosen = { request: 'Fix it', typed: 'Fix it', images: [], fromUncommitted: true };
  const input = (includeUncommitted?: boolean): SendInput => ({ origin: 'runOnSelection', target: {} as SendTarget, ...(includeUncommitted === undefined ? {} : { includeUncommitted }) });

  /** Dialogs that answer the uncommitted-changes question with `answer` and record what they were asked and shown. */
  function dialogs(answer: 'include' | 'without' | undefined) {
    const seen = { asked: 0, failures: [] as string[] };
    const value = {
      uncommittedChanges: () => {
        seen.asked++;
        return Promise.resolve(answer);
      },
      failed: (error: unknown) => {
        seen.failures.push(error instanceof Error ? error.message : String(error));
        return Promise.resolve();
      },
    } as unknown as SendDialogs;
    return { seen, value };
  }

  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-base-step-'));
    repo = initRepository(path.join(tempDir, 'repo'), { 'src/a.ts': 'export const a = 1;\n' });
  });

  afterEach(() => rmSync(tempDir, { recursive: true, force: true }));

  function makeConflict(): void {
    clientGit(repo, ['checkout', '--quiet', '-b', 'other']);
    writeFiles(repo, { 'src/a.ts': 'export const a = 2;\n' });
    clientGit(repo, ['commit', '--quiet', '-am', 'other']);
    clientGit(repo, ['checkout', '--quiet', 'main']);
    writeFiles(repo, { 'src/a.ts': 'export const a = 3;\n' });
    clientGit(repo, ['commit', '--quiet', '-am', 'main']);
    assert.throws(() => clientGit(repo, ['merge', '--quiet', 'other']));
  }

  it('chosen, with unresolved conflicts: the reason is shown, nothing asked, nothing sent', async () => {
    makeConflict();
    const { seen, value } = dialogs('include');
    const plan = await planBaseBranch(runner, { root: repo }, input(), chosen, value, undefined, log);
    assert.equal(plan.kind, 'stop');
    assert.equal(seen.asked, 0);
    assert.equal(seen.failures.length, 1);
    assert.match(seen.failures[0] ?? '', /Resolve the merge conflicts first/);
  });

  it('an explicit request with unresolved conflicts is refused with the reason (the caller says it)', async () => {
    makeConflict();
    const { seen, value } = dialogs(undefined);
    const plan = await planBaseBranch(runner, { root: repo }, input(true), { ...chosen, fromUncommitted: false }, value, undefined, log);
    assert.equal(plan.kind, 'stop');
    assert.match(plan.kind === 'stop' ? plan.message : '', /Resolve the merge conflicts first \(src\/a\.ts\)/);
    assert.deepEqual(seen.failures, []);
  });

  it('chosen to include, without a remote: the reason is shown once and nothing is sent', async () => {
    writeFiles(repo, { 'src/a.ts': 'export const a = 4;\n' });
    const { seen, value } = dialogs('include');
    const plan = await planBaseBranch(runner, { root: repo }, input(), chosen, value, undefined, log);
    assert.equal(seen.asked, 1);
    assert.deepEqual(plan, { kind: 'stop', cancelled: false, message: 'This repository has no remote: add one (git remote add) to start Codegen from your uncommitted changes.' });
    assert.equal(seen.failures.length, 1);
    assert.match(seen.failures[0] ?? '', /has no remote/);
  });

  it('"Send without them" without a remote sends as usual: nothing shown', async () => {
    writeFiles(repo, { 'src/a.ts': 'export const a = 4;\n' });
    const { seen, value } = dialogs('without');
    assert.deepEqual(await planBaseBranch(runner, { root: repo }, input(), chosen, value, undefined, log), { kind: 'none' });
    assert.deepEqual(seen.failures, []);
  });
});
