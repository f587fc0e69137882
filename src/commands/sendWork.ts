// "Codegen: Run on selection", "Run on file" and "New run": gathers what the user is looking at (file,
// selection, language, git, problems), asks what to do (request, recent requests, templates, images),
// guards what leaves the machine (size limit, secret scan, optional review), and creates the run with a
// visible progress (including rate-limit waits). The new run goes into the Runs tree at once.
// A request that does not go through is kept: the next prompt picker starts with it.
import * as path from 'path';
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import type { RateWaitEvent } from '../api/rateGovernor';
import type { AgentRun, CreateRunInput } from '../api/types';
import { SettingsError, type Session } from '../auth/session';
import type { Settings } from '../config/settings';
import {
  BUILT_IN_TEMPLATES,
  ImageAttachmentError,
  PromptHistory,
  applyTemplate,
  buildContext,
  formatBytes,
  imageToDataUri,
  makeTitle,
  mergeTemplates,
  parseGitRemote,
  trimContext,
  type BuildContextInput,
  type BuiltContext,
  type DiagnosticInfo,
  type DiagnosticSeverityName,
  type GitInfo,
  type PromptTemplate,
  type SelectionRange,
  type SourceDocument,
} from '../context';
import { GitAdapter, type RepositoryGitInfo } from '../git/gitApi';
import type { RunStore } from '../runs/runStore';
import { RepositoryResolver } from '../send/repositoryResolver';
import { describeFindings, locateFindings, type LocatedFinding, type SourceText } from '../send/secretFindings';
import { WaitCountdown } from '../send/waitCountdown';
import type { Interaction, PromptTemplateChoice } from '../ui/interaction';
import { showError } from '../ui/showError';
import { adviseOnError } from '../util/errorAdvice';
import { systemClock, type Clock } from '../util/clock';
import type { Event } from '../util/events';
import type { Log } from '../util/log';

/** The secret scanner's bundle (dist/secretScan.js), loaded on first use: secretlint is large. */
type SecretScanModule = typeof import('../secrets-scan');

export const HISTORY_KEY = 'codegen.prompt.history';
export const DEFAULT_MAX_CHARS = 100_000;
export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGES = 10;
/** Files larger than this are not read for "Run on file": select part of them instead. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

// Button labels: functions, so they are localized when shown (the l10n bundle may load after this module).
const sendAnyway = (): string => vscode.l10n.t('Send anyway');
const trim = (): string => vscode.l10n.t('Trim');
const sendWholeFile = (): string => vscode.l10n.t('Send the whole file');
const showDetails = (): string => vscode.l10n.t('Show details');
const retry = (): string => vscode.l10n.t('Retry');

export interface SendWorkDeps {
  context: vscode.ExtensionContext;
  session: Session;
  settings: Settings;
  runs: { readonly store: RunStore; refreshNow(): Promise<void> };
  /** The window's rate governor: its waits for the create class are shown in the progress. */
  governor: { readonly onDidWait: Event<RateWaitEvent> };
  interaction: Interaction;
  log: Log;
  clock?: Clock;
}

/**
 * The sender behind "Run on selection", "Run on file" and "New run". This module is its own bundle
 * (dist/sendWork.js), loaded the first time one of those commands runs; extension.ts registers the
 * commands. Each command returns the id of the run it created, or undefined.
 */
export function createWorkSender(deps: SendWorkDeps): WorkSender {
  return new WorkSender(deps);
}

type CommandName = 'runOnSelection' | 'runOnFile' | 'newRun';

function commandTitle(command: CommandName): string {
  switch (command) {
    case 'runOnSelection':
      return vscode.l10n.t('Codegen: Run on selection');
    case 'runOnFile':
      return vscode.l10n.t('Codegen: Run on file');
    case 'newRun':
      return vscode.l10n.t('Codegen: New run');
  }
}

type Target =
  | { kind: 'document'; document: vscode.TextDocument; selections: SelectionRange[]; mode: 'selection' | 'file' }
  | { kind: 'bare' };

/** The document as it was when the command ran. */
interface DocumentSnapshot {
  uri: vscode.Uri;
  source: Omit<SourceDocument, 'relativePath'>;
  selections: SelectionRange[];
  mode: 'selection' | 'file';
  diagnostics: DiagnosticInfo[];
  /** Shown in titles: workspace-relative path or untitled name. */
  label: string;
}

interface AttachedImage {
  key: string;
  name: string;
  dataUri: string;
}

/** What was asked but not sent yet. */
interface Draft {
  text: string;
  images: AttachedImage[];
}

interface PickedRequest {
  /** The request to send (a template applied). */
  request: string;
  /** What the user typed or chose from history; kept in the history after a successful send. */
  typed: string;
  images: AttachedImage[];
}

/** How the repository of the run was decided. */
type RepositoryLookup =
  | { kind: 'chosen'; repoId?: number }
  | { kind: 'failed'; fullName: string; error: unknown };

type CreateOutcome = { run: AgentRun } | { error: unknown; cancelledWhileSending: boolean };

export class WorkSender implements vscode.Disposable {
  private readonly history: PromptHistory;
  private readonly repositories: RepositoryResolver;
  private readonly git: GitAdapter;
  private readonly clock: Clock;
  private readonly version: string;
  private readonly subscriptions: vscode.Disposable[] = [];
  private draft: Draft | undefined;
  private reportedTemplateProblems = '';
  private scanner: SecretScanModule | undefined;

  constructor(private readonly deps: SendWorkDeps) {
    const globalState = deps.context.globalState;
    this.history = new PromptHistory({
      get: () => globalState.get<unknown>(HISTORY_KEY),
      set: (entries) => Promise.resolve(globalState.update(HISTORY_KEY, entries)),
    });
    this.clock = deps.clock ?? systemClock;
    this.repositories = new RepositoryResolver(deps.session.api, this.clock);
    this.git = new GitAdapter(deps.log);
    const manifestVersion = (deps.context.extension.packageJSON as { version?: unknown }).version;
    this.version = typeof manifestVersion === 'string' ? manifestVersion : '';
    // Another token or organization may see other repositories.
    this.subscriptions.push(deps.session.onDidChangeState(() => this.repositories.clear()));
  }

  private get ui(): Interaction {
    return this.deps.interaction;
  }

  private get log(): Log {
    return this.deps.log;
  }

  // ---- commands ---------------------------------------------------------------------------------

  async runOnSelection(argument?: unknown): Promise<number | undefined> {
    const editor = editorFor(argument);
    if (!editor) {
      const newRun = vscode.l10n.t('New run');
      const choice = await this.ui.showMessage({
        severity: 'info',
        message: vscode.l10n.t('Open a file and select the code Codegen should work on, or start a new run without code.'),
        actions: [newRun],
      });
      return choice === newRun ? this.newRun() : undefined;
    }
    const selections = editor.selections.map(toSelectionRange);
    let mode: 'selection' | 'file' = 'selection';
    if (editor.selections.every((selection) => selection.isEmpty)) {
      const choice = await this.ui.showMessage({
        severity: 'info',
        modal: true,
        message: vscode.l10n.t('No selection: send the whole file?'),
        detail: vscode.l10n.t('{0} ({1} lines) would go to Codegen with your request.', labelOf(editor.document), editor.document.lineCount),
        actions: [sendWholeFile()],
      });
      if (choice !== sendWholeFile()) return undefined;
      mode = 'file';
    }
    return this.send('runOnSelection', { kind: 'document', document: editor.document, selections, mode });
  }

  async runOnFile(argument?: unknown): Promise<number | undefined> {
    const uri = argument instanceof vscode.Uri ? argument : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void this.ui.showMessage({ severity: 'info', message: vscode.l10n.t('Open a file first, or right-click a file in the Explorer and choose "Codegen: Run on file".') });
      return undefined;
    }
    const document = await this.openDocument(uri);
    if (!document) return undefined;
    return this.send('runOnFile', { kind: 'document', document, selections: [], mode: 'file' });
  }

  async newRun(): Promise<number | undefined> {
    return this.send('newRun', { kind: 'bare' });
  }

  // ---- the send ---------------------------------------------------------------------------------

  private async send(command: CommandName, target: Target): Promise<number | undefined> {
    const orgId = await this.ensureReady();
    if (orgId === undefined) return undefined;
    const snapshot = target.kind === 'document' ? snapshotOf(target) : undefined;
    // Git and the repository lookup run while the user types.
    const git = this.git.infoFor(snapshot?.uri);
    const repository = git.then((info) => this.lookUpRepository(orgId, info));

    const picked = await this.askForRequest(command, snapshot);
    if (!picked) return undefined;
    // Kept until the run exists: a cancelled guard or a failed create loses nothing.
    this.draft = { text: picked.typed, images: picked.images };

    const gitInfo = await git;
    const prepared = snapshot ? await this.prepareForDocument(snapshot, picked.request, gitInfo) : await this.prepareBare(picked.request, gitInfo);
    if (!prepared) return this.notSent('the prompt was over the size limit');

    let prompt = prepared.prompt;
    if (this.reviewBeforeSend) {
      const reviewed = await this.ui.reviewPrompt({ text: prompt, language: 'markdown' });
      if (reviewed === undefined || reviewed.trim() === '') return this.notSent('the review was cancelled');
      prompt = reviewed;
    }

    const sourceText = snapshot ? sourceTextOf(snapshot, prepared.metadata) : undefined;
    if (!(await this.confirmNoSecrets(prompt, prepared.metadata, sourceText))) return this.notSent('possible secrets were found');

    const repoId = await this.decideRepository(await repository);
    if (repoId === false) return this.notSent('the repository could not be looked up');

    const input: CreateRunInput = { prompt, metadata: prepared.metadata };
    if (repoId !== undefined) input.repoId = repoId;
    const model = this.deps.settings.model;
    if (model !== undefined) input.model = model;
    const agentType = this.deps.settings.agentType;
    if (agentType !== undefined) input.agentType = agentType;
    if (picked.images.length > 0) input.images = picked.images.map((image) => image.dataUri);
    return this.create(orgId, input, prepared.title, picked);
  }

  private notSent(why: string): undefined {
    this.log.info(`Nothing was sent to Codegen: ${why}. The request is kept for the next run.`);
    return undefined;
  }

  /** The organization to send to, after signing in or choosing one if needed. */
  private async ensureReady(): Promise<number | undefined> {
    const { session } = this.deps;
    const state = session.state;
    if (state.configurationError !== undefined) {
      void showError(this.ui, this.log, new SettingsError(state.configurationError), 'Sending work to Codegen');
      return undefined;
    }
    if (!state.signedIn) {
      const setToken = vscode.l10n.t('Set API token');
      const choice = await this.ui.showMessage({ severity: 'info', message: vscode.l10n.t('Set your Codegen API token to send work to Codegen.'), actions: [setToken] });
      if (choice !== setToken) return undefined;
      await vscode.commands.executeCommand('codegen.setToken');
      if (!session.state.signedIn) return undefined;
    }
    if (session.state.organizationId === undefined) await vscode.commands.executeCommand('codegen.selectOrganization');
    return session.state.organizationId;
  }

  private async openDocument(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) return open;
    const name = path.posix.basename(uri.path);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) {
        void this.ui.showMessage({ severity: 'info', message: vscode.l10n.t('{0} is a folder: choose a file to send to Codegen.', name) });
        return undefined;
      }
      if (stat.size > MAX_FILE_BYTES) {
        void this.ui.showMessage({
          severity: 'error',
          message: vscode.l10n.t('{0} is {1}, too large to send to Codegen. Open it, select the part that matters, and use "Codegen: Run on selection".', name, formatBytes(stat.size)),
        });
        return undefined;
      }
      return await vscode.workspace.openTextDocument(uri);
    } catch (error) {
      void this.ui.showMessage({ severity: 'error', message: vscode.l10n.t('Could not read {0}: {1}', name, messageOf(error)) });
      return undefined;
    }
  }

  // ---- the prompt -------------------------------------------------------------------------------

  private async askForRequest(command: CommandName, snapshot: DocumentSnapshot | undefined): Promise<PickedRequest | undefined> {
    const templates = this.templates();
    const choices: PromptTemplateChoice[] = templates.map((t) => ({ id: t.id, label: t.label, detail: templateSummary(t) }));
    const where = snapshot ? ` · ${snapshot.label}${snapshot.mode === 'selection' ? `:${selectionLabel(snapshot.selections)}` : ''}` : '';
    let value = this.draft?.text ?? '';
    let images = [...(this.draft?.images ?? [])];
    for (;;) {
      const result = await this.ui.pickPrompt({
        title: `${commandTitle(command)}${where}`,
        placeHolder: snapshot
          ? vscode.l10n.t('What should the agent do with this code? Type a request, or pick a recent request or a template')
          : vscode.l10n.t('What should the agent do? Type a request, or pick a recent request or a template'),
        value,
        history: this.history.entries(),
        templates: choices,
        images: images.map((image) => image.name),
        allowImages: true,
      });
      if (!result) {
        // Dismissing the picker keeps what it started with and any images attached meanwhile.
        this.draft = value !== '' || images.length > 0 ? { text: value, images } : undefined;
        return undefined;
      }
      switch (result.kind) {
        case 'attachImages':
          value = result.draft;
          images = [...images, ...(await this.attachImages(images))];
          break;
        case 'clearImages':
          value = result.draft;
          images = [];
          break;
        case 'forget':
          value = result.draft;
          await this.history.remove(result.entry);
          break;
        case 'send': {
          const template = result.templateId === undefined ? undefined : templates.find((t) => t.id === result.templateId);
          const typed = result.text.trim();
          const request = template ? applyTemplate(template, typed) : typed;
          if (request !== '') return { request, typed, images };
          value = result.text;
          break;
        }
      }
    }
  }

  private templates(): PromptTemplate[] {
    const { templates, problems } = mergeTemplates(BUILT_IN_TEMPLATES, this.deps.settings.get('prompt.templates'));
    const key = problems.join('\n');
    if (key !== '' && key !== this.reportedTemplateProblems) {
      // Once per distinct set of problems, not on every send.
      for (const problem of problems) this.log.warn(`codegen.prompt.templates: ${problem}`);
    }
    this.reportedTemplateProblems = key;
    return templates;
  }

  private async attachImages(already: readonly AttachedImage[]): Promise<AttachedImage[]> {
    const uris = await this.ui.pickFiles({
      title: vscode.l10n.t('Codegen: attach images to the run'),
      openLabel: vscode.l10n.t('Attach'),
      filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS },
      canSelectMany: true,
    });
    if (!uris || uris.length === 0) return [];
    const maxBytes = this.maxImageBytes;
    const attached: AttachedImage[] = [];
    const problems: string[] = [];
    for (const uri of uris) {
      const key = uri.toString();
      const name = path.posix.basename(uri.path);
      if (already.some((image) => image.key === key) || attached.some((image) => image.key === key)) continue;
      if (already.length + attached.length >= MAX_IMAGES) {
        problems.push(vscode.l10n.t('{0}: a run can have at most {1} images.', name, MAX_IMAGES));
        continue;
      }
      try {
        // The size is checked before reading, so a huge file is never loaded.
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > maxBytes) {
          throw new ImageAttachmentError('too-large', vscode.l10n.t('{0} is {1}; images can be at most {2}.', name, formatBytes(stat.size), formatBytes(maxBytes)));
        }
        const bytes = await vscode.workspace.fs.readFile(uri);
        attached.push({ key, name, dataUri: imageToDataUri(name, bytes, maxBytes) });
      } catch (error) {
        problems.push(error instanceof ImageAttachmentError ? error.message : vscode.l10n.t('{0} could not be read: {1}', name, messageOf(error)));
      }
    }
    if (attached.length > 0) this.log.info(`Attached ${attached.length} image(s) to the next run.`);
    if (problems.length > 0) {
      this.log.warn(`Images not attached: ${problems.join(' ')}`);
      const message =
        problems.length === 1
          ? vscode.l10n.t('Image not attached: {0}', problems[0] ?? '')
          : vscode.l10n.t('{0} images were not attached: {1}', problems.length, problems.join(' '));
      void this.ui.showMessage({ severity: 'error', message });
    }
    return attached;
  }

  // ---- context and guards -----------------------------------------------------------------------

  private async prepareForDocument(snapshot: DocumentSnapshot, request: string, git: RepositoryGitInfo | undefined): Promise<BuiltContext | undefined> {
    const input: BuildContextInput = {
      request,
      document: { ...snapshot.source, relativePath: relativePathOf(snapshot.uri, git) },
      selections: snapshot.selections,
      mode: snapshot.mode,
      git: gitInfoOf(git),
      diagnostics: snapshot.diagnostics,
      maxChars: this.maxChars,
      extensionVersion: this.version,
    };
    const built = buildContext(input);
    if (!built.overLimit) return withRange(built);
    const maxChars = this.maxChars;
    const choice = await this.ui.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('The prompt is {0} characters, over the limit of {1}.', built.charCount.toLocaleString('en-US'), maxChars.toLocaleString('en-US')),
      detail: vscode.l10n.t(
        'Trim cuts the code to fit (your request stays whole and the prompt says what was left out). Send anyway sends everything. The limit is the setting codegen.context.maxChars.',
      ),
      actions: [trim(), sendAnyway()],
    });
    if (choice === sendAnyway()) return withRange(built);
    if (choice !== trim()) return undefined;
    const trimmed = trimContext(input);
    if (!trimmed.overLimit) return withRange(trimmed);
    const again = await this.ui.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t(
        'Even without the code the prompt is {0} characters: your request alone is over the limit of {1}.',
        trimmed.charCount.toLocaleString('en-US'),
        maxChars.toLocaleString('en-US'),
      ),
      actions: [sendAnyway()],
    });
    return again === sendAnyway() ? withRange(trimmed) : undefined;
  }

  private async prepareBare(request: string, git: RepositoryGitInfo | undefined): Promise<BuiltContext | undefined> {
    const title = makeTitle(request);
    const metadata: Record<string, unknown> = { source: 'vscode' };
    if (this.version !== '') metadata['extension_version'] = this.version;
    const info = gitInfoOf(git);
    if (info?.branch !== undefined) metadata['branch'] = info.branch;
    if (info?.commit !== undefined) metadata['commit'] = info.commit;
    const repoFullName = info?.remoteUrl !== undefined ? parseGitRemote(info.remoteUrl) : undefined;
    if (repoFullName !== undefined) metadata['repo_full_name'] = repoFullName;
    metadata['title'] = title;
    metadata['mode'] = 'prompt';
    const prompt = request;
    const maxChars = this.maxChars;
    if (prompt.length > maxChars) {
      const choice = await this.ui.showMessage({
        severity: 'warning',
        modal: true,
        message: vscode.l10n.t('Your request is {0} characters, over the limit of {1}.', prompt.length.toLocaleString('en-US'), maxChars.toLocaleString('en-US')),
        detail: vscode.l10n.t('The limit is the setting codegen.context.maxChars.'),
        actions: [sendAnyway()],
      });
      if (choice !== sendAnyway()) return undefined;
    }
    return { prompt, metadata, title, charCount: prompt.length, truncated: false, overLimit: prompt.length > maxChars };
  }

  /** Scans what is about to be sent; true to go on. Findings name the kind and line, never the secret. */
  private async confirmNoSecrets(prompt: string, metadata: Record<string, unknown>, source: SourceText | undefined): Promise<boolean> {
    let findings: LocatedFinding[];
    try {
      findings = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Codegen: checking the prompt for secrets') },
        () => this.scanForSecrets(prompt, metadata, source),
      );
    } catch (error) {
      this.log.error(`The secret scan could not run: ${messageOf(error)}`);
      const sendWithoutChecking = vscode.l10n.t('Send without checking');
      const choice = await this.ui.showMessage({
        severity: 'warning',
        modal: true,
        message: vscode.l10n.t('Codegen could not check the prompt for secrets.'),
        detail: vscode.l10n.t('{0}\n\nSend it without the check?', messageOf(error)),
        actions: [sendWithoutChecking],
      });
      return choice === sendWithoutChecking;
    }
    if (findings.length === 0) return true;
    this.log.warn(`Secret scan: ${findings.length} possible secret(s): ${findings.map((f) => `${f.kind} ${f.where}`).join('; ')}.`);
    const choice = await this.ui.showMessage({
      severity: 'warning',
      modal: true,
      message:
        findings.length === 1
          ? vscode.l10n.t('What you are about to send may contain a secret.')
          : vscode.l10n.t('What you are about to send may contain {0} secrets.', findings.length),
      detail:
        findings.length === 1
          ? vscode.l10n.t("{0}\n\nCodegen's agent, its logs and the pull request could expose it. Cancel and remove it from the selection, or send anyway.", describeFindings(findings))
          : vscode.l10n.t("{0}\n\nCodegen's agent, its logs and the pull request could expose them. Cancel and remove them from the selection, or send anyway.", describeFindings(findings)),
      actions: [sendAnyway()],
    });
    return choice === sendAnyway();
  }

  private async scanForSecrets(prompt: string, metadata: Record<string, unknown>, source: SourceText | undefined): Promise<LocatedFinding[]> {
    const scanner = this.loadScanner();
    const fileName = source ? path.posix.basename(source.label) : undefined;
    const inPrompt = locateFindings(await scanner.scanForSecrets(prompt, { fileName }), prompt, source, 'prompt');
    // The metadata repeats parts of the prompt (title, file, branch); only findings of other kinds are new.
    const inMetadata = locateFindings(await scanner.scanForSecrets(JSON.stringify(metadata, null, 2), { fileName: 'metadata.json' }), '', undefined, 'metadata');
    return [...inPrompt, ...inMetadata.filter((finding) => !inPrompt.some((other) => other.kind === finding.kind))];
  }

  private loadScanner(): SecretScanModule {
    // A runtime require of the separate bundle keeps secretlint out of dist/extension.js.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.scanner ??= require(path.join(this.deps.context.extensionPath, 'dist', 'secretScan.js')) as SecretScanModule;
    return this.scanner;
  }

  // ---- repository -------------------------------------------------------------------------------

  /** The setting, else the git remote matched against the organization's repositories. Never rejects. */
  private async lookUpRepository(orgId: number, git: RepositoryGitInfo | undefined): Promise<RepositoryLookup> {
    const fromSetting = this.deps.settings.repositoryId;
    if (fromSetting !== undefined) {
      this.log.info(`Repository ${fromSetting} from the codegen.repositoryId setting.`);
      return { kind: 'chosen', repoId: fromSetting };
    }
    const fullName = git?.remoteUrl !== undefined ? parseGitRemote(git.remoteUrl) : undefined;
    if (fullName === undefined) {
      this.log.info("No git remote of the form owner/name: the run goes to the organization's default repository.");
      return { kind: 'chosen' };
    }
    try {
      const repository = await this.repositories.findByFullName(orgId, fullName);
      if (repository) {
        this.log.info(`The git remote ${fullName} is Codegen repository ${repository.id}.`);
        return { kind: 'chosen', repoId: repository.id };
      }
      this.log.info(`Organization ${orgId} has no repository named ${fullName}: the run goes to the organization's default repository.`);
      return { kind: 'chosen' };
    } catch (error) {
      this.log.warn(`Looking up the repository ${fullName} failed: ${messageOf(error)}`);
      return { kind: 'failed', fullName, error };
    }
  }

  /** The repo_id to send (undefined: the organization's default), or false when the user stops. */
  private async decideRepository(lookup: RepositoryLookup): Promise<number | undefined | false> {
    if (lookup.kind === 'chosen') return lookup.repoId;
    const useDefault = vscode.l10n.t("Use the organization's default");
    const choice = await this.ui.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('Codegen could not look up the repository {0}.', lookup.fullName),
      detail: vscode.l10n.t("{0}\n\nSend the run to the organization's default repository instead? Or set codegen.repositoryId.", messageOf(lookup.error)),
      actions: [useDefault],
    });
    return choice === useDefault ? undefined : false;
  }

  // ---- create -----------------------------------------------------------------------------------

  private async create(orgId: number, input: CreateRunInput, title: string, picked: PickedRequest): Promise<number | undefined> {
    for (;;) {
      this.log.info(
        `Creating a Codegen run in organization ${orgId}: ${input.prompt.length} characters${input.images ? `, ${input.images.length} image(s)` : ''}${input.repoId !== undefined ? `, repository ${input.repoId}` : ''}.`,
      );
      const outcome = await this.createWithProgress(orgId, input);
      if ('run' in outcome) {
        await this.created(outcome.run, title, picked);
        return outcome.run.id;
      }
      const { error } = outcome;
      const mayExist =
        outcome.cancelledWhileSending ||
        (isApiError(error) && (error.details.mayHaveBeenCreated === true || (error.kind === 'malformed' && (error.status ?? 0) >= 200 && (error.status ?? 0) < 300)));
      if (mayExist) {
        this.log.warn(`Creating the run may have succeeded: ${messageOf(error)}`);
        void this.deps.runs.refreshNow();
        void this.ui.showMessage({
          severity: 'warning',
          message: vscode.l10n.t('Codegen may have created the run: no answer arrived. The Runs view is refreshed; check it before sending again.'),
        });
        return undefined;
      }
      if (isApiError(error, 'cancelled')) return this.notSent('creating the run was cancelled');
      if (isApiError(error, 'network') || isApiError(error, 'timeout') || isApiError(error, 'rateLimited')) {
        const advice = adviseOnError(error, 'Creating the Codegen run');
        this.log.error(advice.message);
        const showLog = vscode.l10n.t('Show log');
        const choice = await this.ui.showMessage({ severity: 'error', message: vscode.l10n.t('{0} Your request is kept.', advice.message), actions: [retry(), showLog] });
        if (choice === retry()) continue;
        if (choice === showLog) this.log.show();
        return undefined;
      }
      void showError(this.ui, this.log, error, 'Creating the Codegen run');
      return undefined;
    }
  }

  private createWithProgress(orgId: number, input: CreateRunInput): Thenable<CreateOutcome> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Codegen', cancellable: true },
      async (progress, token): Promise<CreateOutcome> => {
        const creating = vscode.l10n.t('Creating the run…');
        progress.report({ message: creating });
        const countdown = new WaitCountdown(
          this.clock,
          (seconds) => progress.report({ message: vscode.l10n.t('Waiting for the rate limit: {0} s', seconds) }),
          () => progress.report({ message: creating }),
        );
        const controller = new AbortController();
        let cancelledWhileSending = false;
        const subscriptions = [
          this.deps.governor.onDidWait((event) => {
            if (event.rateClass === 'create') {
              this.log.info(`Creating the run waits ${Math.ceil(event.waitMs / 1000)} s for the rate limit (${event.reason}).`);
              countdown.start(event.waitMs);
            }
          }),
          token.onCancellationRequested(() => {
            // Cancelling a wait is safe; once the request is out, the run may already exist.
            cancelledWhileSending = !countdown.active;
            controller.abort();
          }),
        ];
        try {
          return { run: await this.deps.session.api.createRun(orgId, input, { signal: controller.signal }) };
        } catch (error) {
          return { error, cancelledWhileSending };
        } finally {
          countdown.dispose();
          for (const s of subscriptions) s.dispose();
        }
      },
    );
  }

  private async created(run: AgentRun, title: string, picked: PickedRequest): Promise<void> {
    const { store } = this.deps.runs;
    store.upsert(run, { createdHere: true });
    void this.deps.runs.refreshNow();
    this.log.info(`Created Codegen run ${run.id}.`);
    this.draft = undefined;
    if (picked.typed !== '') await this.history.add(picked.typed);
    void this.announce(run, title);
  }

  private async announce(run: AgentRun, title: string): Promise<void> {
    const choice = await this.ui.showMessage({ severity: 'info', message: vscode.l10n.t('Codegen started run #{0}: {1}', run.id, title), actions: [showDetails()] });
    if (choice !== showDetails()) return;
    try {
      await vscode.commands.executeCommand('codegen.showRunDetails', run.id);
    } catch (error) {
      this.log.warn(`Could not show the run's details: ${messageOf(error)}`);
      if (run.webUrl) await this.ui.openExternal(run.webUrl);
    }
  }

  // ---- settings ---------------------------------------------------------------------------------

  private get maxChars(): number {
    const value = Number(this.deps.settings.get('context.maxChars'));
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : DEFAULT_MAX_CHARS;
  }

  private get maxImageBytes(): number {
    const value = Number(this.deps.settings.get('images.maxBytes'));
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : DEFAULT_MAX_IMAGE_BYTES;
  }

  private get reviewBeforeSend(): boolean {
    return this.deps.settings.get('prompt.reviewBeforeSend') === true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.repositories.clear();
  }
}

// ---- helpers ------------------------------------------------------------------------------------

/** The editor a command from a menu was invoked on (menus pass the document's uri), else the active one. */
function editorFor(argument: unknown): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (!(argument instanceof vscode.Uri)) return active;
  const wanted = argument.toString();
  if (active?.document.uri.toString() === wanted) return active;
  return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === wanted);
}

function toSelectionRange(selection: vscode.Selection): SelectionRange {
  return { startLine: selection.start.line, startCharacter: selection.start.character, endLine: selection.end.line, endCharacter: selection.end.character };
}

const SEVERITY_NAMES: Record<vscode.DiagnosticSeverity, DiagnosticSeverityName> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

function toDiagnosticInfo(diagnostic: vscode.Diagnostic): DiagnosticInfo {
  const info: DiagnosticInfo = {
    startLine: diagnostic.range.start.line,
    endLine: diagnostic.range.end.line,
    severity: SEVERITY_NAMES[diagnostic.severity] ?? 'info',
    message: diagnostic.message,
  };
  if (diagnostic.source) info.source = diagnostic.source;
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  if (code !== undefined && code !== '') info.code = String(code);
  return info;
}

function labelOf(document: vscode.TextDocument): string {
  return document.isUntitled ? path.posix.basename(document.uri.path) : vscode.workspace.asRelativePath(document.uri, hasSeveralFolders());
}

function hasSeveralFolders(): boolean {
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
}

function snapshotOf(target: Extract<Target, { kind: 'document' }>): DocumentSnapshot {
  const { document } = target;
  return {
    uri: document.uri,
    source: {
      untitledName: document.isUntitled ? path.posix.basename(document.uri.path) : undefined,
      isUntitled: document.isUntitled,
      isDirty: document.isDirty,
      languageId: document.languageId,
      text: document.getText(),
      eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    },
    selections: target.selections,
    mode: target.mode,
    diagnostics: vscode.languages.getDiagnostics(document.uri).map(toDiagnosticInfo),
    label: labelOf(document),
  };
}

/**
 * The path the agent will find the file at: relative to the git repository's root when git knows it (the
 * workspace may be a subfolder of the repository), else to the workspace folder, else just the name.
 */
function relativePathOf(uri: vscode.Uri, git: RepositoryGitInfo | undefined): string | undefined {
  if (uri.scheme === 'untitled') return undefined;
  if (git && git.rootUri.scheme === uri.scheme) {
    const relative = path.posix.relative(git.rootUri.path, uri.path);
    if (relative !== '' && !relative.startsWith('..') && !path.posix.isAbsolute(relative)) return relative;
  }
  if (vscode.workspace.getWorkspaceFolder(uri)) return vscode.workspace.asRelativePath(uri, hasSeveralFolders());
  return path.posix.basename(uri.path);
}

function gitInfoOf(git: RepositoryGitInfo | undefined): GitInfo | undefined {
  if (!git) return undefined;
  const info: GitInfo = {};
  if (git.remoteUrl !== undefined) info.remoteUrl = git.remoteUrl;
  if (git.branch !== undefined) info.branch = git.branch;
  if (git.commit !== undefined) info.commit = git.commit;
  return info;
}

/** Adds `range`, the span of the sent lines, next to the context builder's `ranges`. */
function withRange(built: BuiltContext): BuiltContext {
  const ranges = built.metadata['ranges'];
  if (!Array.isArray(ranges) || ranges.length === 0) return built;
  const spans = ranges as Array<{ start_line: number; end_line: number }>;
  const range = { start_line: Math.min(...spans.map((r) => r.start_line)), end_line: Math.max(...spans.map((r) => r.end_line)) };
  return { ...built, metadata: { ...built.metadata, range } };
}

function sourceTextOf(snapshot: DocumentSnapshot, metadata: Record<string, unknown>): SourceText {
  const ranges = Array.isArray(metadata['ranges'])
    ? (metadata['ranges'] as Array<{ start_line: number; end_line: number }>).map((r) => ({ startLine: r.start_line, endLine: r.end_line }))
    : [];
  const file = typeof metadata['file'] === 'string' ? metadata['file'] : snapshot.label;
  return { label: file, text: snapshot.source.text, ranges };
}

function selectionLabel(selections: readonly SelectionRange[]): string {
  const lines = selections
    .filter((s) => s.startLine !== s.endLine || s.startCharacter !== s.endCharacter)
    .map((s) => {
      const start = Math.min(s.startLine, s.endLine) + 1;
      const end = Math.max(s.startLine, s.endLine) + 1;
      return start === end ? `${start}` : `${start}-${end}`;
    });
  return lines.join(',');
}

function templateSummary(template: PromptTemplate): string {
  const text = template.text.split('{request}').join('…').replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
