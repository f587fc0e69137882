// Issue 20, points 1, 3, 9, 12 and 14, against real git in scratch folders: a hostile repository's programs
// (core.fsmonitor) never run while the workspace is not trusted, whichever bring-back operation is asked; the
// review's content provider serves only the workspace's repositories; a fork's pull request is fetched from
// refs/pull/<n>/head; one private ref per pull request, pruned when no held run names it; and the one door
// of every bring-back command refuses while untrusted and explains every failure.

import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertTrustedWorkspace, bringBackFailureNotice, readChangeContent } from '../../src/changes/bringBackGate';
import { applyChanges } from '../../src/changes/applyPatch';
import { compareWithHead } from '../../src/changes/changedFiles';
import { stashAndSwitch, switchBack } from '../../src/changes/checkout';
import { ChangesError } from '../../src/changes/errors';
import { fetchRunBranch, pruneWorkspaceRefs, pullRequestRef } from '../../src/changes/fetchBranch';
import { pullRequestLocalBranch } from '../../src/changes/pullRequestBranch';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { isRepositoryOfWorkspace } from '../../src/changes/repositories';
import { workingTreeState } from '../../src/changes/workingTree';
import { throughBringBackDoor, type BringBackDoorDeps } from '../../src/commands/bringBackErrors';
import type { MessageRequest } from '../../src/ui/interaction';
import { FakeClock } from '../../src/util/clock';
import { clientGit, cloneClientWorkspace, initRepository } from '../simulator/gitWorkspace';
import { pullRequestNumber } from '../simulator/git';
import { CodegenSimulator } from '../simulator/simulator';

describe('changes: safe in any workspace (issue 20)', function () {
  this.timeout(20_000);
  let tempDir: string;

  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-trust-'));
  });

  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  /** A repository whose .git/config runs a program (core.fsmonitor) that leaves a marker file when git starts it. */
  const hostileRepository = (name: string): { repo: string; ran: () => boolean } => {
    const repo = initRepository(path.join(tempDir, name), { 'a.txt': 'a\n' });
    clientGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    const marker = path.join(tempDir, `${name}-fsmonitor-ran`);
    const script = path.join(tempDir, `${name}-fsmonitor.sh`);
    writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(script, 0o755);
    clientGit(repo, ['config', '--local', 'core.fsmonitor', script]);
    return { repo, ran: () => existsSync(marker) };
  };
  const untrusted = (error: unknown): boolean => error instanceof ChangesError && error.kind === 'untrustedWorkspace' && /untrusted workspace.*Manage Workspace Trust/.test(error.message);

  it('point 1: with core.fsmonitor set, no bring-back operation runs the folder\u2019s program while untrusted, each says untrustedWorkspace; trusted, git would run it', async () => {
    const { repo, ran } = hostileRepository('hostile');
    const head = clientGit(repo, ['rev-parse', 'HEAD']).trim();
    const runner = new CliGitRunner({ isTrusted: () => false });
    await assert.rejects(fetchRunBranch(runner, { folders: [repo], pullRequestUrl: 'https://github.com/acme/widgets/pull/101', branch: 'codegen/run-1', runId: 1 }), untrusted, 'fetch');
    await assert.rejects(workingTreeState(runner, repo), untrusted, 'status');
    await assert.rejects(compareWithHead(runner, repo, head), untrusted, 'review');
    await assert.rejects(stashAndSwitch(runner, repo, { branch: 'codegen/run-1', tipSha: head, runId: 1, remoteName: 'origin' }), untrusted, 'check out');
    await assert.rejects(switchBack(runner, repo, { kind: 'branch', name: 'main' }), untrusted, 'switch back');
    await assert.rejects(applyChanges(runner, repo, { base: head, tip: head }), untrusted, 'apply');
    await assert.rejects(readChangeContent(runner, false, [repo], { root: repo, rev: head, path: 'a.txt' }), untrusted, 'the review\u2019s file contents');
    await assert.rejects(readChangeContent(new CliGitRunner(), false, [repo], { root: repo, rev: head, path: 'a.txt' }), untrusted, 'the content provider checks trust itself');
    await assert.rejects(pruneWorkspaceRefs(runner, [repo], []), untrusted, 'pruning refs');
    assert.equal(ran(), false, 'the repository\u2019s fsmonitor program never ran');
    // The test can fail: trusted, the same status runs the configured program.
    await workingTreeState(new CliGitRunner({ isTrusted: () => true }), repo);
    assert.equal(ran(), true, 'a trusted status runs core.fsmonitor');
  });

  it('point 1: the decision the commands use refuses untrusted workspaces with the trust message and its Manage Workspace Trust offer', () => {
    assert.throws(() => assertTrustedWorkspace(false), untrusted);
    assert.doesNotThrow(() => assertTrustedWorkspace(true));
    let refusal: unknown;
    try {
      assertTrustedWorkspace(false);
    } catch (error) {
      refusal = error;
    }
    assert.deepEqual(bringBackFailureNotice(refusal), { message: (refusal as Error).message, severity: 'warning', offer: 'manageTrust', gitMessage: '' });
  });

  describe('point 1 and 12: the one door of every bring-back command', () => {
    const fakeDoor = (trusted: boolean, choose?: string) => {
      const messages: MessageRequest[] = [];
      const calls = { refresh: 0, manageTrust: 0, showLog: 0, warnings: [] as string[] };
      const deps: BringBackDoorDeps = {
        isTrusted: () => trusted,
        interaction: { showMessage: (request) => (messages.push(request), Promise.resolve(choose)) },
        log: { warn: (message) => calls.warnings.push(message), show: () => void calls.showLog++ },
        refreshGitView: () => (calls.refresh++, Promise.resolve()),
        manageTrust: () => (calls.manageTrust++, Promise.resolve()),
        labels: { manageTrust: 'Manage Workspace Trust', showLog: 'Show log' },
      };
      return { deps, messages, calls };
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    it('refuses before any work while untrusted, says why and opens Manage Workspace Trust when asked; no git view refresh', async () => {
      const { deps, messages, calls } = fakeDoor(false, 'Manage Workspace Trust');
      let worked = 0;
      const review = throughBringBackDoor(deps, 'Review changes', (_id: number) => (worked++, Promise.resolve('done')));
      assert.equal(await review(7), undefined);
      await settle();
      assert.equal(worked, 0, 'nothing ran');
      assert.equal(messages.length, 1);
      assert.match(messages[0]?.message ?? '', /untrusted workspace/);
      assert.deepEqual(messages[0]?.actions, ['Manage Workspace Trust']);
      assert.equal(calls.manageTrust, 1);
      assert.equal(calls.refresh, 0);
    });

    it('explains a failure (no common history of a shallow clone, any other error) instead of dropping it, and refreshes the git view', async () => {
      const { deps, messages, calls } = fakeDoor(true, 'Show log');
      const failing = throughBringBackDoor(deps, 'Switch back', () => Promise.reject(new ChangesError('noCommonHistory', 'HEAD and codegen/run-1 share no commit (a shallow clone?): fetch more history.', 'fatal: x')));
      assert.equal(await failing(), undefined, 'resolves: a caller that drops the promise loses nothing');
      await settle();
      assert.deepEqual(messages.map((m) => [m.severity, m.message, m.actions]), [['error', 'HEAD and codegen/run-1 share no commit (a shallow clone?): fetch more history.', ['Show log']]]);
      assert.equal(calls.refresh, 1);
      assert.equal(calls.showLog, 1);
      assert.match(calls.warnings[0] ?? '', /Switch back failed: .*git said: fatal: x/);
      const other = throughBringBackDoor(deps, 'Apply', () => Promise.reject(new Error('boom')));
      assert.equal(await other(), undefined);
      assert.match(messages[1]?.message ?? '', /^Could not bring the pull request's changes back: boom$/);
      assert.equal(calls.refresh, 2);
      const fine = throughBringBackDoor(deps, 'Review changes', (id: number) => Promise.resolve(`reviewed ${id}`));
      assert.equal(await fine(3), 'reviewed 3');
      assert.equal(messages.length, 2, 'success adds no message');
    });
  });

  it('point 3: the review\u2019s contents come only from a repository of the workspace, by real path; another root is refused without running its git', async () => {
    const workspace = path.join(tempDir, 'workspace');
    const inside = initRepository(path.join(workspace, 'clone'), { 'a.txt': 'inside\n' });
    const { repo: outside, ran } = hostileRepository('elsewhere');
    const runner = new CliGitRunner();
    const rev = (repo: string) => clientGit(repo, ['rev-parse', 'HEAD']).trim();
    const text = async (root: string, repo: string) => Buffer.from((await readChangeContent(runner, true, [workspace], { root, rev: rev(repo), path: 'a.txt' })) ?? []).toString('utf8');
    assert.equal(await text(inside, inside), 'inside\n');
    const link = path.join(tempDir, 'link-to-clone');
    symlinkSync(inside, link);
    assert.equal(await text(link, inside), 'inside\n', 'the same repository by another path');
    assert.equal(await isRepositoryOfWorkspace(runner, [workspace], outside), false);
    await assert.rejects(text(outside, outside), (error: unknown) => error instanceof ChangesError && error.kind === 'notAGitRepository' && /is not a git repository of this workspace/.test(error.message));
    await assert.rejects(text(path.join(inside, '..', '..', 'elsewhere'), outside), ChangesError);
    await assert.rejects(text('relative/path', inside), ChangesError);
    assert.equal(ran(), false, 'no git ran in the foreign repository');
  });

  describe('with the simulator', () => {
    let sim: CodegenSimulator;
    let clone: string;
    const runner = new CliGitRunner({ timeoutMs: 20_000 });

    beforeEach(async () => {
      sim = await CodegenSimulator.start({ clock: new FakeClock(), gitRoot: path.join(tempDir, 'github') });
      sim.ensureGitRepository();
      clone = cloneClientWorkspace({ gitRoot: path.join(tempDir, 'github'), dir: path.join(tempDir, 'client') }).dir;
    });

    afterEach(async () => {
      await sim.stop();
    });

    const prOf = (runId: number) => {
      const pr = sim.getRun(runId)?.pullRequest;
      assert.ok(pr);
      return pr;
    };

    it('point 9: a fork\u2019s pull request whose head is named main brings back the PR\u2019s commits (refs/pull/<n>/head), not the base repository\u2019s main; a merged PR with its branch deleted too', async () => {
      const run = sim.addRun({ pullRequest: true });
      const pr = prOf(run.id);
      const tip = sim.gitInfo(run.id)?.tipSha;
      assert.ok(tip);
      sim.deleteRunBranch(run.id); // the head branch lives in the fork only (or was deleted after the merge)
      const main = clientGit(clone, ['rev-parse', 'origin/main']).trim();
      const fork = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: pr.url, branch: 'main', runId: run.id });
      assert.equal(fork.tipSha, tip, 'the pull request\u2019s tip');
      assert.notEqual(fork.tipSha, main);
      const comparison = await compareWithHead(runner, fork.root, fork.ref);
      assert.equal(comparison.files.length, 4, 'the PR\u2019s changes, not an empty diff against main');
      const deleted = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: pr.url, branch: pr.head_branch_name, runId: run.id });
      assert.equal(deleted.tipSha, tip, 'a merged PR with a deleted branch stays reviewable');
    });

    it('point 9: a fork\u2019s pull request named main is checked out as codegen/pr-<n> without an upstream; the user\u2019s main does not move', async () => {
      const run = sim.addRun({ pullRequest: true });
      const pr = prOf(run.id);
      sim.deleteRunBranch(run.id); // the head branch lives in the fork only
      const mainBefore = clientGit(clone, ['rev-parse', 'refs/heads/main']).trim();
      const fetched = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: pr.url, branch: 'main', runId: run.id });
      const local = await pullRequestLocalBranch(runner, fetched, pr.url);
      assert.deepEqual(local, { name: `codegen/pr-${pullRequestNumber(run.id)}` }, 'not the user\u2019s main, and nothing to push to');
      const result = await stashAndSwitch(runner, clone, { branch: local.name, tipSha: fetched.tipSha, runId: run.id });
      assert.equal(result.kind, 'switched');
      assert.equal(clientGit(clone, ['rev-parse', 'HEAD']).trim(), fetched.tipSha);
      assert.equal(clientGit(clone, ['rev-parse', '--abbrev-ref', 'HEAD']).trim(), local.name);
      assert.equal(clientGit(clone, ['rev-parse', 'refs/heads/main']).trim(), mainBefore, 'main stays where it was');
      assert.throws(() => clientGit(clone, ['config', '--get', `branch.${local.name}.merge`]), /failed/, 'no upstream: a push would reach the base repository');
    });

    it('point 9: a pull request whose head branch is on the remote at its tip keeps the head name and its upstream; an unreachable remote falls back to codegen/pr-<n>', async () => {
      const run = sim.addRun({ pullRequest: true });
      const pr = prOf(run.id);
      const fetched = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: pr.url, branch: pr.head_branch_name, runId: run.id });
      assert.deepEqual(await pullRequestLocalBranch(runner, fetched, pr.url), { name: pr.head_branch_name, upstreamRemote: 'origin' });
      sim.pushRunCommit(run.id); // moved since the fetch: no longer provably this tip
      assert.deepEqual(await pullRequestLocalBranch(runner, fetched, pr.url), { name: `codegen/pr-${pullRequestNumber(run.id)}` });
      const gone = { ...fetched, remote: { ...fetched.remote, name: 'no-such-remote' } };
      assert.deepEqual(await pullRequestLocalBranch(runner, gone, pr.url), { name: `codegen/pr-${pullRequestNumber(run.id)}` });
    });

    it('point 14: one private ref per pull request, no remote-tracking branch, and pruned once no held run names it', async () => {
      const first = sim.addRun({ pullRequest: true });
      const second = sim.addRun({ pullRequest: true });
      const remotesBefore = clientGit(clone, ['branch', '-r']);
      const refsOf = () => clientGit(clone, ['for-each-ref', '--format=%(refname)', 'refs/codegen']).trim().split('\n').filter(Boolean).sort();
      const one = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: prOf(first.id).url, branch: prOf(first.id).head_branch_name, runId: first.id });
      // A follow-up run on the same pull request shares its ref.
      const again = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: prOf(first.id).url, branch: prOf(first.id).head_branch_name, runId: 999 });
      const two = await fetchRunBranch(runner, { folders: [clone], pullRequestUrl: prOf(second.id).url, branch: prOf(second.id).head_branch_name, runId: second.id });
      assert.equal(again.ref, one.ref);
      assert.deepEqual(refsOf(), [one.ref, two.ref].sort());
      assert.equal(clientGit(clone, ['branch', '-r']), remotesBefore, 'git branch -r shows nothing new');
      clientGit(clone, ['update-ref', 'refs/codegen/runs/7', one.tipSha]); // a ref of the older per-run scheme
      const removed = await pruneWorkspaceRefs(runner, [tempDir], [prOf(second.id).url, 'not a url']);
      assert.deepEqual(removed.get(clientGit(clone, ['rev-parse', '--show-toplevel']).trim())?.sort(), [one.ref, 'refs/codegen/runs/7'].sort());
      assert.deepEqual(refsOf(), [two.ref], 'the held pull request keeps its ref');
      assert.equal(pullRequestRef(prOf(second.id).url), two.ref);
      await pruneWorkspaceRefs(runner, [tempDir], []);
      assert.deepEqual(refsOf(), []);
      assert.equal(clientGit(clone, ['rev-parse', 'HEAD']).trim(), clientGit(clone, ['rev-parse', 'origin/main']).trim(), 'HEAD untouched');
    });
  });
});
