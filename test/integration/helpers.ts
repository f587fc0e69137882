// Shared helpers for the in-host tests: the extension's test hooks, a scripted Interaction (a test
// cannot type into VS Code's input boxes; the e2e scenarios do that in a real browser), settings, and
// the Codegen API simulator started inside the extension host.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type {
  FilePickRequest,
  Interaction,
  InputRequest,
  MessageRequest,
  PickItem,
  PickRequest,
  PromptPickRequest,
  PromptPickResult,
  ReviewRequest,
} from '../../src/ui/interaction';
import type { TestHooks } from '../../src/testHooks';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cloneClientWorkspace } from '../simulator/gitWorkspace';
import { CodegenSimulator } from '../simulator/simulator';

export const EXTENSION_ID = 'codegen-sh.codegen-vscode';

export async function hooks(): Promise<TestHooks> {
  const extension = vscode.extensions.getExtension<{ testing?: TestHooks }>(EXTENSION_ID);
  assert.ok(extension, 'extension not found');
  const api = await extension.activate();
  assert.ok(api.testing, 'test hooks missing: CODEGEN_TEST_MODE is not set in the extension host');
  return api.testing;
}

type Answer<R, T> = T | ((request: R) => T);

/** Answers dialogs from queues and records everything shown. */
export class ScriptedInteraction implements Interaction {
  readonly messages: MessageRequest[] = [];
  readonly inputs: InputRequest[] = [];
  readonly picks: Array<{ request: PickRequest; labels: string[] }> = [];
  readonly opened: string[] = [];
  inputAnswers: Array<Answer<InputRequest, string | undefined>> = [];
  pickAnswers: Array<(labels: string[]) => number | undefined> = [];
  /** Chooses the action of a message; default: dismiss. */
  messageAnswer: (request: MessageRequest) => string | undefined = () => undefined;
  readonly promptRequests: PromptPickRequest[] = [];
  /** Answers of the prompt picker, in order; when empty the picker is dismissed. */
  promptAnswers: Array<Answer<PromptPickRequest, PromptPickResult | undefined>> = [];
  readonly reviews: ReviewRequest[] = [];
  /** The text a prompt review sends; default: the prompt unchanged. */
  reviewAnswer: (request: ReviewRequest) => string | undefined = (request) => request.text;
  readonly fileRequests: FilePickRequest[] = [];
  /** Answers of open-file dialogs, in order; when empty the dialog is cancelled. */
  fileAnswers: Array<vscode.Uri[] | undefined> = [];

  showMessage(request: MessageRequest): Promise<string | undefined> {
    this.messages.push(request);
    return Promise.resolve(this.messageAnswer(request));
  }

  showInput(request: InputRequest): Promise<string | undefined> {
    this.inputs.push(request);
    const answer = this.inputAnswers.shift();
    const value = typeof answer === 'function' ? answer(request) : answer;
    if (value !== undefined && request.validate) {
      const problem = request.validate(value);
      if (problem) return Promise.reject(new Error(`scripted input "${value}" failed validation: ${problem}`));
    }
    return Promise.resolve(value);
  }

  showPick<T>(items: readonly PickItem<T>[], request: PickRequest): Promise<T | undefined> {
    const labels = items.map((i) => i.label);
    this.picks.push({ request, labels });
    const chooser = this.pickAnswers.shift();
    const index = chooser ? chooser(labels) : undefined;
    return Promise.resolve(index === undefined ? undefined : items[index]?.value);
  }

  openExternal(url: string): Promise<boolean> {
    this.opened.push(url);
    return Promise.resolve(true);
  }

  pickPrompt(request: PromptPickRequest): Promise<PromptPickResult | undefined> {
    this.promptRequests.push(request);
    const answer = this.promptAnswers.shift();
    return Promise.resolve(typeof answer === 'function' ? answer(request) : answer);
  }

  reviewPrompt(request: ReviewRequest): Promise<string | undefined> {
    this.reviews.push(request);
    return Promise.resolve(this.reviewAnswer(request));
  }

  pickFiles(request: FilePickRequest): Promise<vscode.Uri[] | undefined> {
    this.fileRequests.push(request);
    return Promise.resolve(this.fileAnswers.shift());
  }

  messagesMatching(pattern: RegExp): MessageRequest[] {
    return this.messages.filter((m) => pattern.test(m.message));
  }
}

/** Installs a scripted interaction for the duration of a test; returns a restore function. */
export async function script(): Promise<{ ui: ScriptedInteraction; restore: () => void }> {
  const h = await hooks();
  const ui = new ScriptedInteraction();
  const previous = h.interaction.swap(ui);
  return { ui, restore: () => void h.interaction.swap(previous) };
}

export async function setSetting(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Promise<void> {
  await vscode.workspace.getConfiguration('codegen').update(key, value, target);
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A simulator in this extension host, with the extension pointed at it and signed in (unless told not to). */
export async function startSimulatorFor(options: { signIn?: boolean; token?: string; organizationId?: number | null; runDurationMs?: number; historicalRuns?: number; gitRoot?: string } = {}): Promise<CodegenSimulator> {
  const sim = await CodegenSimulator.start({ runDurationMs: options.runDurationMs ?? 60000, historicalRuns: options.historicalRuns ?? 0, ...(options.gitRoot ? { gitRoot: options.gitRoot } : {}) });
  await setSetting('apiBaseUrl', sim.url);
  await setSetting('organizationId', options.organizationId === undefined ? 1 : options.organizationId);
  const h = await hooks();
  if (options.signIn ?? true) await h.session.storeToken(options.token ?? 'test-token');
  else await h.session.signOut();
  return sim;
}

interface GitApi {
  openRepository(uri: vscode.Uri): Promise<unknown>;
  getRepository(uri: vscode.Uri): { state: { HEAD?: { name?: string } } } | null;
}

/** Where a git-backed suite keeps the simulator's bare repositories (a new temp folder) and its clone (in the workspace folder). */
export function gitSuitePaths(): { gitRoot: string; clone: string } {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the in-host workspace has a folder');
  return { gitRoot: fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-git-root-')), clone: path.join(folder.uri.fsPath, 'widgets') };
}

/** A fresh clone of the simulator's acme/widgets at `clone` (gone first), known to VS Code's git and on main. */
export async function freshWidgetsClone(sim: CodegenSimulator, gitRoot: string, clone: string): Promise<void> {
  sim.ensureGitRepository('acme/widgets');
  fs.rmSync(clone, { recursive: true, force: true });
  cloneClientWorkspace({ gitRoot, dir: clone });
  const gitExtension = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  assert.ok(gitExtension, 'VS Code\u2019s git extension is there');
  const api = (await gitExtension.activate()).getAPI(1);
  await api.openRepository(vscode.Uri.file(clone));
  await waitFor(() => api.getRepository(vscode.Uri.file(clone))?.state.HEAD?.name === 'main', 'git to know the clone', 20_000);
}
