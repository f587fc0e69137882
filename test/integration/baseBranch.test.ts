// "Include my uncommitted changes", in a real VS Code against the git-backed simulator: Run on selection asks
// (a modal listing the files), pushes exactly one branch codegen/base/<id> whose tree is the working tree
// (tracked edits, staged or not, and untracked files; ignored ones stay home) while the user's status, index,
// stash, HEAD and refs stay as they were; the agent's PR branch is built on it. "Send without them" pushes
// nothing; a refused push sends nothing and leaves nothing; a closed PR asks to delete the branch.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentRun } from '../../src/api/types';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { BaseBranchCommands } from '../../src/commands/baseBranchCommands';
import { clientGit, writeFiles } from '../simulator/gitWorkspace';
import { SIM, type CodegenSimulator } from '../simulator/simulator';
import { call } from '../simulator/testing';
import { freshWidgetsClone, gitSuitePaths, hooks, script, ScriptedInteraction, startSimulatorFor, waitFor } from './helpers';

const CREATE_PATH = `/v1/organizations/${SIM.orgId}/agent/run`;
const INCLUDE = 'Include my uncommitted changes';
const WITHOUT = 'Send without them';
const README_STAGED = '# acme/widgets\n\nStaged line.\n';
const README_WORKING = '# acme/widgets\n\nStaged line.\nUnstaged line on top.\n';

/** Everything of the user's repository that must not change. */
interface LocalState {
  head: string;
  status: string;
  index: string;
  stash: string;
  refs: string;
}

describe('Start from my uncommitted changes (git-backed simulator)', function () {
  this.timeout(90_000);
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;
  let gitRoot: string;
  let clone: string;
  let bare: string;

  before(() => ({ gitRoot, clone } = gitSuitePaths()));

  beforeEach(async () => {
    sim = await startSimulatorFor({ gitRoot, runDurationMs: 60_000 });
    bare = sim.ensureGitRepository('acme/widgets');
    await freshWidgetsClone(sim, gitRoot, clone);
    ({ ui, restore } = await script());
    makeUncommittedChanges();
  });

  afterEach(async () => {
    restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim.stop();
    fs.rmSync(clone, { recursive: true, force: true });
  });

  after(() => fs.rmSync(gitRoot, { recursive: true, force: true }));

  /** A staged edit with an unstaged one on top (README.md), a staged new file, an untracked file, an ignored file, and a stash. */
  function makeUncommittedChanges(): void {
    writeFiles(clone, { 'stashed.txt': 'kept in the stash\n' });
    clientGit(clone, ['stash', 'push', '--include-untracked', '--quiet', '--message', 'an older stash of mine']);
    writeFiles(clone, { 'README.md': README_STAGED, 'src/staged.ts': 'export const STAGED = true;\n' });
    clientGit(clone, ['add', 'README.md', 'src/staged.ts']);
    writeFiles(clone, { 'README.md': README_WORKING, 'notes/todo.md': 'An untracked note.\n', 'debug.log': 'ignored: never pushed\n' });
    fs.appendFileSync(path.join(clone, '.git', 'info', 'exclude'), '*.log\n');
  }

  function localState(): LocalState {
    return {
      head: clientGit(clone, ['rev-parse', 'HEAD']),
      status: clientGit(clone, ['status', '--porcelain=v2', '--branch', '--untracked-files=all']),
      index: clientGit(clone, ['ls-files', '-s']),
      stash: clientGit(clone, ['stash', 'list', '--format=%H %gs']),
      refs: clientGit(clone, ['for-each-ref', '--format=%(refname) %(objectname)']),
    };
  }

  /** path -> blob id of every file of the working tree git would see (tracked and untracked, ignored excluded). */
  function workingTreeBlobs(): Map<string, string> {
    const files = clientGit(clone, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter((file) => file !== '' && fs.existsSync(path.join(clone, file)));
    return new Map([...new Set(files)].sort().map((file) => [file, clientGit(clone, ['hash-object', '--', file]).trim()]));
  }

  function treeBlobs(ref: string): Map<string, string> {
    const lines = clientGit(bare, ['ls-tree', '-r', '-z', ref]).split('\0').filter((line) => line !== '');
    return new Map(lines.map((line) => [line.slice(line.indexOf('\t') + 1), line.split(' ')[2]!.split('\t')[0]!] as [string, string]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  function baseBranches(): string[] {
    return clientGit(bare, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/codegen/base/']).split('\n').filter((line) => line !== '');
  }

  function creates(): Array<{ prompt: string; metadata: Record<string, unknown> }> {
    return sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH).map((r) => r.body as { prompt: string; metadata: Record<string, unknown> });
  }

  /**
   * Run on selection in src/widget.ts with the request `text`, "Start from my uncommitted changes…" chosen in the
   * picker (unless `fromChanges` is false), answering the uncommitted-changes modal with `answer`.
   */
  async function runOnSelection(text: string, answer: string | undefined, fromChanges = true): Promise<void> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(clone, 'src/widget.ts')));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    ui.promptAnswers.push(fromChanges ? { kind: 'send', text, fromChanges: true } : { kind: 'send', text });
    ui.messageAnswer = (m) => (m.modal && /uncommitted file/.test(m.message) ? answer : undefined);
    await vscode.commands.executeCommand('codegen.runOnSelection');
  }

  function askedAboutUncommitted(): string {
    const asked = ui.messages.filter((m) => m.modal && /uncommitted file/.test(m.message));
    assert.strictEqual(asked.length, 1, 'asked once about the uncommitted changes');
    assert.deepStrictEqual(asked[0]!.actions, [INCLUDE, WITHOUT]);
    return String(asked[0]!.detail);
  }

  it('Include my uncommitted changes: one branch pushed whose tree equals the working tree; status, index and stash list unchanged; the agent\'s PR branch contains the change', async () => {
    const h = await hooks();
    const before = localState();
    const expected = workingTreeBlobs();
    assert.ok(expected.has('notes/todo.md') && expected.has('src/staged.ts') && !expected.has('debug.log'), 'the scenario has an untracked, a staged new and an ignored file');
    await runOnSelection('Add a cache', INCLUDE);

    const sent = creates();
    assert.strictEqual(sent.length, 1, 'exactly one create');
    const branches = baseBranches();
    assert.strictEqual(branches.length, 1, 'exactly one base branch pushed');
    const branch = branches[0]!;
    assert.match(branch, /^codegen\/base\/[0-9a-f]{8,40}$/);
    assert.deepStrictEqual([...treeBlobs(branch)], [...expected], 'the branch\'s tree is the working tree');
    assert.strictEqual(clientGit(bare, ['rev-parse', `${branch}^`]), before.head, 'the branch is one commit on HEAD');
    assert.deepStrictEqual(localState(), before, 'HEAD, status, index, stash list and refs are unchanged');
    assert.strictEqual(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'), README_WORKING);
    const detail = askedAboutUncommitted();
    for (const listed of ['modified: README.md', 'added: src/staged.ts', 'added: notes/todo.md']) assert.ok(detail.includes(listed), `the modal lists ${listed}`);
    assert.ok(!detail.includes('debug.log'), 'ignored files are not listed');

    const metadata = sent[0]!.metadata;
    assert.strictEqual(metadata['base_branch'], branch);
    assert.strictEqual(metadata['base_remote'], 'origin');
    assert.strictEqual(metadata['base_commit'], clientGit(bare, ['rev-parse', branch]).trim());
    assert.ok(sent[0]!.prompt.includes(`Start from the branch \`${branch}\``), 'the prompt names the branch');
    const run = await waitFor(() => h.runs.store.runs.find((candidate) => candidate.metadata?.['base_branch'] === branch), 'the run with its base branch in the store');

    // The agent's pull request branch is built on the base branch: it carries the uncommitted edits.
    sim.setRunStatus(run.id, 'COMPLETE');
    const info = sim.gitInfo(run.id);
    assert.ok(info?.tipSha, 'the PR branch is pushed');
    assert.strictEqual(clientGit(bare, ['merge-base', '--is-ancestor', branch, info.branch]), '', 'the PR branch descends from the base branch');
    assert.strictEqual(clientGit(bare, ['show', `${info.branch}:README.md`]), README_WORKING);
    assert.strictEqual(clientGit(bare, ['show', `${info.branch}:notes/todo.md`]), 'An untracked note.\n');
    assert.strictEqual(clientGit(bare, ['show', `${info.branch}:src/staged.ts`]), 'export const STAGED = true;\n');
  });

  it('An ordinary send with uncommitted changes asks nothing and pushes nothing', async () => {
    const before = localState();
    await runOnSelection('Add a cache', INCLUDE, false);
    assert.strictEqual(ui.messages.filter((m) => m.modal && /uncommitted file/.test(m.message)).length, 0, 'not asked');
    assert.strictEqual(creates().length, 1, 'one create');
    assert.deepStrictEqual(baseBranches(), [], 'no base branch');
    assert.deepStrictEqual(localState(), before);
  });

  it('Send without them: nothing pushed', async () => {
    const before = localState();
    await runOnSelection('Add a cache', WITHOUT);
    askedAboutUncommitted();
    const sent = creates();
    assert.strictEqual(sent.length, 1, 'one create');
    assert.deepStrictEqual(baseBranches(), [], 'no base branch');
    assert.strictEqual(sent[0]!.metadata['base_branch'], undefined);
    assert.ok(!sent[0]!.prompt.includes('codegen/base/'), 'the prompt names no base branch');
    assert.deepStrictEqual(localState(), before);
  });

  it('A rejected push leaves nothing behind and sends nothing', async () => {
    const hook = path.join(bare, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "push refused by the test hook" >&2\nexit 1\n', { mode: 0o755 });
    const before = localState();
    await runOnSelection('Add a cache', INCLUDE);
    askedAboutUncommitted();
    assert.strictEqual(creates().length, 0, 'nothing sent');
    assert.deepStrictEqual(baseBranches(), [], 'no base branch on the remote');
    const said = ui.messages.filter((m) => m.severity === 'error');
    assert.strictEqual(said.length, 1, 'one error shown');
    assert.match(said[0]!.message, /refused the branch codegen\/base\/[0-9a-f]+/);
    assert.deepStrictEqual(localState(), before, 'no local ref, branch, index or stash change');
  });

  it('No remote: choosing to include them says why and sends nothing', async () => {
    clientGit(clone, ['remote', 'remove', 'origin']);
    const before = localState();
    await runOnSelection('Add a cache', INCLUDE);
    askedAboutUncommitted();
    assert.strictEqual(creates().length, 0, 'nothing sent');
    const said = ui.messages.filter((m) => m.severity === 'error');
    assert.strictEqual(said.length, 1, 'one error shown');
    assert.match(said[0]!.message, /has no remote/);
    assert.deepStrictEqual(baseBranches(), []);
    assert.deepStrictEqual(localState(), before);
  });

  it('A closed pull request asks to delete the base branch; "Delete branch" removes it from the remote', async () => {
    const h = await hooks();
    await runOnSelection('Add a cache', INCLUDE);
    const [branch] = baseBranches();
    assert.ok(branch, 'the base branch was pushed');
    const run = await waitFor(() => h.runs.store.runs.find((candidate) => candidate.metadata?.['base_branch'] === branch), 'the run in the store');
    sim.setRunStatus(run.id, 'COMPLETE');
    assert.ok(sim.gitInfo(run.id)?.tipSha, 'the PR is there');
    const closed = await call(sim.url, 'PATCH', `/v1/organizations/${SIM.orgId}/prs/${5000 + run.id}`, { body: { state: 'closed' } });
    assert.strictEqual(closed.status, 200);
    const question = new RegExp(`The pull request of run #${run.id} is merged or closed\\. Delete its base branch`);
    ui.messageAnswer = (m) => (question.test(m.message) ? 'Delete branch' : undefined);
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => ui.messages.find((m) => /^Deleted codegen\/base\//.test(m.message)), 'the base branch deleted', 20_000);
    const asked = ui.messagesMatching(question);
    assert.strictEqual(asked.length, 1, 'asked once');
    assert.ok(!asked[0]!.modal, 'a notification, not a modal');
    assert.deepStrictEqual(baseBranches(), [], 'the base branch is gone from the remote');
    assert.ok(clientGit(bare, ['rev-parse', '--verify', 'refs/heads/main']), 'main stays');
  });

  it('"Delete the base branch of this run" from the palette asks which run (only runs started from uncommitted changes), asks modally, then deletes it', async () => {
    const h = await hooks();
    const plain = sim.addRun({ prompt: 'A plain run', status: 'COMPLETE', repoId: 101 }).id;
    await runOnSelection('Add a cache', INCLUDE);
    const [branch] = baseBranches();
    assert.ok(branch, 'the base branch was pushed');
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(plain) && h.runs.store.runs.some((run) => run.metadata?.['base_branch'] === branch), 'both runs in the store');
    ui.pickAnswers.push(() => 0);
    ui.messageAnswer = (m) => (m.modal && /^Delete the branch codegen\/base\//.test(m.message) ? 'Delete branch' : undefined);
    const deleted = await vscode.commands.executeCommand<boolean>('codegen.deleteBaseBranch');
    assert.strictEqual(deleted, true);
    const pick = ui.picks.at(-1);
    assert.strictEqual(pick?.labels.length, 1, 'only the run with a base branch is offered');
    assert.strictEqual(ui.messages.filter((m) => m.modal && /^Delete the branch /.test(m.message)).length, 1, 'asked once, modally');
    assert.deepStrictEqual(baseBranches(), [], 'the base branch is gone from the remote');
  });
});

describe('Start from my uncommitted changes: asked once per base branch', () => {
  it('a base branch already asked about (answer: keep) is not asked about again after a reload; another one is', async () => {
    const saved = new Map<string, unknown>();
    const memory = { get: <T>(key: string) => saved.get(key) as T, update: (key: string, value: unknown) => Promise.resolve(void saved.set(key, value)) };
    const finished = (id: number, branch: string): AgentRun => ({ id, organizationId: 1, status: 'COMPLETE', pullRequests: [{ state: 'closed' }], metadata: { base_branch: branch, base_remote: 'origin' } });
    const log = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };
    /** One window: its own interaction and a store holding `runs`; answers a function that announces a change of the store. */
    const window = (runs: AgentRun[]) => {
      const ui = new ScriptedInteraction();
      const listeners: Array<() => void> = [];
      const store = { runs, get: (id: number) => runs.find((run) => run.id === id), onDidChange: (listener: () => void) => (listeners.push(listener), { dispose: () => undefined }) };
      const commands = new BaseBranchCommands({ interaction: ui, log, store: store as never, runner: new CliGitRunner({}), folders: () => [], memory });
      return { ui, commands, changed: () => listeners.forEach((listener) => listener()) };
    };
    const asked = (ui: ScriptedInteraction) => ui.messagesMatching(/is merged or closed\. Delete its base branch/);
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    const first = window([finished(41, 'codegen/base/aaaaaaaa01')]);
    first.changed();
    await waitFor(() => asked(first.ui).length === 1, 'the question in the first window');
    first.changed();
    await settle();
    assert.strictEqual(asked(first.ui).length, 1, 'asked once in the window');
    first.commands.dispose();

    // A reload: a new window, the same saved state, the same run plus a new finished one.
    const second = window([finished(41, 'codegen/base/aaaaaaaa01'), finished(42, 'codegen/base/bbbbbbbb02')]);
    second.changed();
    await waitFor(() => asked(second.ui).length >= 1, 'the question about the new base branch');
    await settle();
    assert.deepStrictEqual(asked(second.ui).map((m) => /codegen\/base\/[0-9a-f]+/.exec(m.message)?.[0]), ['codegen/base/bbbbbbbb02'], 'only the base branch never asked about');
    second.commands.dispose();
  });
});

