// Delegating from where the work is found, in a real VS Code against the simulator: the quick fix on
// problems and the TODO action (each creates exactly one run with the right context, through the same
// pipeline as the commands), the agent-mode tools through vscode.lm, and the @codegen chat participant's
// handler with a response stream that records what it was given. code-server 4.139's chat view is gated
// behind the Copilot setup (it needs the marketplace and a GitHub sign-in), so the chat cannot be typed
// into offline; the handler runs here with the real vscode types and the real run store.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CodegenSimulator } from '../simulator/simulator';
import { hooks, script, setSetting, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

const CREATE_PATH = '/v1/organizations/1/agent/run';
const GITHUB_TOKEN = 'ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua';

function greetingUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  return vscode.Uri.joinPath(folder.uri, 'src', 'greeting.ts');
}

async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
}

/** A ChatResponseStream that records what the handler streams. */
class RecordingStream {
  readonly parts: Array<{ kind: string; value: string; args?: unknown[] }> = [];
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: 'markdown', value: typeof value === 'string' ? value : value.value });
  }
  progress(value: string): void {
    this.parts.push({ kind: 'progress', value });
  }
  button(command: vscode.Command): void {
    this.parts.push({ kind: 'button', value: command.title, args: command.arguments });
  }
  get text(): string {
    return this.parts.map((part) => part.value).join('\n');
  }
  /** The text as a reader sees it: markdown escapes and character references undone. */
  get plain(): string {
    return this.text.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/&#32;/g, ' ').replace(/&#9;/g, '\t');
  }
}

function chatRequest(prompt: string, command?: string, references: vscode.ChatPromptReference[] = []): vscode.ChatRequest {
  return { prompt, command, references, toolReferences: [], toolInvocationToken: undefined as never, model: undefined as never, id: 'r', attempt: 0, enableCommandDetection: false, isParticipantDetected: false, location: 1, location2: undefined } as unknown as vscode.ChatRequest;
}

describe('Delegate from where the work is found (against the simulator)', function () {
  this.timeout(60_000);
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;
  let diagnostics: vscode.DiagnosticCollection;

  beforeEach(async () => {
    sim = await startSimulatorFor({ runDurationMs: 4_000 });
    ({ ui, restore } = await script());
    diagnostics = vscode.languages.createDiagnosticCollection('codegen-test');
    // The picker starts with the suggested request: send it as it is.
    ui.promptAnswers.push((request) => ({ kind: 'send', text: request.value ?? '' }));
  });

  afterEach(async () => {
    restore();
    diagnostics.dispose();
    await setSetting('tools.enabled', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim.stop();
  });

  it('the quick fix on two problems creates exactly one run with both problems and the code around them', async () => {
    const uri = greetingUri();
    await vscode.window.showTextDocument(uri);
    diagnostics.set(uri, [
      Object.assign(new vscode.Diagnostic(new vscode.Range(2, 9, 2, 26), "Type 'string' is not assignable to type 'number'.", vscode.DiagnosticSeverity.Error), { source: 'ts', code: 2322 }),
      Object.assign(new vscode.Diagnostic(new vscode.Range(5, 16, 5, 20), "'text' is declared but never read.", vscode.DiagnosticSeverity.Warning), { source: 'ts', code: 6133 }),
    ]);
    const actions = await waitFor(async () => {
      const found = await codeActions(uri, new vscode.Range(0, 0, 7, 0));
      return found.find((action) => /Fix 2 problems with Codegen/.test(action.title));
    }, 'the Fix with Codegen quick fix');
    assert.strictEqual(actions.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.strictEqual(actions.isPreferred, false);
    const runId = await vscode.commands.executeCommand<number>(actions.command!.command, ...(actions.command!.arguments ?? []));
    assert.ok(typeof runId === 'number', JSON.stringify(ui.messages.map((m) => m.message)));
    assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
    const run = sim.getRun(runId)!;
    assert.match(run.prompt, /Fix these 2 problems reported in src\/greeting\.ts/);
    assert.match(run.prompt, /Type 'string' is not assignable/);
    assert.match(run.prompt, /declared but never read/);
    assert.match(run.prompt, /export function shout/, 'the code around them is sent');
    assert.strictEqual(run.metadata!['entry_point'], 'quickFix');
    assert.strictEqual(run.metadata!['file'], 'src/greeting.ts');
    const h = await hooks();
    assert.ok(h.runs.store.get(runId), 'the run is in the tree at once');
  });

  it('the TODO action creates exactly one run with the comment and its function', async () => {
    const uri = greetingUri();
    await vscode.window.showTextDocument(uri);
    const action = await waitFor(async () => (await codeActions(uri, new vscode.Range(1, 5, 1, 5))).find((candidate) => /Delegate this TODO to Codegen/.test(candidate.title)), 'the Delegate to Codegen action');
    const nothing = await codeActions(uri, new vscode.Range(5, 0, 5, 0));
    assert.ok(!nothing.some((candidate) => /Delegate/.test(candidate.title)), 'no TODO action on a line without a TODO');
    const runId = await vscode.commands.executeCommand<number>(action.command!.command, ...(action.command!.arguments ?? []));
    assert.ok(typeof runId === 'number', JSON.stringify(ui.messages.map((m) => m.message)));
    assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
    const run = sim.getRun(runId)!;
    assert.match(run.prompt, /Resolve this TODO in src\/greeting\.ts \(line 2\): handle empty names/);
    assert.match(run.prompt, /return `Hello, \$\{name\}!`;/, 'the function the comment is about is sent');
    assert.doesNotMatch(run.prompt, /export function shout/, 'not the rest of the file');
    assert.strictEqual(run.metadata!['entry_point'], 'todo');
  });

  it('vscode.lm lists the three tools; invokeTool creates a run, refuses a prompt with a secret, and reads runs back', async function () {
    const names = vscode.lm.tools.map((tool) => tool.name);
    for (const name of ['codegen_create_run', 'codegen_get_run', 'codegen_list_runs']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const token = new vscode.CancellationTokenSource().token;
    const textOf = (result: vscode.LanguageModelToolResult): string => result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    const created = textOf(await vscode.lm.invokeTool('codegen_create_run', { input: { prompt: 'Add tests for greet()', files: [{ path: 'src/greeting.ts', startLine: 1, endLine: 4 }, { path: '/etc/passwd' }] }, toolInvocationToken: undefined }, token));
    const id = Number(/Created Codegen run (\d+)/.exec(created)?.[1]);
    assert.ok(id > 0, created);
    assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
    const run = sim.getRun(id)!;
    assert.match(run.prompt, /src\/greeting\.ts \(lines 1-4\)/);
    assert.match(run.prompt, /handle empty names/);
    assert.doesNotMatch(run.prompt, /root:/, 'nothing outside the workspace is read');
    assert.strictEqual(run.metadata!['entry_point'], 'tool');

    const refused = textOf(await vscode.lm.invokeTool('codegen_create_run', { input: { prompt: `Push with ${GITHUB_TOKEN}` }, toolInvocationToken: undefined }, token));
    assert.match(refused, /not created: the prompt looks like it contains secrets/);
    assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1, 'no create for the secret');

    const described = textOf(await vscode.lm.invokeTool('codegen_get_run', { input: { runId: id }, toolInvocationToken: undefined }, token));
    assert.match(described, new RegExp(`Codegen run ${id}`));
    assert.match(described, /<untrusted-service-data>/);
    const listed = textOf(await vscode.lm.invokeTool('codegen_list_runs', { input: { limit: 5 }, toolInvocationToken: undefined }, token));
    assert.match(listed, new RegExp(`Run ${id} `));
    const bad = textOf(await vscode.lm.invokeTool('codegen_get_run', { input: { runId: 'x' }, toolInvocationToken: undefined }, token));
    assert.match(bad, /not valid/);
  });

  it('the chat participant: /run sends the referenced file and streams the run to its end with its PR as a button; /status lists; a plain message follows up', async function () {
    this.timeout(60_000);
    const h = await hooks();
    const token = new vscode.CancellationTokenSource().token;
    const stream = new RecordingStream();
    const reference = { id: 'file', value: new vscode.Location(greetingUri(), new vscode.Range(0, 0, 3, 0)) } as vscode.ChatPromptReference;
    const result = await h.chat(chatRequest('add input validation to greet', 'run', [reference]), { history: [] }, stream as unknown as vscode.ChatResponseStream, token);
    const runId = (result as vscode.ChatResult).metadata?.['codegenRunId'] as number;
    assert.ok(runId > 0, stream.text);
    const run = sim.getRun(runId)!;
    assert.match(run.prompt, /add input validation to greet/);
    assert.match(run.prompt, /src\/greeting\.ts \(lines 1-4\)/);
    assert.strictEqual(run.metadata!['entry_point'], 'chat');
    assert.match(stream.plain, new RegExp(`Started Codegen run #${runId}`));
    assert.match(stream.plain, /Status: Completed/, 'followed to the end');
    const button = stream.parts.find((part) => part.kind === 'button');
    assert.ok(button, 'the PR as a button');
    assert.match(String(button.args?.[0]), /^https:\/\/github\.com\/acme\/widgets\/pull\/\d+$/);
    assert.strictEqual(stream.parts.filter((part) => /Status\\?: Completed/.test(part.value)).length, 1, 'each status once');

    const status = new RecordingStream();
    await h.chat(chatRequest('', 'status'), { history: [] }, status as unknown as vscode.ChatResponseStream, token);
    assert.match(status.text, new RegExp(`Run ${runId} `));

    // A plain message in the chat about that run follows up on it (the earlier answer carries its id).
    const follow = new RecordingStream();
    const history = [{ participant: 'codegen.chat', result: { metadata: { codegenRunId: runId } }, response: [] }] as unknown as vscode.ChatContext['history'];
    await h.chat(chatRequest('also add a test for empty names'), { history }, follow as unknown as vscode.ChatResponseStream, token);
    await waitFor(() => sim.getRun(runId)?.followUps.some((f) => f.prompt === 'also add a test for empty names'), 'the follow-up in the simulator');
    assert.match(follow.plain, new RegExp(`Follow-up sent to run #${runId}`));
    const orphan = new RecordingStream();
    await h.chat(chatRequest('hello'), { history: [] }, orphan as unknown as vscode.ChatResponseStream, token);
    assert.match(orphan.text, /not about a run yet/);
  });

  it('one way to read a file for sending: Run on file, chat references and tool files skip a folder, a file over 20 MB and a missing file, and say why', async function () {
    const h = await hooks();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const big = vscode.Uri.joinPath(folder, 'big.log');
    // A sparse file: 21 MB on paper, nothing on disk.
    fs.closeSync(fs.openSync(big.fsPath, 'w'));
    fs.truncateSync(big.fsPath, 21 * 1024 * 1024);
    const missing = vscode.Uri.joinPath(folder, 'gone.ts');
    const src = vscode.Uri.joinPath(folder, 'src');
    try {
      ui.messageAnswer = () => undefined;
      for (const uri of [src, big, missing]) assert.strictEqual(await vscode.commands.executeCommand('codegen.runOnFile', uri), undefined);
      const said = ui.messages.map((m) => m.message);
      assert.ok(said.includes('src was not sent to Codegen: it is a folder.'), JSON.stringify(said));
      assert.ok(said.includes('big.log was not sent to Codegen: it is 21.0 MB, over the 20.0 MB a file sent to Codegen may have. Open it, select the part that matters, and use "Codegen: Run on selection".'), JSON.stringify(said));
      assert.ok(said.some((m) => /^gone\.ts was not sent to Codegen: it could not be read: /.test(m)), JSON.stringify(said));
      assert.strictEqual(ui.promptRequests.length, 0, 'nothing was asked');

      // The chat reads its references the same way (and so do the tools: readFileReferences); the run goes without them.
      const cancelled = new vscode.CancellationTokenSource();
      cancelled.cancel();
      const stream = new RecordingStream();
      const refs = [src, big, missing, greetingUri()].map((value) => ({ id: 'file', value }));
      const result = await h.chat(chatRequest('summarize these', 'run', refs), { history: [] }, stream as unknown as vscode.ChatResponseStream, cancelled.token);
      const runId = (result as vscode.ChatResult).metadata?.['codegenRunId'] as number;
      assert.ok(runId > 0, stream.text);
      assert.ok(stream.plain.includes('src was not sent: it is a folder.'), stream.text);
      assert.ok(stream.plain.includes('big.log was not sent: it is 21.0 MB, over the 20.0 MB a file sent to Codegen may have.'), stream.text);
      assert.match(stream.plain, /gone\.ts was not sent: it could not be read: /);
      const run = sim.getRun(runId)!;
      assert.strictEqual((run.metadata!['attachments'] as string[]).length, 1, 'only the readable file is sent');
      assert.match((run.metadata!['attachments'] as string[])[0]!, /^src\/greeting\.ts \(whole file/);
    } finally {
      fs.rmSync(big.fsPath, { force: true });
    }
  });

  it('tool reads: stay in the workspace for real: no link to a file or folder outside, nothing from .git (direct or linked), nothing above it', async function () {
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-outside-'));
    const made = ['outside-link.txt', 'outside-dir', 'fakegit', 'git-link'].map((name) => path.join(folder, name));
    try {
      fs.writeFileSync(path.join(outside, 'hostname'), 'OUTSIDE-MARKER-7f3a\n');
      fs.mkdirSync(path.join(outside, 'dir'));
      fs.writeFileSync(path.join(outside, 'dir', 'inner.txt'), 'OUTSIDE-MARKER-7f3a inner\n');
      fs.symlinkSync(path.join(outside, 'hostname'), path.join(folder, 'outside-link.txt'));
      fs.symlinkSync(path.join(outside, 'dir'), path.join(folder, 'outside-dir'));
      fs.mkdirSync(path.join(folder, 'fakegit', '.git'), { recursive: true });
      fs.writeFileSync(path.join(folder, 'fakegit', '.git', 'config'), '[core]\n\tsshCommand = GITCONFIG-MARKER-9b2c\n');
      fs.symlinkSync(path.join(folder, 'fakegit', '.git'), path.join(folder, 'git-link'));
      const token = new vscode.CancellationTokenSource().token;
      const files = ['outside-link.txt', 'outside-dir/inner.txt', 'fakegit/.git/config', 'git-link/config', `../${path.basename(folder)}/../${path.basename(outside)}/hostname`, 'src/greeting.ts'].map((file) => ({ path: file }));
      const result = await vscode.lm.invokeTool('codegen_create_run', { input: { prompt: 'Summarize these files', files }, toolInvocationToken: undefined }, token);
      const answer = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      const id = Number(/Created Codegen run (\d+)/.exec(answer)?.[1]);
      assert.ok(id > 0, answer);
      const run = sim.getRun(id)!;
      assert.doesNotMatch(run.prompt, /OUTSIDE-MARKER-7f3a/, 'nothing outside the workspace through a link');
      assert.doesNotMatch(run.prompt, /GITCONFIG-MARKER-9b2c/, 'nothing from .git');
      assert.match((run.metadata!['attachments'] as string[])[0] ?? '', /^src\/greeting\.ts \(whole file/);
      assert.strictEqual((run.metadata!['attachments'] as string[]).length, 1, 'only the workspace file is sent');
    } finally {
      for (const file of made) fs.rmSync(file, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('tool reads: the call sends what its confirmation showed: a file that grows after the confirmation is not read again', async function () {
    const h = await hooks();
    const grow = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'grow.ts');
    try {
      fs.writeFileSync(grow, 'line 1\nline 2\n');
      const input = { prompt: 'Look at grow.ts', files: [{ path: 'grow.ts' }] };
      const prepared = await h.tools.prepare('codegen_create_run', input);
      const shown = prepared.confirmationMessages?.message;
      const message = typeof shown === 'string' ? shown : (shown?.value ?? '');
      assert.match(message.replace(/\\(.)/g, '$1'), /grow\.ts \(whole file, lines 1-2\)/, message);
      fs.appendFileSync(grow, 'GROWN-MARKER-c41d\n'.repeat(50));
      // Had the confirmation opened it as a document, the editor now shows the grown file (nothing is open otherwise).
      await waitFor(() => {
        const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === grow);
        return open === undefined || open.getText().includes('GROWN-MARKER-c41d');
      }, 'the editor to see the grown file');
      const result = await h.tools.invoke('codegen_create_run', input, new vscode.CancellationTokenSource().token);
      const answer = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      const id = Number(/Created Codegen run (\d+)/.exec(answer)?.[1]);
      assert.ok(id > 0, answer);
      const run = sim.getRun(id)!;
      assert.doesNotMatch(run.prompt, /GROWN-MARKER-c41d/, 'the call sends the confirmed read');
      assert.deepEqual(run.metadata!['attachments'], ['grow.ts (whole file, lines 1-2)']);
    } finally {
      fs.rmSync(grow, { force: true });
    }
  });
});
