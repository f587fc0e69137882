// The "Include my uncommitted changes" step of the send pipeline. Interactive entry points take it when the user
// chose "Start from my uncommitted changes…" in the request picker (then the exact list of files is shown and
// confirmed); an ordinary send never asks. Silent ones (tools, chat, the API) only when they ask
// (SendInput.includeUncommitted). Before the prompt is built: the snapshot (temporary index) and
// its commit object, so the prompt can name branch and commit. After the secret scan (which also reads the
// diff): the push. A failed create deletes the pushed branch again. The git is src/changes/baseBranch.ts.

import { chooseBaseRemote, commitSnapshot, deleteBaseBranch, hasUncommittedChanges, pushBaseBranch, snapshotWorkingTree, type WorkingTreeSnapshot } from '../changes/baseBranch';
import { baseBranchSentence } from '../changes/baseBranchPrompt';
import type { GitRunner } from '../changes/gitRunner';
import type { GitRemote } from '../changes/remotes';
import type { Log } from '../util/log';
import { locateFindings, type LocatedFinding } from './secretFindings';
import type { GitContext, PickedRequest, SecretScanner, SendDialogs, SendInput } from './sendTypes';

export interface PlannedBaseBranch {
  root: string;
  snapshot: WorkingTreeSnapshot;
  branch: string;
  commit: string;
  remote: GitRemote;
  /** The sentence for the prompt (baseBranchSentence). */
  sentence: string;
}

export type BaseBranchPlan = { kind: 'none' } | { kind: 'planned'; plan: PlannedBaseBranch } | { kind: 'stop'; cancelled: boolean; message: string };

/** Asks (or, for an explicit request, just checks) and prepares the base branch; nothing is pushed yet. */
export async function planBaseBranch(runner: GitRunner | undefined, git: GitContext | undefined, input: SendInput, picked: PickedRequest, dialogs: SendDialogs, chosenRemote: GitRemote | undefined, log: Log): Promise<BaseBranchPlan> {
  // Chosen in the picker: asked (the files listed). Explicit (silent entry points): done. Otherwise nothing runs.
  const asked = input.includeUncommitted ?? (picked.fromUncommitted === true && dialogs.uncommittedChanges ? undefined : false);
  if (asked === false) return { kind: 'none' };
  // The user chose it, or a caller asked for it: a refusal stops the send (the user is told; a caller gets the reason).
  const stop = async (message: string): Promise<BaseBranchPlan> => {
    if (asked === undefined) await dialogs.failed(new Error(message), 'Including your uncommitted changes');
    return { kind: 'stop', cancelled: false, message };
  };
  if (!runner || git?.root === undefined) return stop('Starting from your uncommitted changes needs a git repository in a trusted workspace.');
  const root = git.root;
  try {
    if (!(await hasUncommittedChanges(runner, root))) return await stop(`There are no uncommitted changes in ${root} to start from: nothing was sent. Send the request without "Start from my uncommitted changes".`);
    // Untrusted, unresolved conflicts, no commit yet: refused with the reason.
    const snapshot = await snapshotWorkingTree(runner, root);
    if (asked === undefined) {
      const choice = await dialogs.uncommittedChanges?.(snapshot.files.map((file) => ({ ...file })));
      if (choice === undefined) return { kind: 'stop', cancelled: true, message: 'Cancelled.' };
      if (choice === 'without') return { kind: 'none' };
    }
    const remote = chosenRemote ?? (await chooseBaseRemote(runner, root));
    const { branch, commit } = await commitSnapshot(runner, snapshot);
    log.info(`Starting from the uncommitted changes: ${snapshot.files.length} file(s) of ${root} as ${branch} (${commit.slice(0, 12)}), pushed to ${remote.name} after the secret scan.`);
    return { kind: 'planned', plan: { root, snapshot, branch, commit, remote, sentence: baseBranchSentence({ branch, commit }) } };
  } catch (error) {
    return stop(messageOf(error));
  }
}

/** The secret scan over the diff that goes with the run. */
export async function scanBaseBranch(scanner: SecretScanner, plan: PlannedBaseBranch): Promise<LocatedFinding[]> {
  const findings = await scanner.scanForSecrets(plan.snapshot.diff, { fileName: 'uncommitted.diff' });
  return locateFindings(findings, plan.snapshot.diff, undefined, 'prompt').map((finding) => ({ ...finding, where: `${finding.where.replace('of the prompt', 'of the diff of your uncommitted changes')}` }));
}

/** Pushes the branch; a refusal answers its message (nothing was left locally). */
export async function pushPlannedBaseBranch(runner: GitRunner, plan: PlannedBaseBranch): Promise<string | undefined> {
  try {
    await pushBaseBranch(runner, plan.root, plan.remote, plan.branch, plan.commit);
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

/** After a create that did not happen: the pushed branch is removed again (best effort, logged). */
export async function withdrawBaseBranch(runner: GitRunner, plan: PlannedBaseBranch, log: Log): Promise<void> {
  try {
    await deleteBaseBranch(runner, plan.root, plan.remote.name, plan.branch);
  } catch (error) {
    log.warn(`Could not delete ${plan.branch} from ${plan.remote.name}: ${messageOf(error)}`);
  }
}

/** What the run remembers of its base branch (in its metadata, kept with the run). */
export function baseBranchMetadata(plan: PlannedBaseBranch): Record<string, unknown> {
  return { base_branch: plan.branch, base_commit: plan.commit, base_remote: plan.remote.name };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
