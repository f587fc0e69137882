// Checking out and switching back lose nothing (issue 20, points 5, 6, 7, 10, 11): ignored files are never
// overwritten or deleted, a failed switch undoes only what it changed, every stash the extension made stays
// recorded (across a reload too) and restorable, a force-pushed branch is followed, and the reviewed tip is
// the one checked out. Real git, real repositories, failures half-way included.

import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '../../src/util/clock';
import { stashAndSwitch, stashMessage, switchBack } from '../../src/changes/checkout';
import { ChangesError } from '../../src/changes/errors';
import { fetchRunBranch, type FetchedBranch } from '../../src/changes/fetchBranch';
import { CliGitRunner, type GitRunner } from '../../src/changes/gitRunner';
import { codegenStashes } from '../../src/changes/stashes';
import { checkOutAndRecord, switchBackAndRecord, WhereYouWere, type StateMemento } from '../../src/changes/whereYouWere';
import { addWorktree } from '../../src/changes/worktree';
import { assertDirtyAsMade as assertDirtyIn, makeDirty as makeDirtyIn, switched } from './checkoutFixtures';
import { clientGit, cloneClientWorkspace, writeFiles } from '../simulator/gitWorkspace';
import { pullRequestHeadRef } from '../simulator/git';
import { CodegenSimulator } from '../simulator/simulator';

/** A workspace state as VS Code keeps it: values survive as JSON, read by any later instance. */
function memoryState(): StateMemento & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: (key) => {
      const text = values.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },
    update: (key, value) => {
      if (value === undefined) values.delete(key);
      else values.set(key, JSON.stringify(value));
      return Promise.resolve();
    },
  };
}

describe('changes: check out and switch back lose nothing', () => {
  let tempDir: string;
  let sim: CodegenSimulator;
  let clone: string;
  let bare: string;
  let runId: number;
  let fetched: FetchedBranch;
  const runner = new CliGitRunner({ timeoutMs: 20_000 });

  beforeEach(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-changes-nolose-'));
    sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot: path.join(tempDir, 'github') });
    sim.ensureGitRepository();
    ({ dir: clone, barePath: bare } = cloneClientWorkspace({ gitRoot: path.join(tempDir, 'github'), dir: path.join(tempDir, 'client') }));
    runId = sim.addRun({ pullRequest: true }).id;
    fetched = await fetchOf(runId);
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });

  async function fetchOf(id: number): Promise<FetchedBranch> {
    const run = sim.getRun(id);
    assert.ok(run?.pullRequest);
    return fetchRunBranch(runner, { folders: [clone], pullRequestUrl: run.pullRequest.url, branch: run.pullRequest.head_branch_name, runId: id });
  }

  const git = (...args: string[]) => clientGit(clone, args).trim();
  const read = (file: string) => readFileSync(path.join(clone, ...file.split('/')), 'utf8');
  const request = (from: FetchedBranch = fetched, id = runId) => ({ branch: from.branch, tipSha: from.tipSha, runId: id, remoteName: 'origin' });
  const makeDirty = () => makeDirtyIn(clone);
  const assertDirtyAsMade = () => {
    assertDirtyIn(clone);
  };
  const ignoreLocally = (pattern: string) => writeFileSync(path.join(clone, '.git', 'info', 'exclude'), `${pattern}\n`);
  /** The agent's follow-up rebased (amended) the branch and force-pushed it. */
  const forcePush = (): string => {
    const ref = `refs/heads/${fetched.branch}`;
    const tip = clientGit(bare, ['rev-parse', ref]).trim();
    const amended = clientGit(bare, ['-c', 'user.name=Agent', '-c', 'user.email=agent@example.com', 'commit-tree', `${tip}^{tree}`, '-p', `${tip}~1`, '-m', 'rebased by the agent']).trim();
    clientGit(bare, ['update-ref', ref, amended, tip]);
    // GitHub keeps the pull request's own ref (what a github.com PR is fetched from) in step with its branch.
    clientGit(bare, ['update-ref', pullRequestHeadRef(runId), amended]);
    return amended;
  };
  /** A runner that runs `before` just before the first command named `command`. */
  const before = (command: string, action: () => void, inner: GitRunner = runner): GitRunner => {
    let done = false;
    return {
      run: (cwd, args, options) => {
        if (!done && args[0] === command) {
          done = true;
          action();
        }
        return inner.run(cwd, args, options);
      },
    };
  };
  /** Holds HEAD.lock (as a concurrent git would) while one command runs: `switch` then updates the files and fails. */
  const lockingHeadDuring = (command: string, inner: GitRunner = runner): GitRunner => ({
    run: async (cwd, args, options) => {
      const lock = path.join(clone, '.git', 'HEAD.lock');
      if (args[0] === command) writeFileSync(lock, '');
      try {
        return await inner.run(cwd, args, options);
      } finally {
        rmSync(lock, { force: true });
      }
    },
  });

  describe('ignored files (point 5)', () => {
    it('refuses to check out over an ignored file the branch commits, names it, and changes nothing', async () => {
      ignoreLocally('*.env');
      writeFiles(clone, { 'secrets.env': 'SECRET=mine\n' });
      sim.pushRunCommit(runId, { files: { 'secrets.env': 'SECRET=agent\n' } });
      fetched = await fetchOf(runId);
      makeDirty();
      const result = await stashAndSwitch(runner, fetched.root, request());
      assert.deepEqual(result, { kind: 'filesInTheWay', files: ['secrets.env'] });
      assert.equal(read('secrets.env'), 'SECRET=mine\n', 'the ignored file is untouched');
      assert.equal(git('branch', '--show-current'), 'main');
      assertDirtyAsMade();
      assert.equal(git('stash', 'list'), '', 'the stash was put back');
      assert.equal(git('branch', '--list', fetched.branch), '', 'the branch made for the switch is gone');
    });

    it('refuses the fast-forward of the checked-out branch over an ignored file, and names it', async () => {
      switched(await stashAndSwitch(runner, fetched.root, request()));
      const before = git('rev-parse', 'HEAD');
      ignoreLocally('*.env');
      writeFiles(clone, { 'secrets.env': 'SECRET=mine\n' });
      sim.pushRunCommit(runId, { files: { 'secrets.env': 'SECRET=agent\n' } });
      fetched = await fetchOf(runId);
      assert.deepEqual(await stashAndSwitch(runner, fetched.root, request()), { kind: 'filesInTheWay', files: ['secrets.env'] });
      assert.equal(read('secrets.env'), 'SECRET=mine\n');
      assert.equal(git('rev-parse', 'HEAD'), before);
    });

    it('switch back neither overwrites nor deletes an ignored file the previous branch tracks', async () => {
      writeFiles(clone, { 'secrets.env': 'SECRET=committed on main\n' });
      git('add', 'secrets.env');
      git('commit', '--quiet', '-m', 'main tracks secrets.env');
      const result = switched(await stashAndSwitch(runner, fetched.root, request()));
      ignoreLocally('*.env');
      writeFiles(clone, { 'secrets.env': 'SECRET=mine, made on the PR branch\n' });
      assert.deepEqual(await switchBack(runner, fetched.root, result.previous), { kind: 'filesInTheWay', files: ['secrets.env'] });
      assert.equal(read('secrets.env'), 'SECRET=mine, made on the PR branch\n');
      assert.equal(git('branch', '--show-current'), fetched.branch);
    });
  });

  describe('a switch failing half-way (point 6)', () => {
    it('keeps an edit saved after the status check when nothing was stashed', async () => {
      const failing = lockingHeadDuring('switch', before('switch', () => writeFiles(clone, { 'README.md': 'saved while the switch started\n' })));
      await assert.rejects(stashAndSwitch(failing, fetched.root, request()), ChangesError);
      assert.equal(git('branch', '--show-current'), 'main');
      assert.equal(read('README.md'), 'saved while the switch started\n', 'the edit survives');
      assert.equal(existsSync(path.join(clone, 'src', 'feature.ts')), false, 'the files the switch wrote are undone');
      assert.deepEqual(clientGit(clone, ['status', '--porcelain']).split('\n'), [' M README.md', '']);
    });

    it('keeps an edit saved after the stash, and the stash, when the switch fails', async () => {
      makeDirty();
      const failing = lockingHeadDuring('switch', before('switch', () => writeFiles(clone, { 'README.md': 'saved after the stash\n' })));
      await assert.rejects(stashAndSwitch(failing, fetched.root, request()), (error: unknown) => error instanceof ChangesError && /safe in the stash/.test(error.message));
      assert.equal(git('branch', '--show-current'), 'main');
      assert.equal(read('README.md'), 'saved after the stash\n', 'the later edit survives');
      assert.equal(git('show', 'stash@{0}:README.md'), 'my unstaged edit', 'the stashed edit is still in the stash');
      assert.equal(git('show', 'stash@{0}^3:notes/todo.txt'), 'my untracked file');
    });
  });

  describe('stashes are kept track of (point 7)', () => {
    it('the record survives a new instance reading the same state (a window reload), and switch back restores', async () => {
      const state = memoryState();
      makeDirty();
      switched(await checkOutAndRecord(runner, new WhereYouWere(state), fetched.root, request()));
      const reloaded = new WhereYouWere(state);
      const [departure] = reloaded.departures(fetched.root);
      assert.deepEqual([departure?.previous, departure?.branch, departure?.stash?.message], [{ kind: 'branch', name: 'main' }, fetched.branch, stashMessage(runId, fetched.branch)]);
      assert.equal(reloaded.latestRoot(), fetched.root);
      const back = await switchBackAndRecord(runner, reloaded, fetched.root);
      assert.equal(back.kind, 'switchedBack', JSON.stringify(back));
      assert.equal(git('branch', '--show-current'), 'main');
      assertDirtyAsMade();
      assert.equal(git('stash', 'list'), '');
      assert.deepEqual(new WhereYouWere(state).departures(fetched.root), []);
    });

    it('the commit a review showed survives a reload (point 11), per repository and run; a damaged one is dropped; the oldest go past 200', async () => {
      const state = memoryState();
      await new WhereYouWere(state).setReviewedTip(clone, runId, fetched.tipSha);
      const reloaded = new WhereYouWere(state);
      assert.equal(reloaded.reviewedTip(clone, runId), fetched.tipSha);
      assert.equal(reloaded.reviewedTip(clone, runId + 1), undefined);
      assert.equal(reloaded.reviewedTip(path.join(tempDir, 'elsewhere'), runId), undefined);
      await state.update('codegen.changes.checkouts', { departures: [], ownTips: {}, reviewedTips: { [`${clone}\0${runId}`]: 'HEAD~1; rm -rf' } });
      assert.equal(new WhereYouWere(state).reviewedTip(clone, runId), undefined, 'only a commit id is taken');
      const many = new WhereYouWere(state);
      for (let id = 1; id <= 201; id++) await many.setReviewedTip(clone, id, fetched.tipSha);
      assert.equal(many.reviewedTip(clone, 1), undefined, 'the oldest went');
      assert.equal(many.reviewedTip(clone, 201), fetched.tipSha);
    });

    it('a damaged record is ignored, not trusted: Switch back then lists the stashes Codegen made by their message', async () => {
      const state = memoryState();
      await state.update('codegen.changes.checkouts', { departures: [{ root: clone, runId: 'x', previous: { kind: 'branch' } }, 'junk'], ownTips: { [`${clone}\0${fetched.branch}`]: '--force' } });
      const where = new WhereYouWere(state);
      assert.deepEqual([where.departures(clone), where.ownTip(clone, fetched.branch)], [[], undefined]);
      makeDirty();
      const result = switched(await stashAndSwitch(runner, fetched.root, request()));
      const back = await switchBackAndRecord(runner, where, fetched.root);
      assert.deepEqual(back, { kind: 'nothingRecorded', root: fetched.root, stashes: [result.stash] });
      assert.equal(git('branch', '--show-current'), fetched.branch, 'nothing switched without a record');
    });

    it('two checkouts: both stashes are listed and each is restored where it was made', async () => {
      const where = new WhereYouWere(memoryState());
      const secondRun = sim.addRun({ pullRequest: true }).id;
      const second = await fetchOf(secondRun);
      makeDirty();
      switched(await checkOutAndRecord(runner, where, fetched.root, request()));
      writeFiles(clone, { 'src/feature.ts': 'my edit on the first PR branch\n' });
      switched(await checkOutAndRecord(runner, where, fetched.root, request(second, secondRun)));
      assert.deepEqual(where.departures(fetched.root).map((d) => d.stash?.message), [stashMessage(runId, fetched.branch), stashMessage(secondRun, second.branch)]);
      assert.deepEqual((await codegenStashes(runner, fetched.root)).map((s) => s.message).sort(), [stashMessage(runId, fetched.branch), stashMessage(secondRun, second.branch)].sort());

      const firstBack = await switchBackAndRecord(runner, where, fetched.root);
      assert.equal(firstBack.kind, 'switchedBack', JSON.stringify(firstBack));
      assert.equal(git('branch', '--show-current'), fetched.branch);
      assert.equal(read('src/feature.ts'), 'my edit on the first PR branch\n');
      assert.deepEqual(await switchBack(runner, fetched.root, { kind: 'branch', name: 'main' }), { kind: 'dirty', files: ['src/feature.ts'] }, 'the restored edit is not carried off');
      git('commit', '--quiet', '-am', 'my edit, committed on the first PR branch');
      assert.equal((await switchBackAndRecord(runner, where, fetched.root)).kind, 'switchedBack');
      assert.equal(git('branch', '--show-current'), 'main');
      assertDirtyAsMade();
      assert.equal(git('stash', 'list'), '', 'both stashes restored and dropped');
    });

    it('switch back names the untracked files that clash with the stash, and only those block', async () => {
      makeDirty();
      const result = switched(await stashAndSwitch(runner, fetched.root, request()));
      writeFiles(clone, { 'notes/todo.txt': 'another file at the same path\n', 'scratch.txt': 'unrelated scratch\n' });
      const restoreStash = result.stash;
      assert.ok(restoreStash);
      assert.deepEqual(await switchBack(runner, fetched.root, result.previous, { restoreStash }), { kind: 'dirty', files: ['notes/todo.txt'] });
      rmSync(path.join(clone, 'notes', 'todo.txt'));
      const back = await switchBack(runner, fetched.root, result.previous, { restoreStash });
      assert.equal(back.kind, 'switchedBack');
      assertDirtyAsMade();
      assert.equal(read('scratch.txt'), 'unrelated scratch\n', 'the unrelated untracked file came along');
    });

    it('a stash push that times out after git made the stash says the stash exists, and keeps it recorded', async () => {
      const where = new WhereYouWere(memoryState());
      makeDirty();
      const timingOut: GitRunner = {
        run: async (cwd, args, options) => {
          const result = await runner.run(cwd, args, options);
          if (args[0] === 'stash' && args[1] === 'push') throw new ChangesError('timedOut', 'git stash push took longer than 60 s and was stopped.');
          return result;
        },
      };
      await assert.rejects(checkOutAndRecord(timingOut, where, fetched.root, request()), (error: unknown) => error instanceof ChangesError && /safe in the stash "codegen: before checking out run/.test(error.message));
      const sha = git('rev-parse', 'refs/stash');
      assert.equal(git('branch', '--show-current'), 'main', 'nothing was switched');
      assert.deepEqual(where.departures(fetched.root).map((d) => d.stash?.sha), [sha], 'the stash is recorded for Switch back');
      assert.equal((await switchBackAndRecord(runner, where, fetched.root)).kind, 'switchedBack');
      assertDirtyAsMade();
      assert.equal(git('stash', 'list'), '');
    });
  });

  describe('a force-pushed branch (point 10)', () => {
    it('moves the local branch that still sits at the tip this extension set', async () => {
      const where = new WhereYouWere(memoryState());
      const first = switched(await checkOutAndRecord(runner, where, fetched.root, request()));
      await switchBackAndRecord(runner, where, fetched.root);
      const amended = forcePush();
      fetched = await fetchOf(runId);
      assert.equal(fetched.tipSha, amended);
      const result = switched(await checkOutAndRecord(runner, where, fetched.root, request()));
      assert.deepEqual([result.movedFrom, git('rev-parse', 'HEAD'), git('branch', '--show-current')], [first.tipSha, amended, fetched.branch]);
    });

    it('a diverged branch with the user commits is reset only when asked, onto a backup branch first', async () => {
      const where = new WhereYouWere(memoryState());
      switched(await checkOutAndRecord(runner, where, fetched.root, request()));
      writeFiles(clone, { 'mine.txt': 'my commit\n' });
      git('add', 'mine.txt');
      git('commit', '--quiet', '-m', 'my own work');
      const mine = git('rev-parse', 'HEAD');
      await switchBackAndRecord(runner, where, fetched.root);
      const amended = forcePush();
      fetched = await fetchOf(runId);
      const backup = `codegen/backup/${fetched.branch}-${mine.slice(0, 7)}`;
      const refused = await checkOutAndRecord(runner, where, fetched.root, request());
      assert.deepEqual(refused, { kind: 'diverged', branch: fetched.branch, localSha: mine, tipSha: amended, backup });
      assert.equal(git('rev-parse', fetched.branch), mine, 'not moved without asking');
      const reset = switched(await checkOutAndRecord(runner, where, fetched.root, { ...request(), resetDiverged: { localSha: mine, backup } }));
      assert.deepEqual([reset.movedFrom, reset.backup, git('rev-parse', 'HEAD'), git('rev-parse', backup)], [mine, backup, amended, mine]);
    });

    it('a worktree follows the force-push of a branch this extension created', async () => {
      const where = new WhereYouWere(memoryState());
      switched(await checkOutAndRecord(runner, where, fetched.root, request()));
      await switchBackAndRecord(runner, where, fetched.root);
      const ownTip = where.ownTip(fetched.root, fetched.branch);
      assert.equal(ownTip, git('rev-parse', fetched.branch));
      const amended = forcePush();
      fetched = await fetchOf(runId);
      const dir = path.join(tempDir, 'wt');
      const result = await addWorktree(runner, fetched.root, { dir, branch: fetched.branch, tipSha: fetched.tipSha, ...(ownTip ? { ownTip } : {}) });
      assert.equal(result.kind, 'added', JSON.stringify(result));
      assert.equal(clientGit(dir, ['rev-parse', 'HEAD']).trim(), amended);
    });
  });

  describe('the reviewed tip (point 11)', () => {
    it('checks out the tip that was fetched and reviewed, though the private ref moved since', async () => {
      const reviewed = fetched;
      sim.pushRunCommit(runId);
      const later = await fetchOf(runId);
      assert.notEqual(later.tipSha, reviewed.tipSha, 'the ref moved');
      assert.equal(git('rev-parse', reviewed.ref), later.tipSha);
      const result = switched(await stashAndSwitch(runner, reviewed.root, request(reviewed)));
      assert.deepEqual([result.tipSha, git('rev-parse', 'HEAD')], [reviewed.tipSha, reviewed.tipSha]);
    });
  });
});
