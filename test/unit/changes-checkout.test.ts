// Checking out a run's PR branch: stash and switch (nothing uncommitted is ever lost), switch back and restore the
// stash, an existing local branch (fast-forward, the user's own commits, diverged), worktrees. Real git, real repos.

import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '../../src/util/clock';
import { stashAndSwitch, stashMessage, switchBack } from '../../src/changes/checkout';
import { ChangesError } from '../../src/changes/errors';
import { fetchRunBranch, type FetchedBranch } from '../../src/changes/fetchBranch';
import { CliGitRunner, type GitRunner } from '../../src/changes/gitRunner';
import { addWorktree } from '../../src/changes/worktree';
import { backupBranchName } from '../../src/changes/localBranch';
import { assertDirtyAsMade as assertDirtyIn, makeDirty as makeDirtyIn, switched } from './checkoutFixtures';
import { clientGit, cloneClientWorkspace, writeFiles } from '../simulator/gitWorkspace';
import { CodegenSimulator, GIT_BASE_FILES, runBranchChanges } from '../simulator/simulator';

describe('changes: check out a PR branch', () => {
  let tempDir: string;
  let sim: CodegenSimulator;
  let clone: string;
  let runId: number;
  let fetched: FetchedBranch;
  const runner = new CliGitRunner({ timeoutMs: 20_000 });

  beforeEach(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-changes-checkout-'));
    sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot: path.join(tempDir, 'github') });
    sim.ensureGitRepository();
    clone = cloneClientWorkspace({ gitRoot: path.join(tempDir, 'github'), dir: path.join(tempDir, 'client') }).dir;
    runId = sim.addRun({ pullRequest: true }).id;
    await refetch();
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });

  async function refetch(): Promise<void> {
    const run = sim.getRun(runId);
    assert.ok(run?.pullRequest);
    fetched = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: run.pullRequest.url, branch: run.pullRequest.head_branch_name, runId });
  }

  const git = (...args: string[]) => clientGit(clone, args).trim();
  const read = (file: string, root = clone) => readFileSync(path.join(root, ...file.split('/')), 'utf8');
  const request = () => ({ branch: fetched.branch, tipSha: fetched.tipSha, runId, remoteName: 'origin' });
  const makeDirty = () => makeDirtyIn(clone);
  const assertDirtyAsMade = () => {
    assertDirtyIn(clone);
    assert.deepEqual(clientGit(clone, ['status', '--porcelain', '--untracked-files=all']).split('\n'), [' M README.md', 'M  src/util.ts', '?? notes/todo.txt', '']);
  };

  it('stashes changes, staged edits and untracked files under the run name, then switches; nothing is lost', async () => {
    makeDirty();
    const result = switched(await stashAndSwitch(runner, fetched.root, request()));
    assert.deepEqual([result.previous, result.branch, result.tipSha, result.createdBranch, result.fastForwarded], [{ kind: 'branch', name: 'main' }, fetched.branch, fetched.tipSha, true, false]);
    assert.equal(result.stash?.message, stashMessage(runId, fetched.branch));
    assert.equal(git('branch', '--show-current'), fetched.branch);
    assert.equal(git('rev-parse', 'HEAD'), fetched.tipSha);
    assert.equal(git('status', '--porcelain'), '');
    assert.equal(read('src/feature.ts'), runBranchChanges(runId).added.content);
    assert.equal(existsSync(path.join(clone, 'notes', 'todo.txt')), false);

    assert.deepEqual(git('stash', 'list', '--format=%H %gs').split('\n'), [`${result.stash?.sha} On main: ${stashMessage(runId, fetched.branch)}`]);
    assert.equal(git('show', 'stash@{0}:README.md'), 'my unstaged edit');
    assert.equal(git('show', 'stash@{0}^2:src/util.ts'), 'my staged edit');
    assert.equal(git('show', 'stash@{0}^3:notes/todo.txt'), 'my untracked file');
    assert.deepEqual([git('config', `branch.${fetched.branch}.remote`), git('config', `branch.${fetched.branch}.merge`)], ['origin', `refs/heads/${fetched.branch}`]);

    const back = await switchBack(runner, fetched.root, result.previous, result.stash ? { restoreStash: result.stash } : {});
    assert.deepEqual(back, { kind: 'switchedBack', previous: { kind: 'branch', name: 'main' }, stash: 'restored', conflicted: [] });
    assert.equal(git('branch', '--show-current'), 'main');
    assertDirtyAsMade();
    assert.equal(git('stash', 'list'), '');
  });

  it('switches a clean tree without a stash, and back to a detached HEAD', async () => {
    git('switch', '--quiet', '--detach', 'HEAD');
    const head = git('rev-parse', 'HEAD');
    const result = switched(await stashAndSwitch(runner, fetched.root, request()));
    assert.deepEqual([result.stash, result.previous], [undefined, { kind: 'detached', sha: head }]);
    assert.equal(git('stash', 'list'), '');
    const back = await switchBack(runner, fetched.root, result.previous);
    assert.deepEqual([back.kind, git('rev-parse', 'HEAD'), git('branch', '--show-current')], ['switchedBack', head, '']);
  });

  it('fast-forwards a local branch that is behind, and keeps one with the user commits on top as it is', async () => {
    const first = switched(await stashAndSwitch(runner, fetched.root, request()));
    await switchBack(runner, fetched.root, first.previous);
    sim.pushRunCommit(runId);
    await refetch();
    const second = switched(await stashAndSwitch(runner, fetched.root, request()));
    assert.deepEqual([second.createdBranch, second.fastForwarded, git('rev-parse', 'HEAD')], [false, true, fetched.tipSha]);
    assert.equal(read('notes/follow-up-1.md'), `Follow-up 1 of Codegen run ${runId}.\n`);

    writeFiles(clone, { 'mine.txt': 'my commit\n' });
    git('add', 'mine.txt');
    git('commit', '--quiet', '-m', 'my own work');
    const mine = git('rev-parse', 'HEAD');
    assert.deepEqual(await stashAndSwitch(runner, fetched.root, request()), { kind: 'alreadyOnBranch', branch: fetched.branch, tipSha: fetched.tipSha });
    await switchBack(runner, fetched.root, second.previous);
    const third = switched(await stashAndSwitch(runner, fetched.root, request()));
    assert.deepEqual([third.fastForwarded, git('rev-parse', 'HEAD')], [false, mine], 'the user commit is kept');
  });

  it('refuses a diverged local branch and changes nothing', async () => {
    const first = switched(await stashAndSwitch(runner, fetched.root, request()));
    writeFiles(clone, { 'mine.txt': 'my commit\n' });
    git('add', 'mine.txt');
    git('commit', '--quiet', '-m', 'my own work');
    const mine = git('rev-parse', 'HEAD');
    await switchBack(runner, fetched.root, first.previous);
    sim.pushRunCommit(runId);
    await refetch();
    makeDirty();
    const result = await stashAndSwitch(runner, fetched.root, request());
    assert.deepEqual(result, { kind: 'diverged', branch: fetched.branch, localSha: mine, tipSha: fetched.tipSha, backup: `codegen/backup/${fetched.branch}-${mine.slice(0, 7)}` });
    assert.equal(git('branch', '--show-current'), 'main');
    assert.equal(git('rev-parse', fetched.branch), mine, 'the local branch did not move');
    assertDirtyAsMade();
    assert.equal(git('stash', 'list'), '');
  });

  it('puts the changes back when the switch fails after the stash', async () => {
    makeDirty();
    const lock = path.join(clone, '.git', 'refs', 'heads', ...`${fetched.branch}.lock`.split('/'));
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, '');
    await assert.rejects(stashAndSwitch(runner, fetched.root, request()), (error: unknown) => error instanceof ChangesError && error.kind === 'gitFailed');
    assert.equal(git('branch', '--show-current'), 'main');
    assertDirtyAsMade();
    assert.equal(git('stash', 'list'), '', 'the stash was popped back');
  });

  /** A runner that holds HEAD.lock (as a concurrent git would) while one command runs. */
  const lockingHeadDuring = (command: string): GitRunner => ({
    run: async (cwd, args, options) => {
      const lock = path.join(clone, '.git', 'HEAD.lock');
      if (args[0] === command) writeFileSync(lock, '');
      try {
        return await runner.run(cwd, args, options);
      } finally {
        rmSync(lock, { force: true });
      }
    },
  });

  it('undoes a switch that updated the files and then failed, and puts the changes back', async () => {
    const first = switched(await stashAndSwitch(runner, fetched.root, request()));
    await switchBack(runner, fetched.root, first.previous);
    makeDirty();
    await assert.rejects(stashAndSwitch(lockingHeadDuring('switch'), fetched.root, request()), (error: unknown) => error instanceof ChangesError && /HEAD\.lock/.test(error.message));
    assert.equal(git('branch', '--show-current'), 'main');
    assertDirtyAsMade();
    assert.equal(git('stash', 'list'), '');
  });

  it('puts the changes back when git stash recorded the stash but then failed', async () => {
    makeDirty();
    await assert.rejects(stashAndSwitch(lockingHeadDuring('stash'), fetched.root, request()), (error: unknown) => error instanceof ChangesError && /back in place/.test(error.message));
    assert.equal(git('branch', '--show-current'), 'main');
    assertDirtyAsMade();
    assert.equal(git('stash', 'list'), '');
  });

  it('keeps the stash and says where it is when the switch happened but git still failed', async () => {
    makeDirty();
    writeFileSync(path.join(clone, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    await assert.rejects(stashAndSwitch(runner, fetched.root, request()), (error: unknown) => error instanceof ChangesError && /safe in the stash "codegen: before checking out run/.test(error.message));
    assert.equal(git('branch', '--show-current'), fetched.branch, 'the switch itself happened');
    assert.equal(git('show', 'stash@{0}:README.md'), 'my unstaged edit');
    assert.equal(git('show', 'stash@{0}^3:notes/todo.txt'), 'my untracked file');
  });

  it('refuses with unresolved conflicts, and switching back with uncommitted changes', async () => {
    git('switch', '--quiet', '-c', 'other');
    writeFiles(clone, { 'README.md': 'other side\n' });
    git('commit', '--quiet', '-am', 'other');
    git('switch', '--quiet', 'main');
    writeFiles(clone, { 'README.md': 'main side\n' });
    git('commit', '--quiet', '-am', 'main');
    assert.throws(() => git('merge', '--quiet', 'other'));
    assert.deepEqual(await stashAndSwitch(runner, fetched.root, request()), { kind: 'unmergedFiles', files: ['README.md'] });
    git('merge', '--abort');

    const result = switched(await stashAndSwitch(runner, fetched.root, request()));
    writeFiles(clone, { 'src/feature.ts': 'edited on the PR branch\n' });
    assert.deepEqual(await switchBack(runner, fetched.root, result.previous), { kind: 'dirty', files: ['src/feature.ts'] });
    assert.equal(git('branch', '--show-current'), fetched.branch);
    assert.equal(read('src/feature.ts'), 'edited on the PR branch\n');
    writeFiles(clone, { 'src/feature.ts': runBranchChanges(runId).added.content, 'extra.txt': 'untracked\n' });
    const restoring = await switchBack(runner, fetched.root, result.previous, { restoreStash: { sha: 'f'.repeat(40), message: 'x' } });
    assert.deepEqual(restoring, { kind: 'switchedBack', previous: result.previous, stash: 'notFound', conflicted: [] }, 'an untracked file that clashes with no stashed file comes along');
    assert.equal(read('extra.txt'), 'untracked\n');
  });

  it('adds a worktree on the branch and leaves the current working tree as it was', async () => {
    makeDirty();
    const dir = path.join(tempDir, 'worktrees', `run-${runId}`);
    const result = await addWorktree(runner, fetched.root, { dir, branch: fetched.branch, tipSha: fetched.tipSha, remoteName: 'origin' });
    assert.deepEqual(result, { kind: 'added', path: dir, branch: fetched.branch, tipSha: fetched.tipSha, createdBranch: true, fastForwarded: false });
    assert.equal(clientGit(dir, ['branch', '--show-current']).trim(), fetched.branch);
    assert.equal(read('src/feature.ts', dir), runBranchChanges(runId).added.content);
    assert.equal(read('docs/new-name.md', dir), GIT_BASE_FILES['docs/old-name.md']);
    assert.equal(existsSync(path.join(dir, 'src', 'util.ts')), false);
    assert.equal(git('branch', '--show-current'), 'main');
    assertDirtyAsMade();
    assert.ok(git('worktree', 'list', '--porcelain').includes(`worktree ${dir}`));

    assert.deepEqual(await stashAndSwitch(runner, fetched.root, request()), { kind: 'checkedOutElsewhere', branch: fetched.branch, worktreePath: dir });
    assertDirtyAsMade();
    const again = await addWorktree(runner, fetched.root, { dir: path.join(tempDir, 'second'), branch: fetched.branch, tipSha: fetched.tipSha });
    assert.deepEqual(again, { kind: 'checkedOutElsewhere', branch: fetched.branch, worktreePath: dir });
    mkdirSync(path.join(tempDir, 'busy'));
    writeFileSync(path.join(tempDir, 'busy', 'file'), 'x');
    assert.deepEqual(await addWorktree(runner, fetched.root, { dir: path.join(tempDir, 'busy'), branch: fetched.branch, tipSha: fetched.tipSha }), { kind: 'pathNotEmpty', path: path.join(tempDir, 'busy') });
    await assert.rejects(addWorktree(runner, fetched.root, { dir: 'relative/dir', branch: fetched.branch, tipSha: fetched.tipSha }), ChangesError);
  });

  it('a worktree after the agent force-pushed: a branch this extension set follows; one with the user\u2019s commit is reset only with consent, after a backup', async () => {
    const first = await addWorktree(runner, fetched.root, { dir: path.join(tempDir, 'wt-1'), branch: fetched.branch, tipSha: fetched.tipSha });
    assert.equal(first.kind, 'added');
    clientGit(clone, ['worktree', 'remove', path.join(tempDir, 'wt-1')]);
    const ownTip = fetched.tipSha;
    assert.ok(sim.forcePushRunBranch(runId));
    await refetch();
    const followed = await addWorktree(runner, fetched.root, { dir: path.join(tempDir, 'wt-2'), branch: fetched.branch, tipSha: fetched.tipSha, ownTip });
    assert.deepEqual(followed, { kind: 'added', path: path.join(tempDir, 'wt-2'), branch: fetched.branch, tipSha: fetched.tipSha, createdBranch: false, fastForwarded: false, movedFrom: ownTip });

    writeFileSync(path.join(tempDir, 'wt-2', 'MINE.md'), 'mine\n');
    clientGit(path.join(tempDir, 'wt-2'), ['add', 'MINE.md']);
    clientGit(path.join(tempDir, 'wt-2'), ['-c', 'user.name=Me', '-c', 'user.email=me@example.com', 'commit', '-qm', 'mine']);
    const mine = clientGit(path.join(tempDir, 'wt-2'), ['rev-parse', 'HEAD']).trim();
    clientGit(clone, ['worktree', 'remove', path.join(tempDir, 'wt-2')]);
    assert.ok(sim.forcePushRunBranch(runId));
    await refetch();
    const asked = await addWorktree(runner, fetched.root, { dir: path.join(tempDir, 'wt-3'), branch: fetched.branch, tipSha: fetched.tipSha, ownTip: fetched.tipSha });
    assert.deepEqual(asked, { kind: 'diverged', branch: fetched.branch, localSha: mine, tipSha: fetched.tipSha, backup: backupBranchName(fetched.branch, mine) });
    assert.equal(existsSync(path.join(tempDir, 'wt-3')), false, 'nothing made without consent');
    assert.equal(git('rev-parse', fetched.branch), mine);
    const reset = await addWorktree(runner, fetched.root, { dir: path.join(tempDir, 'wt-3'), branch: fetched.branch, tipSha: fetched.tipSha, resetDiverged: { localSha: mine, backup: backupBranchName(fetched.branch, mine) } });
    assert.equal(reset.kind, 'added');
    assert.equal(git('rev-parse', backupBranchName(fetched.branch, mine)), mine, 'the user\u2019s commit is kept on the backup branch');
    assert.equal(clientGit(path.join(tempDir, 'wt-3'), ['rev-parse', 'HEAD']).trim(), fetched.tipSha);
  });
});
