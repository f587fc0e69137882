// A small, typed view of the built-in git extension (`vscode.git`, API version 1): which repository holds a
// file, its HEAD branch and commit, and its remotes. The extension may be missing, disabled or still
// starting; every answer is then "unknown", never an error. Only the few members used here are declared.
import * as vscode from 'vscode';
import type { GitInfo } from '../context';
import type { Log } from '../util/log';

interface GitBranchLike {
  readonly name?: unknown;
  readonly commit?: unknown;
  readonly upstream?: { readonly remote?: unknown } | undefined;
}

interface GitRemoteLike {
  readonly name?: unknown;
  readonly fetchUrl?: unknown;
  readonly pushUrl?: unknown;
}

interface GitRepositoryLike {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly HEAD?: GitBranchLike; readonly remotes?: readonly GitRemoteLike[] };
  /** Fetches with the editor's git (its credentials, its progress): API version 1. */
  fetch?(options: { remote?: string; ref?: string }): Promise<void>;
  /** Re-reads the repository's state (after the CLI changed it). */
  status?(): Promise<void>;
}

interface GitApiLike {
  readonly state?: 'uninitialized' | 'initialized';
  readonly onDidChangeState?: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepositoryLike[];
  getRepository(uri: vscode.Uri): GitRepositoryLike | null;
}

interface GitExtensionLike {
  readonly enabled?: boolean;
  getAPI(version: 1): GitApiLike;
}

export const GIT_EXTENSION_ID = 'vscode.git';
/** How long to wait for the git extension to find the workspace's repositories after it starts. */
const INITIALIZE_WAIT_MS = 3000;

/** What git knows about the repository holding a file, plus where that repository is. */
export interface RepositoryGitInfo extends GitInfo {
  rootUri: vscode.Uri;
}

export class GitAdapter {
  constructor(private readonly log: Log) {}

  /** The roots (file paths) of the repositories the git extension knows, e.g. nested in workspace folders. */
  async repositoryRoots(): Promise<string[]> {
    const api = await this.api();
    return api ? api.repositories.filter((r) => r.rootUri.scheme === 'file').map((r) => r.rootUri.fsPath) : [];
  }

  /** Fetches `branch` from `remoteName` with the editor's git; throws when the git extension cannot. */
  async fetch(rootPath: string, remoteName: string, branch: string): Promise<void> {
    const api = await this.api();
    const repository = api?.getRepository(vscode.Uri.file(rootPath));
    if (!repository?.fetch) throw new Error('the git extension does not know this repository');
    await repository.fetch({ remote: remoteName, ref: branch });
  }

  /** Tells the git extension that the CLI changed a repository (a checkout, an applied patch). */
  async refresh(rootPath: string): Promise<void> {
    try {
      const api = await this.api();
      await api?.getRepository(vscode.Uri.file(rootPath))?.status?.();
    } catch (error) {
      this.log.debug(`Could not refresh the git view: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Branch, commit and remote of the repository holding `uri` (or, without a uri or for an untitled file,
   * of the only repository or the first workspace folder's). Undefined when git does not know.
   */
  async infoFor(uri: vscode.Uri | undefined): Promise<RepositoryGitInfo | undefined> {
    const api = await this.api();
    if (!api) return undefined;
    try {
      const repository = this.repositoryFor(api, uri);
      return repository ? describe(repository) : undefined;
    } catch (error) {
      this.log.debug(`Git information unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The same, as the send pipeline takes it: the repository root as a path. */
  async contextFor(uri: vscode.Uri | undefined): Promise<(GitInfo & { rootPath?: string }) | undefined> {
    const info = await this.infoFor(uri);
    if (!info) return undefined;
    const { rootUri, ...rest } = info;
    return uri === undefined || rootUri.scheme === uri.scheme ? { ...rest, rootPath: rootUri.path } : rest;
  }

  private repositoryFor(api: GitApiLike, uri: vscode.Uri | undefined): GitRepositoryLike | undefined {
    if (uri && uri.scheme !== 'untitled') {
      const repository = api.getRepository(uri);
      if (repository) return repository;
      return undefined;
    }
    const repositories = api.repositories;
    if (repositories.length === 1) return repositories[0];
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? (api.getRepository(folder.uri) ?? undefined) : undefined;
  }

  private async api(): Promise<GitApiLike | undefined> {
    const extension = vscode.extensions.getExtension<GitExtensionLike>(GIT_EXTENSION_ID);
    if (!extension) return undefined;
    try {
      const exports = extension.isActive ? extension.exports : await extension.activate();
      if (!exports || exports.enabled === false || typeof exports.getAPI !== 'function') return undefined;
      const api = exports.getAPI(1);
      if (api.state === 'uninitialized' && api.onDidChangeState) await waitForInitialized(api);
      return api;
    } catch (error) {
      this.log.debug(`The git extension is not available: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

function waitForInitialized(api: GitApiLike): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      subscription?.dispose();
      resolve();
    };
    const timer = setTimeout(done, INITIALIZE_WAIT_MS);
    const subscription = api.onDidChangeState?.((state) => {
      if (state === 'initialized') done();
    });
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** HEAD and the remote worth naming: the upstream's, else `origin`, else the first with a URL. */
function describe(repository: GitRepositoryLike): RepositoryGitInfo {
  const head = repository.state.HEAD;
  const remotes = (repository.state.remotes ?? []).filter((r) => text(r.fetchUrl) ?? text(r.pushUrl));
  const upstreamName = text(head?.upstream?.remote);
  const remote =
    remotes.find((r) => upstreamName !== undefined && r.name === upstreamName) ?? remotes.find((r) => r.name === 'origin') ?? remotes[0];
  const info: RepositoryGitInfo = { rootUri: repository.rootUri };
  const remoteUrl = remote ? (text(remote.fetchUrl) ?? text(remote.pushUrl)) : undefined;
  if (remoteUrl !== undefined) info.remoteUrl = remoteUrl;
  const branch = text(head?.name);
  if (branch !== undefined) info.branch = branch;
  const commit = text(head?.commit);
  if (commit !== undefined) info.commit = commit;
  return info;
}
