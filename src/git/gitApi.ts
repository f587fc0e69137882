// The editor's side of the one git layer (src/changes): the git runner behind the workspace's trust (in an
// untrusted workspace no git process starts), the workspace's local folders, the git facts sending needs (branch,
// commit, remotes of the file's repository), and telling the built-in git extension (`vscode.git`) to re-read a
// repository after the CLI changed it, which is all it is still used for. It may be missing, disabled or still
// starting: a refresh is then skipped, never an error.
import * as vscode from 'vscode';
import { CliGitRunner, isChangesError, readRepositoryInfo, repositoryOfFile, repositoryOfWorkspace, type GitRunner } from '../changes';
import { sendingGitContext } from '../send/repositoryDecision';
import type { GitContext } from '../send/sendTypes';
import type { Log } from '../util/log';

interface GitRepositoryLike {
  /** Re-reads the repository's state (after the CLI changed it). */
  status?(): Promise<void>;
}

interface GitApiLike {
  getRepository(uri: vscode.Uri): GitRepositoryLike | null;
  readonly repositories?: readonly GitRepositoryLike[];
}

interface GitExtensionLike {
  readonly enabled?: boolean;
  getAPI(version: 1): GitApiLike;
}

export const GIT_EXTENSION_ID = 'vscode.git';

export class GitAdapter {
  /** The one runner: sending and bringing back share it. */
  readonly runner: GitRunner = new CliGitRunner({ isTrusted: () => vscode.workspace.isTrusted });

  constructor(private readonly log: Log) {}

  /**
   * Git of the repository holding `uri` (or, without a uri or for an untitled file, of the workspace), as the
   * send pipeline takes it: undefined when there is none, when git fails, and in an untrusted workspace.
   */
  async contextFor(uri: vscode.Uri | undefined): Promise<GitContext | undefined> {
    const folders = localFolders();
    try {
      const root = uri && uri.scheme !== 'untitled' ? (uri.scheme === 'file' ? await repositoryOfFile(this.runner, folders, uri.fsPath) : undefined) : await repositoryOfWorkspace(this.runner, folders);
      if (root === undefined) return undefined;
      return { ...sendingGitContext(await readRepositoryInfo(this.runner, root), vscode.Uri.file(root).path), root };
    } catch (error) {
      const untrusted = isChangesError(error, 'untrustedWorkspace');
      this.log.debug(untrusted ? 'Git information not read: the workspace is not trusted.' : `Git information unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Tells the git extension that the CLI changed a repository (a checkout, an applied patch). */
  async refresh(rootPath: string): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    try {
      const api = await this.api();
      await api?.getRepository(vscode.Uri.file(rootPath))?.status?.();
    } catch (error) {
      this.log.debug(`Could not refresh the git view: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Re-reads every repository the git view shows (after a bring-back failed, whatever it had done); none while untrusted. */
  async refreshAll(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    try {
      const api = await this.api();
      for (const repository of api?.repositories ?? []) await repository.status?.();
    } catch (error) {
      this.log.debug(`Could not refresh the git view: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async api(): Promise<GitApiLike | undefined> {
    const extension = vscode.extensions.getExtension<GitExtensionLike>(GIT_EXTENSION_ID);
    if (!extension) return undefined;
    try {
      const exports = extension.isActive ? extension.exports : await extension.activate();
      if (!exports || exports.enabled === false || typeof exports.getAPI !== 'function') return undefined;
      return exports.getAPI(1);
    } catch (error) {
      this.log.debug(`The git extension is not available: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

/** The workspace's folders on this machine's disk (a virtual folder has no git here). */
export function localFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}
