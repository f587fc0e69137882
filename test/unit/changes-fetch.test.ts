// The one fetch (fetchRunBranch: the workspace's repository of the PR, its remote, the CLI into the run's private
// ref) and reading the branch's changes, against the simulator's bare repositories through a client clone (remote
// https://github.com/acme/widgets.git, rewritten locally), plus local HTTP servers for auth and hangs.

import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '../../src/util/clock';
import { compareWithHead, readBlob } from '../../src/changes/changedFiles';
import { ChangesError } from '../../src/changes/errors';
import { fetchRunBranch, pruneCodegenRefs, pullRequestRef, type FetchRunBranchRequest } from '../../src/changes/fetchBranch';
import { CliGitRunner, type GitResult, type GitRunner, type GitRunOptions } from '../../src/changes/gitRunner';
import { clientGit, cloneClientWorkspace, initRepository } from '../simulator/gitWorkspace';
import { CodegenSimulator, GIT_BASE_FILES, runBranchChanges } from '../simulator/simulator';

/** Records every git command line, then runs it for real. */
class RecordingRunner implements GitRunner {
  readonly commands: string[][] = [];
  constructor(private readonly inner: GitRunner) {}
  run(cwd: string, args: readonly string[], options?: GitRunOptions): Promise<GitResult> {
    this.commands.push([...args]);
    return this.inner.run(cwd, args, options);
  }
}

describe('changes: fetch and read a PR branch', () => {
  let tempDir: string;
  let sim: CodegenSimulator;
  let clone: string;
  let runner: RecordingRunner;

  beforeEach(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-changes-fetch-'));
    sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot: path.join(tempDir, 'github') });
    sim.ensureGitRepository();
    clone = cloneClientWorkspace({ gitRoot: path.join(tempDir, 'github'), dir: path.join(tempDir, 'client') }).dir;
    runner = new RecordingRunner(new CliGitRunner({ timeoutMs: 20_000 }));
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });

  const runWithPr = () => {
    const run = sim.addRun({ pullRequest: true });
    assert.ok(run.pullRequest);
    return { runId: run.id, request: { folders: [clone], pullRequestUrl: run.pullRequest.url, branch: run.pullRequest.head_branch_name, runId: run.id } };
  };
  const git = (...args: string[]) => clientGit(clone, args).trim();

  it('fetches the PR branch into the run ref without touching the working tree, branches or HEAD', async () => {
    const { runId, request } = runWithPr();
    const head = git('rev-parse', 'HEAD');
    const branchesBefore = git('for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes');
    const fetched = await fetchRunBranch(runner, { ...request, folders: [path.join(clone, 'src')] });
    assert.deepEqual(fetched, {
      root: git('rev-parse', '--show-toplevel'), remote: { name: 'origin', fetchUrl: 'https://github.com/acme/widgets.git' }, branch: `codegen/run-${runId}`,
      ref: pullRequestRef(request.pullRequestUrl), tipSha: sim.gitInfo(runId)?.tipSha,
    });
    assert.match(fetched.ref, /^refs\/codegen\/pulls\/\d+-[0-9a-f]{12}$/);
    assert.equal(git('rev-parse', fetched.ref), fetched.tipSha);
    assert.equal(git('rev-parse', 'HEAD'), head);
    assert.equal(git('status', '--porcelain'), '');
    assert.equal(git('for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes'), branchesBefore, 'no branch or remote-tracking ref moved');
    assert.equal(git('for-each-ref', `refs/remotes/origin/codegen/run-${runId}`), '', 'the default refspec of origin did not map the branch');
    const fetch = runner.commands.find((args) => args.includes('fetch'));
    assert.deepEqual(fetch?.slice(fetch.indexOf('fetch')), ['fetch', '--no-tags', '--no-recurse-submodules', '--refmap=', '--quiet', '--', 'origin', `+refs/pull/${100 + runId}/head:${fetched.ref}`], 'github.com: the pull request\u2019s own ref');

    sim.pushRunCommit(runId);
    const again = await fetchRunBranch(runner, request);
    assert.equal(again.tipSha, sim.gitInfo(runId)?.tipSha, 'a new commit moves the run ref');
    assert.equal(git('for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes'), branchesBefore, 'a second fetch moves none either');
    assert.equal(git('for-each-ref', '--format=%(refname)', 'refs/codegen'), fetched.ref, 'one private ref for the pull request');
    assert.deepEqual(await pruneCodegenRefs(runner, clone, new Set([fetched.ref])), [], 'a held pull request keeps its ref');
    assert.deepEqual(await pruneCodegenRefs(runner, clone, new Set()), [fetched.ref]);
    assert.equal(git('for-each-ref', 'refs/codegen'), '');
  });

  it('lists the added, modified, deleted and renamed files from the merge base, and reads their exact bytes', async () => {
    const { runId, request } = runWithPr();
    const fetched = await fetchRunBranch(runner, request);
    clientGit(clone, ['commit', '--quiet', '--allow-empty', '-m', 'local work after the branch started']);
    const comparison = await compareWithHead(runner, fetched.root, fetched.ref);
    assert.equal(comparison.base, sim.gitInfo(runId)?.baseSha, 'the merge base is main as the branch started from it');
    assert.equal(comparison.head, git('rev-parse', 'HEAD'));
    assert.equal(comparison.tip, fetched.tipSha);
    const changes = runBranchChanges(runId);
    assert.deepEqual(
      [...comparison.files].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { status: 'renamed', path: changes.renamed.to, oldPath: changes.renamed.from, similarity: 100 },
        { status: 'added', path: changes.added.path },
        { status: 'deleted', path: changes.deleted.path },
        { status: 'modified', path: changes.modified.path },
      ].sort((a, b) => a.path.localeCompare(b.path)),
    );
    const text = async (revision: string, file: string) => {
      const bytes = await readBlob(runner, fetched.root, revision, file);
      return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
    };
    assert.equal(await text(comparison.tip, changes.added.path), changes.added.content);
    assert.equal(await text(comparison.base, changes.added.path), undefined, 'absent at the base');
    assert.equal(await text(comparison.base, changes.modified.path), changes.modified.before);
    assert.equal(await text(comparison.tip, changes.modified.path), changes.modified.after);
    assert.equal(await text(comparison.base, changes.deleted.path), GIT_BASE_FILES['src/util.ts']);
    assert.equal(await text(comparison.tip, changes.deleted.path), undefined, 'absent at the tip');
    assert.equal(await text(comparison.tip, changes.renamed.to), changes.renamed.content);
    assert.equal(await text(comparison.tip, 'src'), undefined, 'a folder is not a file');
    await assert.rejects(readBlob(runner, fetched.root, 'refs/codegen/runs/999', 'README.md'), ChangesError);
  });

  it('says branchNotFound when the remote holds no such pull request', async () => {
    const { runId, request } = runWithPr();
    sim.deleteRunBranch(runId);
    clientGit(sim.gitInfo(runId)?.barePath ?? '', ['update-ref', '-d', `refs/pull/${100 + runId}/head`]);
    const error = await rejection(fetchRunBranch(runner, request));
    assert.equal(error.kind, 'branchNotFound');
    assert.equal(error.message, `origin has no refs/pull/${100 + runId}/head: it holds no such pull request (is origin the pull request's repository?).`);
    assert.match(error.gitMessage, /couldn't find remote ref refs\/pull\//);
    assert.equal(clientGit(clone, ['for-each-ref', pullRequestRef(request.pullRequestUrl)]).trim(), '');
  });

  it('says branchNotFound when the branch was deleted after the merge, off github.com', async () => {
    const { runId, request } = runWithPr();
    sim.deleteRunBranch(runId);
    clientGit(clone, ['config', '--local', `url.${path.join(tempDir, 'github')}/.insteadOf`, 'https://git.example.com/']);
    clientGit(clone, ['remote', 'set-url', 'origin', 'https://git.example.com/acme/widgets.git']);
    const error = await rejection(fetchRunBranch(runner, { ...request, pullRequestUrl: request.pullRequestUrl.replace('github.com', 'git.example.com') }));
    assert.equal(error.kind, 'branchNotFound');
    assert.equal(error.message, `The pull request branch codegen/run-${runId} is gone from origin (deleted after the merge?).`);
    assert.match(error.gitMessage, /couldn't find remote ref refs\/heads\/codegen\/run-/);
  });

  it('says noMatchingRemote when no remote names the PR repository, naming the remotes it has', async () => {
    const { request } = runWithPr();
    const other = await rejection(fetchRunBranch(runner, { ...request, pullRequestUrl: 'https://github.com/acme/api/pull/3' }));
    assert.equal(other.kind, 'noMatchingRemote');
    assert.match(other.message, /acme\/api \(its remotes are origin\)/);
    const lonely = initRepository(path.join(tempDir, 'lonely'), { 'a.txt': 'a\n' });
    const none = await rejection(fetchRunBranch(runner, { ...request, folders: [lonely] }));
    assert.deepEqual([none.kind, /it has no remote/.test(none.message)], ['noMatchingRemote', true]);
    assert.ok(!runner.commands.some((args) => args.includes('fetch')), 'nothing was fetched');
  });

  it('says notAGitRepository for a plain folder, a missing one and no folder at all', async () => {
    const { request } = runWithPr();
    const plain = path.join(tempDir, 'plain');
    mkdirSync(path.join(plain, 'not-a-clone'), { recursive: true });
    assert.equal((await rejection(fetchRunBranch(runner, { ...request, folders: [plain] }))).kind, 'notAGitRepository');
    assert.equal((await rejection(fetchRunBranch(runner, { ...request, folders: [path.join(tempDir, 'nope')] }))).kind, 'notAGitRepository');
    assert.equal((await rejection(fetchRunBranch(runner, { ...request, folders: [] }))).kind, 'notAGitRepository');
  });

  it('finds the clone inside a workspace folder that is not a repository itself', async () => {
    const { runId, request } = runWithPr();
    const fetched = await fetchRunBranch(runner, { ...request, folders: [path.join(tempDir, 'github'), tempDir] });
    assert.equal(fetched.root, git('rev-parse', '--show-toplevel'));
    assert.equal(fetched.tipSha, sim.gitInfo(runId)?.tipSha);
  });

  it('refuses hostile branch names and bad PR urls before running any git command', async () => {
    const { request } = runWithPr();
    for (const branch of ['--upload-pack=touch pwned', '-b', 'main:refs/heads/evil', 'a..b', '@{-1}', 'HEAD', 'refs/heads/main', 'x y', 'x\nrm', '+refs/heads/*']) {
      const error = await rejection(fetchRunBranch(runner, { ...request, branch }));
      assert.equal(error.kind, 'invalidBranchName', branch);
    }
    assert.equal((await rejection(fetchRunBranch(runner, { ...request, pullRequestUrl: 'https://github.com/acme/widgets' }))).kind, 'invalidPullRequestUrl');
    assert.deepEqual(runner.commands, []);
  });

  it('says fetchFailed when the rewritten remote is not a repository', async () => {
    const { request } = runWithPr();
    clientGit(clone, ['config', '--local', `url.${path.join(tempDir, 'nowhere')}/.insteadOf`, 'https://github.com/acme/']);
    const error = await rejection(fetchRunBranch(runner, request));
    assert.equal(error.kind, 'fetchFailed');
    assert.match(error.gitMessage, /does not appear to be a git repository/);
    assert.match(error.message, /^Fetching codegen\/run-\d+ from origin failed: fatal: .*does not appear to be a git repository/);
  });

  describe('over HTTP on 127.0.0.1', () => {
    let server: Server;
    let sockets: Set<Socket>;
    let repo: string;

    const startServer = async (answer: (respond: (status: number, headers: Record<string, string>) => void) => void): Promise<string> => {
      sockets = new Set();
      server = createServer((_request, response) => answer((status, headers) => response.writeHead(status, headers).end()));
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/widgets.git`;
    };

    const request = (): FetchRunBranchRequest => ({ folders: [repo], pullRequestUrl: 'https://github.com/acme/widgets/pull/101', branch: 'codegen/run-1', runId: 1 });

    beforeEach(() => {
      repo = initRepository(path.join(tempDir, 'http-client'), { 'a.txt': 'a\n' });
    });

    afterEach(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('says authFailed, without prompting, when the remote asks for credentials', async () => {
      const url = await startServer((respond) => respond(401, { 'WWW-Authenticate': 'Basic realm="GitHub"' }));
      clientGit(repo, ['remote', 'add', 'origin', url]);
      const error = await rejection(fetchRunBranch(runner, request()));
      assert.equal(error.kind, 'authFailed', error.gitMessage);
      assert.match(error.message, /^origin refused the fetch of codegen\/run-1: git's credentials for 127\.0\.0\.1 are missing .*a credential helper for https, an SSH key for ssh/);
    });

    it('says timedOut when the remote never answers', async () => {
      const url = await startServer(() => undefined);
      clientGit(repo, ['remote', 'add', 'origin', url]);
      const started = Date.now();
      const error = await rejection(fetchRunBranch(runner, { ...request(), timeoutMs: 500 }));
      assert.equal(error.kind, 'timedOut');
      assert.equal(error.message, 'Fetching codegen/run-1 from origin took too long and was stopped: the remote did not answer in time.');
      assert.ok(Date.now() - started < 5000);
    });
  });
});

async function rejection(promise: Promise<unknown>): Promise<ChangesError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChangesError, String(error));
    return error;
  }
  assert.fail('expected a ChangesError');
}
