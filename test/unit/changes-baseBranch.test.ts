// "Start from my uncommitted changes", against real git in a scratch folder: a clone of a local bare remote
// (named as GitHub, rewritten through url.<dir>.insteadOf), with staged, unstaged, untracked and ignored files.

import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deleteBaseBranch, publishBaseBranch, snapshotWorkingTree } from '../../src/changes/baseBranch';
import { baseBranchSentence, parseBaseBranchSentence } from '../../src/changes/baseBranchPrompt';
import { ChangesError } from '../../src/changes/errors';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { FakeClock } from '../../src/util/clock';
import { clientGit, cloneClientWorkspace, initRepository, writeFiles } from '../simulator/gitWorkspace';
import { CodegenSimulator } from '../simulator/simulator';
import { planBaseBranch } from '../../src/send/baseBranchStep';
import type { SendDialogs, SendInput } from '../../src/send/sendTypes';

describe('changes: start from my uncommitted changes (base branch)', () => {
  let tempDir: string;
  let bare: string;
  let clone: string;
  const runner = new CliGitRunner({ timeoutMs: 20_000 });
  const git = (...args: string[]) => clientGit(clone, args);

  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-base-test-'));
    const seed = initRepository(path.join(tempDir, 'seed'), { 'README.md': '# seed\n', 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 1;\n', '.gitignore': 'secret.log\nbuild/\n' });
    bare = path.join(tempDir, 'github', 'acme', 'widgets.git');
    clientGit(tempDir, ['clone', '--quiet', '--bare', seed, bare]);
    clone = path.join(tempDir, 'client');
    clientGit(tempDir, ['clone', '--quiet', bare, clone]);
    git('config', '--local', 'user.name', 'Test Developer');
    git('config', '--local', 'user.email', 'developer@example.com');
    git('config', '--local', `url.${path.join(tempDir, 'github').split(path.sep).join('/')}/.insteadOf`, 'https://github.com/');
    for (const protocol of ['http', 'https', 'ssh', 'git']) git('config', '--local', `protocol.${protocol}.allow`, 'never');
    git('remote', 'set-url', 'origin', 'https://github.com/acme/widgets.git');
    // Staged, then changed again; unstaged; deleted; untracked (in a new folder); ignored; and a stash entry.
    writeFiles(clone, { 'src/a.ts': 'export const a = 2;\n' });
    git('add', 'src/a.ts');
    writeFiles(clone, { 'src/a.ts': 'export const a = 3;\n', 'README.md': '# seed, edited\n', 'notes/new file.md': 'untracked\n', 'secret.log': 'ignored\n', 'build/out.js': 'ignored\n' });
    rmSync(path.join(clone, 'src/b.ts'));
    writeFiles(clone, { 'stashed.txt': 'x\n' });
    clientGit(clone, ['stash', 'push', '--include-untracked', '--quiet', '-m', 'the user stash', '--', 'stashed.txt']);
  });

  afterEach(() => rmSync(tempDir, { recursive: true, force: true }));

  const userState = () => ({
    status: git('status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored'),
    index: git('ls-files', '-s'),
    cached: git('diff', '--cached'),
    stash: git('stash', 'list', '--format=%H %gs'),
    head: git('rev-parse', 'HEAD'),
    branch: git('symbolic-ref', '--short', 'HEAD'),
    refs: git('for-each-ref', '--format=%(refname) %(objectname)'),
    files: readdirSync(clone, { recursive: true }).map(String).filter((file) => !file.startsWith('.git')).sort(),
  });
  const tempIndexes = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith('codegen-base-index-'));

  it('pushes one branch whose tree is the working tree (untracked in, ignored out) and leaves branch, index, stash and files as they were', async () => {
    const before = userState();
    const indexesBefore = tempIndexes();
    const snapshot = await snapshotWorkingTree(runner, clone);
    assert.deepEqual(snapshot.files, [
      { status: 'M', path: 'README.md' }, { status: 'A', path: 'notes/new file.md' }, { status: 'M', path: 'src/a.ts' }, { status: 'D', path: 'src/b.ts' },
    ]);
    assert.match(snapshot.diff, /\+export const a = 3;/);
    assert.match(snapshot.diff, /\+untracked/);
    const published = await publishBaseBranch(runner, snapshot, { id: 'abcdef0123' });
    assert.equal(published.branch, 'codegen/base/abcdef0123');
    assert.equal(published.remote.name, 'origin');
    assert.deepEqual(userState(), before, 'status, index, stash, HEAD, branch, refs and files unchanged');
    assert.deepEqual(tempIndexes(), indexesBefore, 'the temporary index is gone');

    const remoteTip = clientGit(bare, ['rev-parse', 'refs/heads/codegen/base/abcdef0123']).trim();
    assert.equal(remoteTip, published.commit);
    assert.equal(clientGit(bare, ['rev-parse', `${remoteTip}^`]).trim(), before.head.trim(), 'its parent is HEAD');
    const pushedFiles = clientGit(bare, ['ls-tree', '-r', '--name-only', remoteTip]).trim().split('\n').sort();
    assert.deepEqual(pushedFiles, ['.gitignore', 'README.md', 'notes/new file.md', 'src/a.ts']);
    for (const file of pushedFiles) assert.equal(clientGit(bare, ['show', `${remoteTip}:${file}`]), readFileSync(path.join(clone, file), 'utf8'), file);
    assert.equal(clientGit(bare, ['for-each-ref', 'refs/heads']).trim().split('\n').length, 2, 'main and the one base branch');

    assert.equal(await deleteBaseBranch(runner, clone, 'origin', published.branch), true);
    assert.equal(clientGit(bare, ['for-each-ref', 'refs/heads/codegen']).trim(), '');
    assert.equal(await deleteBaseBranch(runner, clone, 'origin', published.branch), false, 'already gone');
    assert.deepEqual(userState(), before);
  });

  it('a rejected push is a clear error and leaves no local ref, branch or temporary index behind', async () => {
    const hook = path.join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "pushes are closed today" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const before = userState();
    const indexesBefore = tempIndexes();
    const snapshot = await snapshotWorkingTree(runner, clone);
    await assert.rejects(publishBaseBranch(runner, snapshot, { id: 'abcdef0123' }), (error: unknown) => {
      assert.ok(error instanceof ChangesError);
      assert.equal(error.kind, 'pushRejected');
      assert.match(error.message, /The remote origin refused the branch codegen\/base\/abcdef0123/);
      assert.match(error.gitMessage, /pushes are closed today/);
      return true;
    });
    assert.deepEqual(userState(), before);
    assert.deepEqual(tempIndexes(), indexesBefore);
    assert.equal(clientGit(bare, ['for-each-ref', 'refs/heads/codegen']).trim(), '');
  });

  it('refuses without a remote, and with a clean tree', async () => {
    git('remote', 'remove', 'origin');
    const before = userState();
    const snapshot = await snapshotWorkingTree(runner, clone);
    await assert.rejects(publishBaseBranch(runner, snapshot), (error: unknown) => error instanceof ChangesError && error.kind === 'noRemote' && /has no remote/.test(error.message));
    assert.deepEqual(userState(), before);
    clientGit(clone, ['reset', '--hard', '--quiet']);
    clientGit(clone, ['clean', '-fdq']);
    await assert.rejects(snapshotWorkingTree(runner, clone), (error: unknown) => error instanceof ChangesError && error.kind === 'nothingToSend');
  });

  it('refuses in an untrusted workspace without starting git', async () => {
    const untrusted = new CliGitRunner({ isTrusted: () => false, gitPath: path.join(tempDir, 'no-such-git') });
    const before = userState();
    await assert.rejects(snapshotWorkingTree(untrusted, clone), (error: unknown) => error instanceof ChangesError && error.kind === 'untrustedWorkspace');
    await assert.rejects(deleteBaseBranch(untrusted, clone, 'origin', 'codegen/base/abcdef0123'), (error: unknown) => error instanceof ChangesError && error.kind === 'untrustedWorkspace');
    assert.deepEqual(userState(), before);
  });

  describe('the send step: only when the user chose it', () => {
    const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, show() {} };
    const asking = () => {
      const asked: Array<ReadonlyArray<{ status: string; path: string }>> = [];
      const failures: string[] = [];
      const dialogs = {
        uncommittedChanges: (files: ReadonlyArray<{ status: string; path: string }>) => (asked.push(files), Promise.resolve('include' as const)),
        failed: (error: unknown) => (failures.push(String(error)), Promise.resolve()),
      } as unknown as SendDialogs;
      return { asked, dialogs, failures };
    };
    const input = (includeUncommitted?: boolean): SendInput => ({ origin: 'newRun', target: { kind: 'none', git: () => Promise.resolve(undefined) }, ...(includeUncommitted === undefined ? {} : { includeUncommitted }) }) as unknown as SendInput;

    it('an ordinary send with uncommitted changes asks nothing and pushes nothing', async () => {
      const { asked, dialogs } = asking();
      const before = userState();
      const plan = await planBaseBranch(runner, { root: clone }, input(), { request: 'Fix it', typed: 'Fix it', images: [] }, dialogs, undefined, quiet);
      assert.deepEqual(plan, { kind: 'none' });
      assert.equal(asked.length, 0, 'no question');
      assert.deepEqual(userState(), before);
    });

    it('"Start from my uncommitted changes…" lists exactly the files that go before anything is pushed; a clean tree is said plainly', async () => {
      const { asked, dialogs, failures } = asking();
      const plan = await planBaseBranch(runner, { root: clone }, input(), { request: 'Fix it', typed: 'Fix it', images: [], fromUncommitted: true }, dialogs, undefined, quiet);
      assert.equal(plan.kind, 'planned');
      assert.deepEqual(asked[0]?.map((file) => file.path).sort(), ['README.md', 'notes/new file.md', 'src/a.ts', 'src/b.ts']);
      assert.equal(clientGit(bare, ['for-each-ref', 'refs/heads/codegen/']), '', 'nothing pushed yet');
      git('stash', 'push', '--include-untracked', '--quiet');
      const clean = await planBaseBranch(runner, { root: clone }, input(), { request: 'Fix it', typed: 'Fix it', images: [], fromUncommitted: true }, dialogs, undefined, quiet);
      assert.equal(clean.kind, 'stop');
      assert.match(clean.kind === 'stop' ? clean.message : '', /no uncommitted changes/);
      assert.equal(asked.length, 1, 'not asked again for a clean tree');
      assert.equal(failures.length, 1, 'the user is told');
    });
  });

  it('a diff too large for the secret scan to read whole is refused, not pushed half-scanned', async () => {
    writeFiles(clone, { 'big.txt': `${'x'.repeat(99)}\n`.repeat(170_000) });
    const before = userState();
    await assert.rejects(snapshotWorkingTree(runner, clone), (error: unknown) => error instanceof ChangesError && /too large to scan for secrets/.test(error.message));
    assert.deepEqual(userState(), before);
  });

  it('the prompt sentence names the branch and commit, and the parser reads exactly that back', () => {
    const sentence = baseBranchSentence({ branch: 'codegen/base/abcdef0123', commit: 'a'.repeat(40) });
    assert.match(sentence, /Start from the branch `codegen\/base\/abcdef0123` \(commit a{40}\)/);
    assert.deepEqual(parseBaseBranchSentence(`Fix it.\n\n${sentence}\n`), { branch: 'codegen/base/abcdef0123', commit: 'a'.repeat(40) });
    assert.equal(parseBaseBranchSentence('Start from the branch `main` (commit abc)'), undefined);
    assert.throws(() => baseBranchSentence({ branch: 'main', commit: 'a'.repeat(40) }));
    return Promise.resolve();
  });
});


describe('simulator: the agent starts from the base branch the prompt names', () => {
  let tempDir: string;
  let sim: CodegenSimulator;

  beforeEach(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-base-sim-'));
    sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot: path.join(tempDir, 'github') });
    sim.ensureGitRepository();
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });

  it("builds the run's PR branch on top of the pushed base branch, so the uncommitted change is in the agent's work", async () => {
    const { dir, barePath } = cloneClientWorkspace({ gitRoot: path.join(tempDir, 'github'), dir: path.join(tempDir, 'client') });
    writeFiles(dir, { 'src/local-only.ts': 'export const fromMyDesk = true;\n' });
    const runner = new CliGitRunner({ timeoutMs: 20_000 });
    const published = await publishBaseBranch(runner, await snapshotWorkingTree(runner, dir), { id: '0123456789' });
    const run = sim.addRun({ pullRequest: true, prompt: `Add a feature.\n\n${baseBranchSentence(published)}` });
    const tip = sim.gitInfo(run.id)?.tipSha;
    assert.ok(tip);
    assert.equal(clientGit(barePath, ['show', `${tip}:src/local-only.ts`]), 'export const fromMyDesk = true;\n');
    assert.equal(clientGit(barePath, ['merge-base', '--is-ancestor', published.commit, tip]), '', 'the base commit is an ancestor of the PR branch');
    const plain = sim.addRun({ pullRequest: true, prompt: 'Add a feature.' });
    const plainTip = sim.gitInfo(plain.id)?.tipSha ?? '';
    assert.throws(() => clientGit(barePath, ['show', `${plainTip}:src/local-only.ts`]), 'a prompt without the sentence starts from main');
  });
});
