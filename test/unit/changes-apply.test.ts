// Applying a run's PR branch to the working tree without switching branch: clean 3-way apply, conflicts left as
// markers and reported exactly, refusals that change nothing, and a partial apply that is never called success.

import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '../../src/util/clock';
import { applyChanges } from '../../src/changes/applyPatch';
import { compareWithHead, type BranchComparison } from '../../src/changes/changedFiles';
import { fetchRunBranch } from '../../src/changes/fetchBranch';
import { CliGitRunner, type GitRunner } from '../../src/changes/gitRunner';
import { clientGit, cloneClientWorkspace, initRepository, writeFiles } from '../simulator/gitWorkspace';
import { CodegenSimulator, GIT_BASE_FILES, runBranchChanges, type SimRunBranchChanges } from '../simulator/simulator';

describe('changes: apply a PR branch to the working tree', () => {
  let tempDir: string;
  let sim: CodegenSimulator;
  let clone: string;
  let comparison: BranchComparison;
  let changes: SimRunBranchChanges;
  const runner = new CliGitRunner({ timeoutMs: 20_000 });

  beforeEach(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-changes-apply-'));
    sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot: path.join(tempDir, 'github') });
    sim.ensureGitRepository();
    clone = cloneClientWorkspace({ gitRoot: path.join(tempDir, 'github'), dir: path.join(tempDir, 'client') }).dir;
    const run = sim.addRun({ pullRequest: true });
    assert.ok(run.pullRequest);
    changes = runBranchChanges(run.id);
    const fetched = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: run.pullRequest.url, branch: run.pullRequest.head_branch_name, runId: run.id });
    comparison = await compareWithHead(runner, fetched.root, fetched.ref);
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });

  const git = (...args: string[]) => clientGit(clone, args);
  const read = (file: string) => readFileSync(path.join(clone, ...file.split('/')), 'utf8');
  const exists = (file: string) => existsSync(path.join(clone, ...file.split('/')));
  const commitLocally = (files: Record<string, string>) => {
    writeFiles(clone, files);
    git('commit', '--quiet', '-am', 'local work');
  };
  const snapshot = () => ({ status: git('status', '--porcelain=v2', '--untracked-files=all'), head: git('rev-parse', 'HEAD'), widget: read('src/widget.ts') });
  const apply = (using: GitRunner = runner) => applyChanges(using, clone, { base: comparison.base, tip: comparison.tip });

  it('applies the added, modified, deleted and renamed files, staged, without switching branch', async () => {
    const head = git('rev-parse', 'HEAD');
    const result = await apply();
    assert.deepEqual(result, { kind: 'applied', files: comparison.files });
    assert.equal(read(changes.added.path), changes.added.content);
    assert.equal(read(changes.modified.path), changes.modified.after);
    assert.equal(exists(changes.deleted.path), false);
    assert.equal(read(changes.renamed.to), changes.renamed.content);
    assert.equal(exists(changes.renamed.from), false);
    assert.deepEqual([git('rev-parse', 'HEAD'), git('branch', '--show-current').trim()], [head, 'main']);
    assert.deepEqual(git('diff', '--cached', '--name-status', '-M').trim().split('\n').sort(), [
      `A\t${changes.added.path}`, `D\t${changes.deleted.path}`, `M\t${changes.modified.path}`, `R100\t${changes.renamed.from}\t${changes.renamed.to}`,
    ]);
  });

  it('merges with committed local work on the same file when the edits do not overlap', async () => {
    commitLocally({ 'src/widget.ts': `${GIT_BASE_FILES['src/widget.ts']}export const LOCAL = true;\n` });
    const result = await apply();
    assert.equal(result.kind, 'applied');
    assert.equal(read('src/widget.ts'), `${changes.modified.after}export const LOCAL = true;\n`);
  });

  it('leaves conflict markers and unmerged entries for a conflicting local edit, reports exactly that file, applies the rest', async () => {
    commitLocally({ 'src/widget.ts': GIT_BASE_FILES['src/widget.ts']?.replace('`widget ${name}`', '`my widget ${name}`') ?? '' });
    const result = await apply();
    assert.deepEqual(result, { kind: 'conflicts', files: comparison.files, conflicted: ['src/widget.ts'] });
    const widget = read('src/widget.ts');
    assert.match(widget, /^<<<<<<< .*\n {2}return `my widget \$\{name\}`;\n=======\n {2}return `widget \$\{name\} \(run \d+\)`;\n>>>>>>> /m);
    assert.deepEqual(git('ls-files', '-u', '--', 'src/widget.ts').trim().split('\n').map((line) => line.split('\t')[0]?.split(' ')[2]), ['1', '2', '3']);
    assert.match(git('status', '--porcelain'), /^UU src\/widget\.ts$/m);
    assert.equal(read(changes.added.path), changes.added.content, 'the other files are applied');
    assert.equal(exists(changes.deleted.path), false);
    assert.equal(read(changes.renamed.to), changes.renamed.content);
  });

  it('refuses files with unstaged edits and changes nothing; unstaged edits elsewhere are kept', async () => {
    writeFileSync(path.join(clone, 'src', 'widget.ts'), 'my unstaged edit\n');
    const before = snapshot();
    assert.deepEqual(await apply(), {
      kind: 'refused', reason: 'localChanges', files: ['src/widget.ts'], detail: 'These files have changes that are not staged; commit, stage or stash them first.',
    });
    assert.deepEqual(snapshot(), before);
    git('checkout', '--', 'src/widget.ts');
    writeFileSync(path.join(clone, 'README.md'), 'my unstaged readme\n');
    assert.equal((await apply()).kind, 'applied');
    assert.equal(read('README.md'), 'my unstaged readme\n');
  });

  it('refuses when an untracked file stands where the branch adds one', async () => {
    writeFiles(clone, { [changes.added.path]: 'my own untracked file\n' });
    const before = snapshot();
    const result = await apply();
    assert.deepEqual([result.kind, result.kind === 'refused' ? result.reason : '', result.kind === 'refused' ? result.files : []], ['refused', 'untrackedInTheWay', [changes.added.path]]);
    assert.deepEqual(snapshot(), before);
    assert.equal(read(changes.added.path), 'my own untracked file\n');
  });

  it('refuses, changing nothing, when git cannot apply it (the branch deletes a file changed here)', async () => {
    commitLocally({ 'src/util.ts': 'export const changedHere = 1;\n' });
    const before = snapshot();
    const result = await apply();
    assert.equal(result.kind, 'refused');
    assert.ok(result.kind === 'refused');
    assert.deepEqual([result.reason, result.files], ['doesNotApply', ['src/util.ts']]);
    assert.match(result.detail, /src\/util\.ts/);
    assert.deepEqual(snapshot(), before);
    assert.equal(read('src/util.ts'), 'export const changedHere = 1;\n');
  });

  it('refuses while conflicts are unresolved, and applies nothing for an empty range', async () => {
    assert.deepEqual(await applyChanges(runner, clone, { base: comparison.tip, tip: comparison.tip }), { kind: 'applied', files: [] });
    commitLocally({ 'src/widget.ts': 'conflicting\n' });
    assert.equal((await apply()).kind, 'conflicts');
    const again = await apply();
    assert.deepEqual([again.kind, again.kind === 'refused' ? again.reason : ''], ['refused', 'unmergedFiles']);
  });

  it('reports a partly applied patch as such, never as success or as a clean refusal', async () => {
    const breaking: GitRunner = {
      run: async (cwd, args, options) => {
        if (args[0] !== 'apply') return runner.run(cwd, args, options);
        writeFileSync(path.join(clone, 'src', 'feature.ts'), 'half written\n');
        return { code: 1, stdout: '', stderr: 'error: simulated failure half way\n' };
      },
    };
    const result = await apply(breaking);
    assert.deepEqual(result, { kind: 'partlyApplied', changedPaths: ['src/feature.ts'], detail: 'error: simulated failure half way' });
    const refusing: GitRunner = { run: (cwd, args, options) => (args[0] === 'apply' ? Promise.resolve({ code: 1, stdout: '', stderr: 'error: no' }) : runner.run(cwd, args, options)) };
    rmSync(path.join(clone, 'src', 'feature.ts'));
    const refused = await apply(refusing);
    assert.deepEqual([refused.kind, refused.kind === 'refused' ? refused.reason : ''], ['refused', 'doesNotApply']);
  });

  it('applies binary changes byte for byte', async () => {
    const binary = Uint8Array.from([0, 1, 2, 255, 254, 0, 10, 13]);
    const repo = initRepository(path.join(tempDir, 'binary'), { 'image.bin': binary, 'a.txt': 'a\n' });
    clientGit(repo, ['switch', '--quiet', '-c', 'feature']);
    const changed = Uint8Array.from([...binary, 7, 0, 7]);
    writeFiles(repo, { 'image.bin': changed });
    clientGit(repo, ['commit', '--quiet', '-am', 'binary change']);
    const tip = clientGit(repo, ['rev-parse', 'HEAD']).trim();
    clientGit(repo, ['switch', '--quiet', 'main']);
    const compared = await compareWithHead(runner, repo, tip);
    assert.deepEqual(await applyChanges(runner, repo, { base: compared.base, tip }), { kind: 'applied', files: [{ status: 'modified', path: 'image.bin' }] });
    assert.deepEqual([...readFileSync(path.join(repo, 'image.bin'))], [...changed]);
  });
});
