// The one git layer as sending and bringing back share it, against real git in scratch folders and the
// simulator: the trust gate (no git process at all while the workspace is not trusted), the one repository
// finder (of a file, of the workspace, of a pull request), what sending reads of a repository, and the one
// remote choice, which for one repository sends and brings back through the same remote.

import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodegenClient } from '../../src/api/client';
import type { CreateRunInput } from '../../src/api/types';
import { ChangesError } from '../../src/changes/errors';
import { fetchRunBranch } from '../../src/changes/fetchBranch';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { findRepositories, readRepositoryInfo, repositoryCandidates, repositoryOfFile, repositoryOfWorkspace } from '../../src/changes/repositories';
import { PromptHistory } from '../../src/context';
import { scanForSecrets } from '../../src/secrets-scan';
import { SendPipeline } from '../../src/send/pipeline';
import { sendingGitContext } from '../../src/send/repositoryDecision';
import { silentDialogs } from '../../src/send/silentDialogs';
import type { SendTarget } from '../../src/send/sendTypes';
import { FakeClock, systemClock } from '../../src/util/clock';
import { clientGit, cloneClientWorkspace, initRepository } from '../simulator/gitWorkspace';
import { CodegenSimulator, SIM } from '../simulator/simulator';

const CREATE_PATH = `/v1/organizations/${SIM.orgId}/agent/run`;

describe('changes: the one git layer', function () {
  this.timeout(20_000);
  let tempDir: string;

  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-git-layer-'));
  });

  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  describe('the trust gate', () => {
    /** A git that leaves a mark each time it is started, then runs the real one. */
    const markingGit = (): { gitPath: string; started: () => boolean } => {
      const mark = path.join(tempDir, 'git-was-started');
      const gitPath = path.join(tempDir, 'marking-git');
      writeFileSync(gitPath, `#!/bin/sh\ntouch '${mark}'\nexec git "$@"\n`);
      chmodSync(gitPath, 0o755);
      return { gitPath, started: () => existsSync(mark) };
    };

    it('starts no git process while the workspace is not trusted, for sending and bringing back alike, and says why', async () => {
      const repo = initRepository(path.join(tempDir, 'repo'), { 'a.txt': 'a\n' });
      clientGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
      const { gitPath, started } = markingGit();
      let trusted = false;
      const runner = new CliGitRunner({ gitPath, isTrusted: () => trusted });
      const untrusted = (error: unknown): boolean => error instanceof ChangesError && error.kind === 'untrustedWorkspace' && /untrusted workspace/.test(error.message);
      await assert.rejects(runner.run(repo, ['status']), untrusted);
      await assert.rejects(repositoryOfFile(runner, [tempDir], path.join(repo, 'a.txt')), untrusted, 'sending: the repository of a file');
      await assert.rejects(repositoryOfWorkspace(runner, [repo]), untrusted, 'sending: the repository of the workspace');
      await assert.rejects(readRepositoryInfo(runner, repo), untrusted, 'sending: branch, commit, remotes');
      await assert.rejects(fetchRunBranch(runner, { folders: [tempDir], pullRequestUrl: 'https://github.com/acme/widgets/pull/1', branch: 'codegen/run-1', runId: 1 }), untrusted, 'bringing back');
      assert.equal(started(), false, 'no git process was started');
      // The gate is asked at every command: once the workspace is trusted, git runs.
      trusted = true;
      assert.equal(await repositoryOfWorkspace(runner, [repo]), clientGit(repo, ['rev-parse', '--show-toplevel']).trim());
      assert.equal(started(), true);
    });
  });

  describe('finding repositories', () => {
    it('finds the folders\u2019 repositories and the clones directly inside them, each once, and skips folders without git', async () => {
      const runner = new CliGitRunner();
      const workspace = path.join(tempDir, 'workspace');
      const first = initRepository(path.join(workspace, 'first'), { 'a.txt': 'a\n' });
      const second = initRepository(path.join(workspace, 'second'), { 'b.txt': 'b\n' });
      initRepository(path.join(workspace, 'deeper', 'third'), { 'c.txt': 'c\n' });
      initRepository(path.join(workspace, '.hidden'), { 'd.txt': 'd\n' });
      mkdirSync(path.join(workspace, 'plain'));
      assert.deepEqual(repositoryCandidates([workspace]).map((folder) => path.relative(workspace, folder)).sort(), ['', 'first', 'second']);
      const roots = await findRepositories(runner, [...repositoryCandidates([workspace]), path.join(first, 'sub-does-not-exist'), first], [workspace]);
      assert.deepEqual(roots.sort(), [first, second].map((dir) => clientGit(dir, ['rev-parse', '--show-toplevel']).trim()).sort());
    });

    it('the repository of a file: the one holding it, however deep, only inside the workspace\u2019s folders', async () => {
      const runner = new CliGitRunner();
      const workspace = path.join(tempDir, 'workspace');
      const deep = initRepository(path.join(workspace, 'a', 'b', 'deep'), { 'src/x.ts': 'x\n' });
      const outside = initRepository(path.join(tempDir, 'outside'), { 'y.ts': 'y\n' });
      const top = (dir: string): string => clientGit(dir, ['rev-parse', '--show-toplevel']).trim();
      assert.equal(await repositoryOfFile(runner, [workspace], path.join(deep, 'src', 'x.ts')), top(deep));
      assert.equal(await repositoryOfFile(runner, [workspace], path.join(outside, 'y.ts')), undefined, 'outside the workspace: not looked at');
      assert.equal(await repositoryOfFile(runner, [workspace], path.join(workspace, 'a', 'loose.ts')), undefined, 'inside, but in no repository');
    });

    it('the repository of the workspace: the first folder\u2019s, else the only one there is, else none', async () => {
      const runner = new CliGitRunner();
      const one = path.join(tempDir, 'one');
      const only = initRepository(path.join(one, 'only'), { 'a.txt': 'a\n' });
      const top = (dir: string): string => clientGit(dir, ['rev-parse', '--show-toplevel']).trim();
      assert.equal(await repositoryOfWorkspace(runner, [one]), top(only));
      initRepository(path.join(one, 'another'), { 'b.txt': 'b\n' });
      assert.equal(await repositoryOfWorkspace(runner, [one]), undefined, 'two clones, no folder of its own: none is guessed');
      const own = initRepository(path.join(tempDir, 'own'), { 'c.txt': 'c\n' });
      assert.equal(await repositoryOfWorkspace(runner, [own, one]), top(own));
      assert.equal(await repositoryOfWorkspace(runner, []), undefined);
    });

    it('a repository above a workspace folder counts when it tracks the folder (a monorepo\u2019s package), not when the folder only sits below it', async () => {
      const runner = new CliGitRunner();
      const top = (dir: string): string => clientGit(dir, ['rev-parse', '--show-toplevel']).trim();
      const mono = initRepository(path.join(tempDir, 'mono'), { 'packages/app/src/index.ts': 'x\n', 'README.md': 'r\n' });
      const app = path.join(mono, 'packages', 'app');
      assert.equal(await repositoryOfFile(runner, [app], path.join(app, 'src', 'index.ts')), top(mono));
      assert.equal(await repositoryOfWorkspace(runner, [app]), top(mono));
      // A home folder kept in git (dotfiles), with a project folder below it that it does not track.
      const home = initRepository(path.join(tempDir, 'home'), { '.bashrc': 'x\n' });
      clientGit(home, ['remote', 'add', 'origin', 'https://github.com/me/dotfiles.git']);
      const project = path.join(home, 'projects', 'app');
      mkdirSync(project, { recursive: true });
      writeFileSync(path.join(project, 'main.ts'), 'y\n');
      assert.equal(await repositoryOfFile(runner, [project], path.join(project, 'main.ts')), undefined, 'sending names no dotfiles repository');
      assert.equal(await repositoryOfWorkspace(runner, [project]), undefined);
      await assert.rejects(
        fetchRunBranch(runner, { folders: [project], pullRequestUrl: 'https://github.com/me/dotfiles/pull/1', branch: 'codegen/run-1', runId: 1 }),
        (error: unknown) => error instanceof ChangesError && error.kind === 'notAGitRepository',
      );
    });

    it('reads what sending needs: branch, commit and the tracked remote; a detached HEAD and a repository without commits too', async () => {
      const runner = new CliGitRunner();
      const repo = initRepository(path.join(tempDir, 'repo'), { 'a.txt': 'a\n' });
      clientGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
      clientGit(repo, ['remote', 'add', 'fork', 'git@github.com:me/widgets.git']);
      clientGit(repo, ['config', 'branch.main.remote', 'fork']);
      const commit = clientGit(repo, ['rev-parse', 'HEAD']).trim();
      const root = clientGit(repo, ['rev-parse', '--show-toplevel']).trim();
      const remotes = [{ name: 'origin', fetchUrl: 'https://github.com/acme/widgets.git' }, { name: 'fork', fetchUrl: 'git@github.com:me/widgets.git' }];
      assert.deepEqual(await readRepositoryInfo(runner, root), { root, branch: 'main', commit, trackingRemote: 'fork', remotes });
      clientGit(repo, ['switch', '--quiet', '--detach']);
      assert.deepEqual(await readRepositoryInfo(runner, root), { root, commit, remotes });
      const empty = path.join(tempDir, 'empty');
      mkdirSync(empty);
      clientGit(empty, ['init', '--quiet', '--initial-branch', 'trunk']);
      const emptyRoot = clientGit(empty, ['rev-parse', '--show-toplevel']).trim();
      assert.deepEqual(await readRepositoryInfo(runner, emptyRoot), { root: emptyRoot, branch: 'trunk', remotes: [] });
    });
  });

  describe('one remote choice for sending and bringing back', () => {
    let sim: CodegenSimulator;
    let client: CodegenClient;
    let workspace: string;
    let clone: string;

    beforeEach(async () => {
      const gitRoot = path.join(tempDir, 'github');
      sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot });
      sim.ensureGitRepository();
      client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0, random: () => 0 });
      workspace = path.join(tempDir, 'workspace');
      mkdirSync(workspace);
      clone = path.join(workspace, 'widgets');
    });

    afterEach(async () => {
      client.dispose();
      await sim.stop();
    });

    const pipeline = (): SendPipeline =>
      new SendPipeline({
        api: client,
        readiness: () => ({ kind: 'ready', organizationId: SIM.orgId }),
        scanner: () => ({ scanForSecrets }),
        settings: { maxChars: () => 100_000, reviewBeforeSend: () => false, repositoryId: () => undefined, model: () => undefined, agentType: () => undefined },
        history: new PromptHistory({ get: () => [], set: () => Promise.resolve() }),
        runCreated: () => undefined,
        refreshSoon: () => undefined,
        extensionVersion: '9.9.9',
        clock: systemClock,
        log: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined },
      });

    /** Sends a request from a file of the clone, as the editor does, and answers the body of the create. */
    const send = async (runner: CliGitRunner): Promise<CreateRunInput & { repo_id?: number; metadata: Record<string, unknown> }> => {
      const target: SendTarget = {
        kind: 'bare',
        git: async () => {
          const root = await repositoryOfFile(runner, [workspace], path.join(clone, 'README.md'));
          return root === undefined ? undefined : sendingGitContext(await readRepositoryInfo(runner, root), root);
        },
      };
      const outcome = await pipeline().send({ origin: 'tool', target, request: { request: 'Add a test', typed: 'Add a test', images: [] } }, silentDialogs());
      assert.equal(outcome.kind, 'created', JSON.stringify(outcome));
      return sim.requests.filter((request) => request.method === 'POST' && request.path === CREATE_PATH).at(-1)!.body as CreateRunInput & { repo_id?: number; metadata: Record<string, unknown> };
    };

    /** The remote bringing back fetches a run's pull request (of acme/widgets) from. */
    const bringBack = async (runner: CliGitRunner): Promise<string> => {
      const run = sim.addRun({ pullRequest: true });
      assert.ok(run.pullRequest);
      const fetched = await fetchRunBranch(runner, { folders: [workspace], pullRequestUrl: run.pullRequest.url, branch: run.pullRequest.head_branch_name, runId: run.id });
      assert.equal(fetched.tipSha, sim.gitInfo(run.id)?.tipSha);
      return fetched.remote.name;
    };

    it('origin is my fork, upstream the organization\u2019s repository (the branch tracks the fork): both choose upstream', async () => {
      cloneClientWorkspace({ gitRoot: sim.gitRoot!, dir: clone, remoteName: 'upstream' });
      clientGit(clone, ['remote', 'add', 'origin', 'https://github.com/me/widgets.git']);
      clientGit(clone, ['config', 'branch.main.remote', 'origin']);
      const runner = new CliGitRunner({ timeoutMs: 20_000 });
      const body = await send(runner);
      assert.equal(body.repo_id, 101, 'acme/widgets, not the fork the organization does not have');
      assert.equal(body.metadata['repo_full_name'], 'acme/widgets');
      const remoteRefs = (): string => clientGit(clone, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/remotes/']);
      const before = remoteRefs();
      assert.equal(await bringBack(runner), 'upstream');
      assert.equal(remoteRefs(), before, 'no remote-tracking ref was made or moved');
    });

    it('origin is the organization\u2019s repository, upstream an outside one the branch tracks: both choose origin', async () => {
      cloneClientWorkspace({ gitRoot: sim.gitRoot!, dir: clone });
      clientGit(clone, ['remote', 'add', 'upstream', 'https://github.com/opensource/widgets.git']);
      clientGit(clone, ['config', 'branch.main.remote', 'upstream']);
      const runner = new CliGitRunner({ timeoutMs: 20_000 });
      const body = await send(runner);
      assert.equal(body.repo_id, 101);
      assert.equal(body.metadata['repo_full_name'], 'acme/widgets');
      assert.equal(await bringBack(runner), 'origin');
    });
  });
});
