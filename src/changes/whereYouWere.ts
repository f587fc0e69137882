// Where you were: per repository, each checkout's departure (the HEAD it left and the stash it made), kept in
// the workspace's state so that a window reload forgets none of them; and the commit this extension last set
// each local PR branch to, so a force-pushed PR branch can follow when the local one holds nothing of the
// user's. Checkouts stack: Switch back returns to the last departure and restores its stash where it was made;
// the next Switch back goes on to the one before. Stashes no record names are still found by their message.

import { StateKeys } from '../ids';
import { stashAndSwitch, switchBack, type SwitchBackResult, type SwitchRequest, type SwitchResult } from './checkout';
import type { GitRunner } from './gitRunner';
import { codegenStashes, KeptStashError, type PreviousHead, type SavedStash } from './stashes';

/** The part of VS Code's Memento used here (workspaceState in the extension; a map in tests). */
export interface StateMemento {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** What a checkout left behind, to switch back to. */
export interface Departure {
  root: string;
  runId: number;
  /** The branch the checkout switched to. */
  branch: string;
  previous: PreviousHead;
  stash: SavedStash | undefined;
}

interface Stored {
  departures: Departure[];
  /** `<root>\0<branch>` → the commit this extension last set that local branch to. */
  ownTips: Record<string, string>;
  /** `<root>\0<run id>` → the commit the run's review showed: Check out takes it, or asks when the branch moved since (kept across reloads). */
  reviewedTips: Record<string, string>;
}

const MAX_DEPARTURES = 50;
/** How many own tips, and how many reviewed tips, are kept (the newest). */
const MAX_REMEMBERED_TIPS = 200;
const SHA = /^[0-9a-f]{40,64}$/;

export class WhereYouWere {
  constructor(
    private readonly state: StateMemento,
    private readonly key: string = StateKeys.checkouts,
  ) {}

  /** The departures from `root`, oldest first (the last is where Switch back goes). */
  departures(root: string): Departure[] {
    return this.read().departures.filter((departure) => departure.root === root);
  }

  /** The repository of the latest checkout, if any is recorded. */
  latestRoot(): string | undefined {
    return this.read().departures.at(-1)?.root;
  }

  ownTip(root: string, branch: string): string | undefined {
    return this.read().ownTips[`${root}\0${branch}`];
  }

  async push(departure: Departure): Promise<void> {
    const stored = this.read();
    await this.write({ ...stored, departures: [...stored.departures, departure].slice(-MAX_DEPARTURES) });
  }

  /** Replaces the last departure from `root` (or removes it, without `next`). */
  async replaceLast(root: string, next?: Departure): Promise<void> {
    const stored = this.read();
    const index = stored.departures.map((departure) => departure.root).lastIndexOf(root);
    if (index < 0) return;
    const departures = [...stored.departures];
    departures.splice(index, 1, ...(next ? [next] : []));
    await this.write({ ...stored, departures });
  }

  async setOwnTip(root: string, branch: string, sha: string): Promise<void> {
    const stored = this.read();
    await this.write({ ...stored, ownTips: withLatest(stored.ownTips, `${root}\0${branch}`, sha) });
  }

  reviewedTip(root: string, runId: number): string | undefined {
    return this.read().reviewedTips[`${root}\0${runId}`];
  }

  async setReviewedTip(root: string, runId: number, sha: string): Promise<void> {
    const stored = this.read();
    await this.write({ ...stored, reviewedTips: withLatest(stored.reviewedTips, `${root}\0${runId}`, sha) });
  }

  private read(): Stored {
    const value = this.state.get(this.key);
    const record = value && typeof value === 'object' ? (value as Partial<Record<keyof Stored, unknown>>) : {};
    const departures = Array.isArray(record.departures) ? record.departures.filter(isDeparture) : [];
    return { departures, ownTips: shaRecord(record.ownTips), reviewedTips: shaRecord(record.reviewedTips) };
  }

  private async write(stored: Stored): Promise<void> {
    await this.state.update(this.key, stored);
  }
}

/** The entries of a stored record whose values are commit ids (anything else is dropped). */
function shaRecord(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (value && typeof value === 'object') for (const [key, sha] of Object.entries(value)) if (typeof sha === 'string' && SHA.test(sha)) record[key] = sha;
  return record;
}

/** `record` with `key` set last (the newest), the oldest dropped past MAX_REMEMBERED_TIPS. */
function withLatest(record: Record<string, string>, key: string, sha: string): Record<string, string> {
  const entries: Array<[string, string]> = [...Object.entries(record).filter(([name]) => name !== key), [key, sha]];
  return Object.fromEntries(entries.slice(-MAX_REMEMBERED_TIPS));
}

function isDeparture(value: unknown): value is Departure {
  if (!value || typeof value !== 'object') return false;
  const d = value as Record<string, unknown>;
  const previous = d.previous as Record<string, unknown> | undefined;
  const previousOk = !!previous && ((previous.kind === 'branch' && typeof previous.name === 'string') || (previous.kind === 'detached' && typeof previous.sha === 'string' && SHA.test(previous.sha)));
  const stash = d.stash as Record<string, unknown> | undefined;
  const stashOk = stash === undefined || stash === null || (typeof stash.sha === 'string' && SHA.test(stash.sha) && typeof stash.message === 'string');
  return typeof d.root === 'string' && typeof d.runId === 'number' && typeof d.branch === 'string' && previousOk && stashOk;
}

/**
 * stashAndSwitch, with the record kept: the branch's own tip is passed in (a force-pushed branch follows), and a
 * checkout, or a failure that left the changes in a stash, is recorded for Switch back.
 */
export async function checkOutAndRecord(runner: GitRunner, where: WhereYouWere, root: string, request: Omit<SwitchRequest, 'ownTip'>): Promise<SwitchResult> {
  const ownTip = where.ownTip(root, request.branch);
  let result: SwitchResult;
  try {
    result = await stashAndSwitch(runner, root, { ...request, ...(ownTip !== undefined ? { ownTip } : {}) });
  } catch (error) {
    if (error instanceof KeptStashError) await where.push({ root, runId: request.runId, branch: request.branch, previous: error.previous, stash: error.stash });
    throw error;
  }
  if (result.kind !== 'switched') return result;
  if (result.createdBranch || result.fastForwarded || result.movedFrom !== undefined) await where.setOwnTip(root, result.branch, result.tipSha);
  const last = where.departures(root).at(-1);
  const departure: Departure = { root, runId: request.runId, branch: result.branch, previous: result.previous, stash: result.stash };
  // From a branch the last checkout switched to, with nothing stashed: Switch back still goes to where that one came from.
  if (last && !result.stash && result.previous.kind === 'branch' && result.previous.name === last.branch) await where.replaceLast(root, { ...last, branch: result.branch, runId: request.runId });
  else await where.push(departure);
  return result;
}

export type SwitchBackOutcome =
  /** No checkout is recorded for the repository; `stashes`: the stashes this extension made that are still listed there. */
  | { kind: 'nothingRecorded'; root: string | undefined; stashes: SavedStash[] }
  | (SwitchBackResult & {
      departure: Departure;
      /** Departures still recorded for the repository, oldest first (Switch back goes on to the last). */
      remaining: Departure[];
      /** Stashes this extension made that no departure names (kept after a conflict, or from a lost record). */
      otherStashes: SavedStash[];
    });

/** Switches back from the last checkout in `root` (default: the latest repository), restoring its stash. */
export async function switchBackAndRecord(runner: GitRunner, where: WhereYouWere, root?: string): Promise<SwitchBackOutcome> {
  const repository = root ?? where.latestRoot();
  const departure = repository === undefined ? undefined : where.departures(repository).at(-1);
  if (repository === undefined || !departure) return { kind: 'nothingRecorded', root: repository, stashes: repository === undefined ? [] : await codegenStashes(runner, repository) };
  const result = await switchBack(runner, repository, departure.previous, departure.stash ? { restoreStash: departure.stash } : {});
  if (result.kind === 'switchedBack') await where.replaceLast(repository);
  const remaining = where.departures(repository);
  const named = new Set(remaining.map((d) => d.stash?.sha).filter((sha): sha is string => sha !== undefined));
  if (result.kind !== 'switchedBack' && departure.stash) named.add(departure.stash.sha);
  const otherStashes = (await codegenStashes(runner, repository)).filter((stash) => !named.has(stash.sha));
  return { ...result, departure, remaining, otherStashes };
}
