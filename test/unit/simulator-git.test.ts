// The simulator's git side: bare repositories under gitRoot, a real branch per run PR pushed when the PR first
// appears, the git control endpoints, and the client-clone helper (remote stays github.com, traffic stays local).

import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '../../src/util/clock';
import { parseCliOptions } from '../simulator/cli';
import { SimulatorControlClient } from '../simulator/controlClient';
import { CLIENT_USER, clientGit, cloneClientWorkspace } from '../simulator/gitWorkspace';
import { CodegenSimulator, GIT_AUTHOR, GIT_BASE_FILES, PR_APPEARS_AT, runBranchChanges, runBranchName } from '../simulator/simulator';
import { call, paths } from '../simulator/testing';

const DURATION = 10_000;

describe('Codegen simulator: git side', () => {
  let tempDir: string;
  let gitRoot: string;
  let clock: FakeClock;
  let sim: CodegenSimulator;
  let control: SimulatorControlClient;

  beforeEach(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-sim-git-'));
    gitRoot = path.join(tempDir, 'github');
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock, runDurationMs: DURATION, gitRoot });
    control = new SimulatorControlClient(sim.url);
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });

  const bare = (name = 'acme/widgets') => path.join(gitRoot, ...name.split('/')) + '.git';
  const git = (cwd: string, ...args: string[]) => clientGit(cwd, args);
  const branchRefs = (repo = bare()) => git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/').split('\n').filter(Boolean);
  const create = async (prompt = 'Make widgets better'): Promise<number> => {
    const answer = await call(sim.url, 'POST', paths.create(), { body: { prompt } });
    assert.equal(answer.status, 200, answer.text);
    return answer.json.id as number;
  };

  it('makes no git at all without gitRoot', async () => {
    const plain = await CodegenSimulator.start({ clock, runDurationMs: DURATION });
    try {
      assert.equal(plain.gitEnabled, false);
      assert.equal(plain.gitRoot, undefined);
      const id = plain.addRun({ pullRequest: true }).id;
      assert.equal(plain.gitInfo(id), undefined);
      const answer = await call(plain.url, 'GET', `/_sim/runs/${id}/git`, { token: null });
      assert.equal(answer.status, 404);
      assert.match(answer.json.error as string, /without a git root/);
      assert.throws(() => plain.ensureGitRepository(), /without gitRoot/);
    } finally {
      await plain.stop();
    }
  });

  it('makes a bare repository per GitHub repository with a deterministic main', async () => {
    assert.equal(existsSync(gitRoot), false, 'nothing is made before first use');
    assert.equal(sim.ensureGitRepository('acme/widgets'), bare());
    assert.equal(git(bare(), 'rev-parse', '--is-bare-repository').trim(), 'true');
    assert.deepEqual(branchRefs(), ['refs/heads/main']);
    const files = git(bare(), 'ls-tree', '-r', '--name-only', 'main').trim().split('\n');
    assert.deepEqual(files, Object.keys(GIT_BASE_FILES).sort());
    assert.equal(git(bare(), 'show', 'main:README.md'), '# acme/widgets\n\nA repository of the Codegen simulator.\n');
    assert.equal(git(bare(), 'show', 'main:src/widget.ts'), GIT_BASE_FILES['src/widget.ts']);
    const other = await CodegenSimulator.start({ gitRoot: path.join(tempDir, 'elsewhere') });
    try {
      const sha = (repo: string) => git(repo, 'rev-parse', 'main').trim();
      assert.equal(sha(other.ensureGitRepository('acme/widgets')), sha(bare()), 'same main everywhere');
      assert.notEqual(sha(other.ensureGitRepository('acme/api')), sha(bare()), 'each repository has its own README');
    } finally {
      await other.stop();
    }
  });

  it('pushes the run branch the moment the PR first appears, with an added, a modified, a deleted and a renamed file', async () => {
    const id = await create();
    await clock.advance(DURATION * PR_APPEARS_AT - 1);
    await call(sim.url, 'GET', paths.run(id));
    assert.deepEqual(branchRefs(), ['refs/heads/main'], 'no branch before the PR');
    assert.deepEqual((await control.gitInfo(id)).tipSha, null);
    await clock.advance(1);
    const [pr] = (await call(sim.url, 'GET', paths.runs())).json.items[0].github_pull_requests;
    assert.equal(pr.head_branch_name, runBranchName(id));
    assert.deepEqual(branchRefs(), [`refs/heads/${runBranchName(id)}`, 'refs/heads/main']);

    const info = await control.gitInfo(id);
    const tip = git(bare(), 'rev-parse', runBranchName(id)).trim();
    assert.deepEqual(info, {
      runId: id, repoFullName: 'acme/widgets', barePath: bare(), remoteUrl: 'https://github.com/acme/widgets.git', branch: runBranchName(id),
      baseBranch: 'main', baseSha: git(bare(), 'rev-parse', 'main').trim(), tipSha: tip, pushed: true, deleted: false, commits: 2,
    });
    const changes = runBranchChanges(id);
    const nameStatus = git(bare(), 'diff', '--name-status', '-M', `main...${runBranchName(id)}`).trim().split('\n');
    assert.deepEqual(nameStatus.sort(), [`R100\t${changes.renamed.from}\t${changes.renamed.to}`, `A\t${changes.added.path}`, `M\t${changes.modified.path}`, `D\t${changes.deleted.path}`].sort());
    assert.equal(git(bare(), 'show', `${tip}:src/feature.ts`), `// Added by Codegen run ${id}.\nexport const RUN_ID = ${id};\n`);
    assert.match(git(bare(), 'show', `${tip}:src/widget.ts`), new RegExp(`widget \\$\\{name\\} \\(run ${id}\\)`));
    assert.equal(git(bare(), 'show', `${tip}:${changes.renamed.to}`), changes.renamed.content);
    const log = git(bare(), 'log', '--format=%an <%ae>|%at|%s', `main..${tip}`).trim().split('\n');
    assert.equal(log.length, 2);
    for (const line of log) {
      const [author, time, subject] = line.split('|');
      assert.equal(author, `${GIT_AUTHOR.name} <${GIT_AUTHOR.email}>`);
      assert.equal(Number(time) * 1000, Date.parse(pr.created_at as string), 'dated when the PR appeared');
      assert.match(subject ?? '', new RegExp(`^Run ${id}: `));
    }
    await clock.advance(DURATION);
    await call(sim.url, 'GET', paths.run(id));
    assert.equal(git(bare(), 'rev-parse', runBranchName(id)).trim(), tip, 'pushed once');
  });

  it('pushes seeded PR branches at once, into the repository of the run, and none for a failing run', async () => {
    const seeded = sim.addRun({ pullRequest: true, repoId: 103 }).id;
    assert.equal(sim.gitInfo(seeded)?.barePath, bare('acme/docs'));
    assert.deepEqual(branchRefs(bare('acme/docs')), [`refs/heads/${runBranchName(seeded)}`, 'refs/heads/main']);
    const failing = await create('Break it [fail]');
    await clock.advance(DURATION);
    assert.deepEqual((await call(sim.url, 'GET', paths.run(failing))).json.github_pull_requests, []);
    assert.deepEqual([sim.gitInfo(failing)?.pushed, sim.gitInfo(failing)?.tipSha], [false, null]);
    assert.deepEqual(branchRefs(), ['refs/heads/main']);
  });

  it('the attempts of one group push different changes (the attempt number decides src/approach.ts); a plain run gets no attempt commit', async () => {
    const metadata = (attempt: number) => ({ attempt_group: 'g-sim', attempt });
    const first = sim.addRun({ pullRequest: true, metadata: metadata(1) }).id;
    const second = sim.addRun({ pullRequest: true, metadata: metadata(2) }).id;
    const plain = sim.addRun({ pullRequest: true }).id;
    const show = (id: number, file: string) => git(bare(), 'show', `${runBranchName(id)}:${file}`);
    assert.equal(show(first, 'src/approach.ts'), '// Approach of attempt 1.\nexport const APPROACH = 1;\n');
    assert.equal(show(second, 'src/approach.ts'), '// Approach of attempt 2.\nexport const APPROACH = 2;\n');
    assert.equal(show(second, 'notes/attempt-2.md'), 'Notes of attempt 2.\n');
    assert.deepEqual([sim.gitInfo(first)?.commits, sim.gitInfo(plain)?.commits], [3, 2]);
    // Reading the run again pushes nothing more.
    await call(sim.url, 'GET', paths.run(first));
    assert.equal(sim.gitInfo(first)?.commits, 3);
  });

  it('deletes a run branch over HTTP (deleted after merge) and never pushes it again', async () => {
    const id = sim.addRun({ pullRequest: { state: 'closed', merged: true } }).id;
    const deleted = await control.deleteRunBranch(id);
    assert.deepEqual([deleted.deleted, deleted.tipSha, deleted.commits], [true, null, 0]);
    assert.deepEqual(branchRefs(), ['refs/heads/main']);
    assert.equal((await call(sim.url, 'GET', paths.run(id))).json.github_pull_requests[0].head_branch_name, runBranchName(id), 'the PR still names it');
    assert.deepEqual(branchRefs(), ['refs/heads/main']);
    const again = await call(sim.url, 'DELETE', `/_sim/runs/${id}/git/branch`, { token: null });
    assert.equal(again.status, 409);
    const early = await create();
    assert.equal((await call(sim.url, 'DELETE', `/_sim/runs/${early}/git/branch`, { token: null })).status, 409, 'no PR yet');
    assert.equal((await call(sim.url, 'GET', '/_sim/runs/999/git', { token: null })).status, 404);
  });

  it('pushes one more commit to a run branch over HTTP', async () => {
    const id = sim.addRun({ pullRequest: true }).id;
    const before = sim.gitInfo(id)?.tipSha;
    const first = await control.pushRunCommit(id);
    assert.equal(first.commits, 3);
    assert.equal(git(bare(), 'rev-parse', `${first.tipSha}^`).trim(), before);
    assert.equal(git(bare(), 'show', `${first.tipSha}:notes/follow-up-1.md`), `Follow-up 1 of Codegen run ${id}.\n`);
    const second = await control.pushRunCommit(id, { files: { 'src/widget.ts': 'export {};\n', 'src/feature.ts': null }, message: 'Rewrite' });
    assert.equal(git(bare(), 'show', `${second.tipSha}:src/widget.ts`), 'export {};\n');
    assert.equal(git(bare(), 'ls-tree', '--name-only', `${second.tipSha}`, 'src/feature.ts').trim(), '');
    assert.equal(git(bare(), 'log', '-1', '--format=%s', `${second.tipSha}`).trim(), 'Rewrite');
    const unsafe = await call(sim.url, 'POST', `/_sim/runs/${id}/git/commits`, { body: { files: { '../escape': 'x' } }, token: null });
    assert.equal(unsafe.status, 400);
    assert.match(unsafe.json.error as string, /unsafe file path/);
    assert.equal((await call(sim.url, 'POST', `/_sim/runs/${id}/git/commits`, { body: { files: { a: 1 } }, token: null })).status, 400);
    sim.deleteRunBranch(id);
    assert.equal((await call(sim.url, 'POST', `/_sim/runs/${id}/git/commits`, { body: {}, token: null })).status, 409);
  });

  it('force-pushes a run branch over HTTP: one rewritten commit on the base, the old tip no ancestor, the PR ref moved with it', async () => {
    const id = sim.addRun({ pullRequest: true }).id;
    const before = sim.gitInfo(id)!;
    const after = await control.forcePushRunBranch(id);
    assert.equal(after.commits, 1);
    assert.equal(git(bare(), 'rev-parse', `${after.tipSha}^`).trim(), before.baseSha);
    assert.throws(() => git(bare(), 'merge-base', '--is-ancestor', before.tipSha!, after.tipSha!), 'the old tip is not in the new history');
    assert.equal(git(bare(), 'rev-parse', `refs/pull/${100 + id}/head`).trim(), after.tipSha);
    assert.equal(git(bare(), 'show', `${after.tipSha}:src/feature.ts`), runBranchChanges(id).added.content);
    assert.equal(git(bare(), 'show', `${after.tipSha}:notes/rewritten.md`), `Run ${id}, rewrite 1.\n`);
    const again = await control.forcePushRunBranch(id);
    assert.notEqual(again.tipSha, after.tipSha, 'a second rewrite is another commit');
    sim.deleteRunBranch(id);
    assert.equal((await call(sim.url, 'POST', `/_sim/runs/${id}/git/force-push`, { token: null })).status, 409);
  });

  it('a fork\u2019s pull request names the fork\u2019s branch (main) and the base repository holds only refs/pull/<n>/head', async () => {
    const id = sim.addRun({ pullRequest: { headBranch: 'main' } }).id;
    const mainBefore = git(bare(), 'rev-parse', 'refs/heads/main').trim();
    assert.equal((await call(sim.url, 'GET', paths.run(id))).json.github_pull_requests[0].head_branch_name, 'main');
    assert.deepEqual(branchRefs(), ['refs/heads/main'], 'no branch for the fork\u2019s work');
    assert.equal(git(bare(), 'rev-parse', 'refs/heads/main').trim(), mainBefore, 'the base repository\u2019s main is untouched');
    const pull = git(bare(), 'rev-parse', `refs/pull/${100 + id}/head`).trim();
    assert.equal(git(bare(), 'show', `${pull}:src/feature.ts`), runBranchChanges(id).added.content);
  });

  it('removes its bare repositories on reset, and never replaces a folder it did not make', async () => {
    sim.addRun({ pullRequest: true });
    await control.reset();
    assert.equal(existsSync(bare()), false);
    sim.addRun({ pullRequest: true });
    assert.deepEqual(branchRefs(), ['refs/heads/codegen/run-1', 'refs/heads/main'], 'run ids start again at 1');

    const foreignRoot = path.join(tempDir, 'foreign');
    mkdirSync(path.join(foreignRoot, 'acme', 'widgets.git'), { recursive: true });
    writeFileSync(path.join(foreignRoot, 'acme', 'widgets.git', 'precious.txt'), 'keep me');
    const careful = await CodegenSimulator.start({ gitRoot: foreignRoot });
    try {
      assert.throws(() => careful.ensureGitRepository(), /was not made by the Codegen simulator/);
      assert.deepEqual(readdirSync(path.join(foreignRoot, 'acme', 'widgets.git')), ['precious.txt']);
    } finally {
      await careful.stop();
    }
  });

  it('takes --git-root on the command line', () => {
    assert.equal(parseCliOptions(['--git-root', '/tmp/sim-git']).gitRoot, '/tmp/sim-git');
    assert.equal(parseCliOptions([]).gitRoot, undefined);
    assert.throws(() => parseCliOptions(['--git-root', ' ']), /expects a folder/);
  });

  describe('client working copy', () => {
    it('keeps github.com as the configured remote and fetches run branches from the bare repository, offline', () => {
      sim.ensureGitRepository();
      const clone = cloneClientWorkspace({ gitRoot, dir: path.join(tempDir, 'client') });
      const dir = clone.dir;
      assert.equal(git(dir, 'config', '--get', 'remote.origin.url').trim(), 'https://github.com/acme/widgets.git');
      assert.equal(git(dir, 'config', '--local', '--get', `url.${gitRoot}/.insteadOf`).trim(), 'https://github.com/');
      assert.equal(git(dir, 'remote', 'get-url', 'origin').trim(), bare(), 'get-url shows insteadOf applied');
      assert.deepEqual([git(dir, 'config', '--local', 'user.name').trim(), git(dir, 'config', '--local', 'user.email').trim()], [CLIENT_USER.name, CLIENT_USER.email]);
      assert.equal(git(dir, 'branch', '--show-current').trim(), 'main');
      assert.equal(git(dir, 'show', 'HEAD:src/util.ts'), GIT_BASE_FILES['src/util.ts']);

      const id = sim.addRun({ pullRequest: true }).id;
      git(dir, 'fetch', '--quiet', 'origin');
      assert.equal(git(dir, 'rev-parse', `origin/${runBranchName(id)}`).trim(), sim.gitInfo(id)?.tipSha);

      git(dir, 'remote', 'add', 'online', 'https://gitlab.com/acme/widgets.git');
      assert.throws(() => git(dir, 'fetch', 'online'), /transport 'https' not allowed/, 'a URL that is not rewritten never goes online');
    });
  });
});

