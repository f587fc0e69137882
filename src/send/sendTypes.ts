// The shapes of the send pipeline: what is sent (the target), what the user asked (the request), how each
// entry point answers the pipeline's questions (SendDialogs), what the pipeline needs from the extension
// (SendHost), and what came of it (SendOutcome). No vscode here: what the pipeline needs from the editor
// (the API session, settings, the run store, the secret scanner) comes in through SendHost.

import type { AgentRun, CodegenApi, CreateRunInput } from '../api/types';
import type { GitRunner } from '../changes/gitRunner';
import type { GitRemote } from '../changes/remotes';
import type { DiagnosticInfo, GitInfo, SelectionRange, SourceDocument } from '../context';
import type { PromptHistory } from '../context/history';
import type { Clock } from '../util/clock';
import type { Log } from '../util/log';
import type { SecretFinding } from '../secrets-scan';
import type { LocatedFinding } from './secretFindings';

/** Every way work is sent. All of them go through the same steps, so no guard can be skipped. */
export type SendOrigin = 'runOnSelection' | 'runOnFile' | 'newRun' | 'quickFix' | 'todo' | 'chat' | 'tool' | 'api';

/** Git as known for the sent file (or the workspace): sent with the run, and used to match the repository. */
export interface GitContext extends GitInfo {
  /** The repository root as a path (posix), to make the file's path relative to it. */
  rootPath?: string;
  /**
   * The repository's remotes: the repository decision chooses among them (chooseRemote, as bringing back does)
   * the one whose owner/name the organization has, and `remoteUrl` becomes its URL. Without them, `remoteUrl` is used.
   */
  remotes?: GitRemote[];
  /** The remote the current branch tracks (ranks first among remotes that fit). */
  trackingRemote?: string;
  /** The repository root as a file system path (for git commands). */
  root?: string;
}

/** Code from an editor: the document as it was when the work was sent. */
export interface DocumentTarget {
  kind: 'document';
  /** Shown in titles and dialogs: workspace-relative path or untitled name. */
  label: string;
  source: Omit<SourceDocument, 'relativePath'>;
  selections: SelectionRange[];
  mode: 'selection' | 'file';
  diagnostics: DiagnosticInfo[];
  /** The path the agent will find the file at, once git is known. */
  relativePath(git: GitContext | undefined): string | undefined;
  /** Git of the repository holding the file. */
  git(): Promise<GitContext | undefined>;
  /** Extra sections appended to the prompt (e.g. the comment a TODO action delegates). */
  notes?: string[];
}

/** A bare request, with the workspace's git for the repository. */
export interface BareTarget {
  kind: 'bare';
  git(): Promise<GitContext | undefined>;
  /** Extra context appended to the request (chat references, tool file references). */
  attachments?: Array<{ label: string; text: string }>;
}

export type SendTarget = DocumentTarget | BareTarget;

export interface AttachedImage {
  key: string;
  name: string;
  dataUri: string;
}

/** What the user asked. */
export interface PickedRequest {
  /** The request to send (a template applied). */
  request: string;
  /** What the user typed or chose from history; kept in the history after a successful send. */
  typed: string;
  images: AttachedImage[];
  /** "Send to several agents…" in the picker: how many (2-4). */
  attempts?: number;
  /** "Start from my uncommitted changes…" in the picker: their files are listed and confirmed before anything is pushed. */
  fromUncommitted?: boolean;
}

/** How the send started: the target, and a request already known (chat, tools, the API) or a starting value. */
export interface SendInput {
  origin: SendOrigin;
  target: SendTarget;
  /** A request known up front: the picker is not asked (chat, tools, the API). */
  request?: PickedRequest;
  /** Overrides of the settings for this run (the exported API). */
  overrides?: Pick<CreateRunInput, 'repoId' | 'model' | 'agentType'>;
  /** Merged into the run's metadata (source stays the extension's). */
  metadata?: Record<string, unknown>;
  /** The prompt size limit for this send, instead of the setting (the API's own limit). */
  maxChars?: number;
  /** Several agents on one request: 2 to 4 runs of the same prompt (one attempt group). Absent: one run. */
  attempts?: number;
  /** Start from the uncommitted changes: true sends them without asking, false never; absent: interactive dialogs offer it. */
  includeUncommitted?: boolean;
}

export interface OverLimitInfo {
  charCount: number;
  maxChars: number;
  /** 'code': trimming the code can help; 'request': the request alone is over the limit. */
  stage: 'code' | 'request';
}

export type Readiness =
  | { kind: 'ready'; organizationId: number }
  | { kind: 'signedOut' }
  | { kind: 'noOrganization' }
  | { kind: 'configurationError'; message: string };

/** How one entry point answers the pipeline's questions. Non-interactive ones answer without asking. */
export interface SendDialogs {
  /** Fixes what is missing before a send (sign in, choose an organization); the organization, or undefined. */
  fixReadiness(readiness: Exclude<Readiness, { kind: 'ready' }>): Promise<number | undefined>;
  /** The request (the prompt picker). Only asked when SendInput.request is absent. */
  pickRequest(input: SendInput): Promise<PickedRequest | undefined>;
  overLimit(info: OverLimitInfo): Promise<'trim' | 'send' | 'cancel'>;
  /** Lets the user read and edit the whole prompt; undefined cancels. Absent: no review. */
  review?(prompt: string): Promise<string | undefined>;
  secretsFound(findings: readonly LocatedFinding[]): Promise<boolean>;
  scanFailed(message: string): Promise<boolean>;
  /** The repository could not be looked up (not an auth problem): send to the organization's default? */
  repositoryLookupFailed(fullName: string, message: string): Promise<boolean>;
  /** The token or the access is the problem (401/403 at any step): say so; nothing is offered instead. */
  accessProblem(error: unknown, step: string): Promise<void>;
  /** Runs the create; `signal` cancels; `sendingStarted` tells whether cancelling now may leave a run. `attempt`: which of several agents. */
  creating<T>(task: (signal: AbortSignal) => Promise<T>, attempt?: { attempt: number; count: number }): Promise<{ value: T } | { error: unknown; cancelledWhileSending: boolean }>;
  /** The create failed in a way a retry may fix (network, timeout, rate limit): 'retry' or 'stop'. */
  createFailed(message: string): Promise<'retry' | 'stop'>;
  /** Any other failure of the create. */
  failed(error: unknown, step: string): Promise<void>;
  /** No answer arrived but the run may exist: the list was refreshed instead of sending twice. */
  mayExist(): void;
  /** The run exists (already in the tree). */
  created(run: AgentRun, title: string): void;
  /** Nothing was sent; the request is kept by the caller. */
  notSent?(reason: NotSentReason): void;
  /** The repository has uncommitted changes (these files): 'include' them, send 'without', undefined cancels. Absent: not offered. */
  uncommittedChanges?(files: ReadonlyArray<{ status: string; path: string }>): Promise<'include' | 'without' | undefined>;
}

/** The runs of an attempt group (the first is the outcome's `run`); `incomplete` says why fewer were created. */
export interface AttemptsCreated {
  group: string;
  runs: AgentRun[];
  incomplete?: string;
}

export type NotSentReason =
  | 'notReady'
  | 'noRequest'
  | 'overLimit'
  | 'reviewCancelled'
  | 'secrets'
  | 'scanFailed'
  | 'repositoryLookup'
  | 'access'
  | 'cancelled'
  | 'failed'
  | 'baseBranch';

export type SendOutcome =
  | { kind: 'created'; run: AgentRun; title: string; attempts?: AttemptsCreated }
  | { kind: 'notSent'; reason: NotSentReason; message?: string }
  | { kind: 'mayExist' };

/** The secret scanner (secretScanner in secretGuard: secretlint, its own file loaded on first use). */
export interface SecretScanner {
  scanForSecrets(text: string, options?: { fileName?: string }): Promise<SecretFinding[]>;
}

/** Settings the pipeline reads, each read when needed. */
export interface SendSettings {
  maxChars(): number;
  reviewBeforeSend(): boolean;
  repositoryId(): number | undefined;
  model(): string | undefined;
  agentType(): 'codegen' | 'claude_code' | undefined;
}

/** What the pipeline needs from the extension. */
export interface SendHost {
  api: Pick<CodegenApi, 'createRun' | 'listRepositories'>;
  readiness(): Readiness;
  scanner(): SecretScanner;
  settings: SendSettings;
  history: PromptHistory;
  /** Puts a created run into the tree at once (before any list call) and polls soon. */
  runCreated(run: AgentRun): void;
  /** Polls the list now (after a create whose answer was lost). */
  refreshSoon(): void;
  extensionVersion: string;
  clock: Clock;
  log: Log;
  /** Git for "Include my uncommitted changes" (the trust-gated runner); absent: not offered. */
  gitRunner?: GitRunner;
}
