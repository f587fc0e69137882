import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CodegenSimulator } from '../simulator/simulator';
import type { RunStoreChange } from '../../src/runs/runStore';
import { hooks, script, setSetting, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

// Compiled to out/test/integration; the fixtures stay in the source tree.
const SECRET_FIXTURE = path.resolve(__dirname, '../../../test/fixtures/secrets/github-token.ts.txt');
const GITHUB_TOKEN = 'ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua';
const CREATE_PATH = '/v1/organizations/1/agent/run';
const LIST_PATH = '/v1/organizations/1/agent/runs';
const REQUEST = 'Handle empty names with a friendly default';
const SETTINGS_USED = ['context.maxChars', 'images.maxBytes', 'repositoryId', 'prompt.reviewBeforeSend', 'prompt.templates'];

function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the in-host workspace has a folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Opens a document and selects 0-based lines start..end (whole lines, like a mouse drag). */
async function select(document: vscode.TextDocument, startLine: number, endLine: number): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  editor.selection = new vscode.Selection(startLine, 0, endLine, document.lineAt(endLine).text.length);
  return editor;
}

function createPosts(sim: CodegenSimulator): number {
  return sim.countRequests({ method: 'POST', path: CREATE_PATH });
}

async function closeAllEditors(): Promise<void> {
  // Untitled documents are reverted so no save prompt appears.
  for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Send work (against the simulator)', () => {
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;

  beforeEach(async () => {
    sim = await startSimulatorFor({ historicalRuns: 0 });
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    for (const key of SETTINGS_USED) await setSetting(key, undefined);
    await closeAllEditors();
    await sim.stop();
  });

  it('Run on selection creates exactly one run with the request, path, range, code and metadata; the tree has it before the next poll', async () => {
    const h = await hooks();
    const document = await vscode.workspace.openTextDocument(workspaceUri('src', 'greeting.ts'));
    await select(document, 0, 2);
    // When the run lands in the store, note how many requests the simulator had answered by then. Earlier
    // tests' simulators used the same ids, so the store may hold a stale run of that id: match the title.
    const answeredWhenStored = new Map<number, number>();
    const watcher = h.runs.store.onDidChange((change: RunStoreChange) => {
      for (const id of [...change.added, ...change.updated]) {
        if (!answeredWhenStored.has(id) && h.runs.store.get(id)?.metadata?.['title'] === REQUEST) answeredWhenStored.set(id, sim.requests.length);
      }
    });
    ui.promptAnswers.push({ kind: 'send', text: REQUEST });
    let id: number | undefined;
    try {
      id = await vscode.commands.executeCommand<number | undefined>('codegen.runOnSelection');
    } finally {
      watcher.dispose();
    }
    assert.ok(typeof id === 'number', `a run id, messages: ${JSON.stringify(ui.messages.map((m) => m.message))}`);
    assert.strictEqual(createPosts(sim), 1, 'exactly one create');

    const run = sim.getRun(id)!;
    assert.ok(run.prompt.startsWith(REQUEST), run.prompt);
    assert.match(run.prompt, /File: src\/greeting\.ts/);
    assert.match(run.prompt, /Selected lines: 1-3/);
    assert.match(run.prompt, /```typescript\nexport function greet\(name: string\): string \{\n {2}\/\/ TODO: handle empty names\n {2}return `Hello, \$\{name\}!`;\n```/);
    assert.doesNotMatch(run.prompt, /shout/, 'only the selected lines');
    const metadata = run.metadata!;
    assert.strictEqual(metadata['source'], 'vscode');
    assert.strictEqual(metadata['file'], 'src/greeting.ts');
    assert.deepStrictEqual(metadata['range'], { start_line: 1, end_line: 3 });
    assert.deepStrictEqual(metadata['ranges'], [{ start_line: 1, end_line: 3 }]);
    assert.strictEqual(metadata['language'], 'typescript');
    assert.strictEqual(metadata['title'], REQUEST);
    assert.strictEqual(metadata['extension_version'], vscode.extensions.getExtension('codegen-sh.codegen-vscode')!.packageJSON.version);
    assert.strictEqual(run.repoId, null, 'no git remote here: the organization default');
    assert.strictEqual(run.model, null);

    // In the tree at once: no list call between the create and the store having the run.
    assert.ok(h.runs.store.get(id), 'the run is in the store');
    assert.strictEqual(h.runs.store.isCreatedHere(id), true);
    const createIndex = sim.requests.findIndex((r) => r.method === 'POST' && r.path === CREATE_PATH);
    const storedAt = answeredWhenStored.get(id);
    assert.ok(storedAt !== undefined && storedAt > createIndex, 'the store got the run after the create was answered');
    assert.strictEqual(sim.requests.slice(createIndex, storedAt).filter((r) => r.path === LIST_PATH).length, 0, 'no list call before the run was in the tree');

    // The toast follows the row (ANNOUNCE_DELAY_MS later): the row is drawn first.
    const started = await waitFor(() => (ui.messagesMatching(new RegExp(`Codegen started run #${id}`)).length > 0 ? ui.messagesMatching(new RegExp(`Codegen started run #${id}`)) : undefined), 'the started toast');
    assert.strictEqual(started.length, 1, JSON.stringify(ui.messages));
    assert.deepStrictEqual(started[0]!.actions, ['Show details']);

    // The request is now first in the history the next picker offers.
    await vscode.commands.executeCommand('codegen.runOnSelection');
    assert.strictEqual(ui.promptRequests[1]?.history[0], REQUEST);
    assert.strictEqual(createPosts(sim), 1, 'a dismissed picker sends nothing');
  });

  it('an empty selection offers the whole file; Run on file reads a file from its uri; over the size limit the user trims or cancels', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceUri('src', 'greeting.ts'));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    ui.messageAnswer = () => undefined;
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnSelection'), undefined);
    const offer = ui.messagesMatching(/No selection: send the whole file\?/);
    assert.strictEqual(offer.length, 1);
    assert.strictEqual(offer[0]!.modal, true);
    assert.strictEqual(ui.promptRequests.length, 0, 'declining asks nothing more');

    // From the Explorer: a uri of a file that is not open.
    await closeAllEditors();
    const notes = workspaceUri('notes.md');
    await vscode.workspace.fs.writeFile(notes, Buffer.from(`# Notes\n\n${'A line of notes about the greeting module.\n'.repeat(20)}`));
    await setSetting('context.maxChars', 400);
    ui.promptAnswers.push({ kind: 'send', text: 'Summarize these notes' });
    ui.messageAnswer = () => undefined; // Cancel at the size limit
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnFile', notes), undefined);
    assert.match(ui.promptRequests[0]!.title, /Run on file · notes\.md/);
    const limit = ui.messagesMatching(/over the limit of 400/);
    assert.strictEqual(limit.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.strictEqual(limit[0]!.modal, true);
    assert.deepStrictEqual(limit[0]!.actions, ['Trim', 'Send anyway']);
    assert.strictEqual(createPosts(sim), 0, 'cancelled: nothing sent');

    // The request was kept; this time trim.
    ui.promptAnswers.push((request) => ({ kind: 'send', text: request.value ?? '' }));
    ui.messageAnswer = (m) => (m.modal ? 'Trim' : undefined);
    const id = await vscode.commands.executeCommand<number | undefined>('codegen.runOnFile', notes);
    assert.strictEqual(ui.promptRequests[1]!.value, 'Summarize these notes', 'the unsent request is offered again');
    assert.ok(typeof id === 'number');
    assert.strictEqual(createPosts(sim), 1);
    const prompt = sim.getRun(id)!.prompt;
    assert.ok(prompt.length <= 400, `trimmed prompt has ${prompt.length} characters`);
    assert.ok(prompt.startsWith('Summarize these notes'));
    assert.match(prompt, /Trimmed to fit the size limit/);
    assert.strictEqual(sim.getRun(id)!.metadata!['file'], 'notes.md');
    await vscode.workspace.fs.delete(notes);
  });

  it('a secret in the selection stops the send unless the user chooses "Send anyway"; the secret is never shown or logged', async () => {
    const h = await hooks();
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: fs.readFileSync(SECRET_FIXTURE, 'utf8') });
    await select(document, 3, 7);
    ui.promptAnswers.push({ kind: 'send', text: 'Read the token from the environment' });
    ui.messageAnswer = () => undefined; // the modal's default: Cancel
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnSelection'), undefined);
    assert.strictEqual(createPosts(sim), 0, 'cancelled: no create');
    const warning = ui.messagesMatching(/may contain a secret/);
    assert.strictEqual(warning.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.strictEqual(warning[0]!.modal, true);
    assert.deepStrictEqual(warning[0]!.actions, ['Send anyway']);
    assert.match(String(warning[0]!.detail), /GitHub token on line 6 of Untitled-\d+/);
    for (const message of ui.messages) assert.ok(!`${message.message}\n${message.detail ?? ''}`.includes(GITHUB_TOKEN), 'the secret is never shown');

    // Confirmed: one create, with the request kept from the first attempt.
    ui.promptAnswers.push((request) => ({ kind: 'send', text: request.value ?? '' }));
    ui.messageAnswer = (m) => (m.modal && /secret/.test(m.message) ? 'Send anyway' : undefined);
    const id = await vscode.commands.executeCommand<number | undefined>('codegen.runOnSelection');
    assert.ok(typeof id === 'number');
    assert.strictEqual(createPosts(sim), 1);
    assert.ok(sim.getRun(id)!.prompt.startsWith('Read the token from the environment'));
    assert.ok(!h.logText().includes(GITHUB_TOKEN), 'the secret is never logged');
  });

  it('402, 404 (no repositories) and 422 produce their messages with the action that fixes them, keeping the request', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceUri('src', 'greeting.ts'));
    await select(document, 4, 6);
    const again = (request: { value?: string }) => ({ kind: 'send' as const, text: request.value ?? '' });

    sim.injectFault({ kind: 'status', status: 402, method: 'POST', path: '/agent/run$' });
    ui.promptAnswers.push({ kind: 'send', text: 'Add a whisper function' });
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnSelection'), undefined);
    const billing = ui.messagesMatching(/billing limit/);
    assert.strictEqual(billing.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.deepStrictEqual(billing[0]!.actions, ['Open billing']);

    const repos = sim.reposOf(1);
    sim.setOrganizationRepos(1, []);
    ui.promptAnswers.push(again);
    ui.messageAnswer = (m) => (m.actions?.includes('Open repository settings') ? 'Open repository settings' : undefined);
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnSelection'), undefined);
    assert.strictEqual(ui.promptRequests[1]!.value, 'Add a whisper function', 'the failed request is offered again');
    const noRepos = ui.messagesMatching(/no repositories set up/);
    assert.strictEqual(noRepos.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    await waitFor(() => ui.opened.length > 0, 'the repository settings page to open');
    assert.match(ui.opened[0]!, /^https:\/\/codegen\.com\/repos/);
    sim.setOrganizationRepos(1, repos);
    ui.messageAnswer = () => undefined;

    sim.injectFault({ kind: 'status', status: 422, method: 'POST', path: '/agent/run$' });
    ui.promptAnswers.push(again);
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnSelection'), undefined);
    const invalid = ui.messagesMatching(/rejected the request/);
    assert.strictEqual(invalid.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.strictEqual(ui.promptRequests[2]!.value, 'Add a whisper function');

    assert.strictEqual(createPosts(sim), 3, 'one attempt each, no automatic retry of a create');
  });

  it('a create whose answer is lost is not retried: the user is told the run may exist and the list is refreshed', async () => {
    const h = await hooks();
    const document = await vscode.workspace.openTextDocument(workspaceUri('src', 'greeting.ts'));
    await select(document, 5, 7);
    // The simulator creates the run, then drops the connection before answering.
    sim.injectFault({ kind: 'drop', method: 'POST', path: '/agent/run$', afterProcessing: true });
    const listsBefore = sim.countRequests({ path: LIST_PATH });
    ui.promptAnswers.push({ kind: 'send', text: 'Add a shout test' });
    assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnSelection'), undefined);
    const warning = ui.messagesMatching(/may have created the run/);
    assert.strictEqual(warning.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.ok(!(warning[0]!.actions ?? []).includes('Retry'), 'no retry offered');
    assert.strictEqual(createPosts(sim), 1, 'sent once, never repeated');
    await waitFor(() => sim.countRequests({ path: LIST_PATH }) > listsBefore, 'the runs list to be refreshed');
    await waitFor(() => h.runs.store.runs.some((run) => run.metadata?.['title'] === 'Add a shout test'), 'the created run to show up from the list');
  });

  it('with a git remote, the repository is matched by full_name, and branch and commit go with the run', async function () {
    this.timeout(60000);
    const root = workspaceUri('gitproj').fsPath;
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'util.ts'), 'export function twice(n: number): number {\n  return n * 2;\n}\n');
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'feature/greetings');
    git('remote', 'add', 'origin', 'git@github.com:ACME/Widgets.git');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
    const commit = git('rev-parse', 'HEAD');
    const gitExtension = vscode.extensions.getExtension<{ getAPI(v: 1): { openRepository(uri: vscode.Uri): Promise<unknown>; getRepository(uri: vscode.Uri): { state: { HEAD?: { commit?: string } } } | null } }>('vscode.git');
    assert.ok(gitExtension, 'the built-in git extension is present');
    const api = (await gitExtension.activate()).getAPI(1);
    await api.openRepository(vscode.Uri.file(root));
    const file = vscode.Uri.file(path.join(root, 'lib', 'util.ts'));
    await waitFor(() => api.getRepository(file)?.state.HEAD?.commit === commit, 'git to know the repository', 20000);

    const document = await vscode.workspace.openTextDocument(file);
    await select(document, 0, 2);
    ui.promptAnswers.push({ kind: 'send', text: 'Make it generic' });
    const id = await vscode.commands.executeCommand<number | undefined>('codegen.runOnSelection');
    assert.ok(typeof id === 'number', JSON.stringify(ui.messages.map((m) => m.message)));
    const run = sim.getRun(id)!;
    assert.strictEqual(run.repoId, 101, 'ACME/Widgets matches acme/widgets (repository 101)');
    assert.strictEqual(run.metadata!['branch'], 'feature/greetings');
    assert.strictEqual(run.metadata!['commit'], commit);
    assert.strictEqual(run.metadata!['repo_full_name'], 'ACME/Widgets');
    assert.strictEqual(run.metadata!['file'], 'lib/util.ts', 'the path the agent finds in the repository');
    assert.match(run.prompt, /Branch: feature\/greetings/);
    assert.strictEqual(sim.countRequests({ method: 'GET', path: '/v1/organizations/1/repos' }), 1);
  });

  it('New run sends a bare request with attached images (bad ones refused, nothing lost) after a review of the prompt', async () => {
    await setSetting('images.maxBytes', 200);
    await setSetting('prompt.reviewBeforeSend', true);
    await setSetting('prompt.templates', [{ label: 'Mockup', prompt: 'Build the UI in the attached mockup. {request}' }, { label: '' }]);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 1)]);
    const good = workspaceUri('mockup.png');
    const fake = workspaceUri('fake.png');
    const big = workspaceUri('big.png');
    await vscode.workspace.fs.writeFile(good, png);
    await vscode.workspace.fs.writeFile(fake, Buffer.from('not an image at all'));
    await vscode.workspace.fs.writeFile(big, Buffer.concat([png, Buffer.alloc(400, 2)]));
    try {
      ui.promptAnswers.push({ kind: 'attachImages', draft: 'with a dark theme' });
      ui.fileAnswers.push([good, fake, big]);
      ui.promptAnswers.push((request) => ({ kind: 'send', text: request.value ?? '', templateId: 'user:mockup' }));
      ui.reviewAnswer = (review) => `${review.text}\nKeep the change small.`;
      const id = await vscode.commands.executeCommand<number | undefined>('codegen.newRun');
      assert.ok(typeof id === 'number', JSON.stringify(ui.messages.map((m) => m.message)));

      const refused = ui.messagesMatching(/2 images were not attached/);
      assert.strictEqual(refused.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
      assert.match(refused[0]!.message, /fake\.png is not a PNG, JPEG, GIF or WebP image/);
      assert.match(refused[0]!.message, /big\.png is 448 bytes; images can be at most 200 bytes/);
      const second = ui.promptRequests[1]!;
      assert.strictEqual(second.value, 'with a dark theme', 'the draft survives the file dialog');
      assert.deepStrictEqual(second.images, ['mockup.png']);
      assert.ok(second.templates.some((t) => t.id === 'user:mockup' && t.label === 'Mockup'));
      assert.ok(second.templates.some((t) => t.id === 'write-tests'), 'built-in templates too');
      const h = await hooks();
      assert.match(h.logText(), /codegen\.prompt\.templates: Prompt template 2 was dropped/);

      const run = sim.getRun(id)!;
      assert.strictEqual(run.prompt, 'Build the UI in the attached mockup. with a dark theme\nKeep the change small.');
      assert.strictEqual(ui.reviews.length, 1);
      assert.deepStrictEqual(run.images, [`data:image/png;base64,${png.toString('base64')}`]);
      assert.strictEqual(run.metadata!['source'], 'vscode');
      assert.strictEqual(run.metadata!['mode'], 'prompt');
      assert.strictEqual(run.metadata!['title'], 'Build the UI in the attached mockup. with a dark theme');
      assert.strictEqual(createPosts(sim), 1);
    } finally {
      for (const uri of [good, fake, big]) await vscode.workspace.fs.delete(uri);
    }
  });
});
