// The one status reader: the state of the working tree and index, from `git status --porcelain=v2 -z --branch`:
// what is changed, untracked or conflicted (unmerged entries), where HEAD is, and every entry as git wrote it,
// to compare the tree before and after an operation. Everything that could lose work asks this first.

import { mustSucceed, type GitRunner } from './gitRunner';

export interface WorkingTreeState {
  /** The current branch; undefined when HEAD is detached. */
  branch: string | undefined;
  /** HEAD's commit; undefined in a repository without commits. */
  headSha: string | undefined;
  detached: boolean;
  /** Tracked paths with staged or unstaged changes (renames: the new path). */
  changed: string[];
  /** Of those, the paths whose working tree file differs from the index (not staged). */
  unstaged: string[];
  untracked: string[];
  /** Paths with unresolved merge conflicts. */
  conflicted: string[];
  /** True when anything at all is changed, untracked or conflicted. */
  dirty: boolean;
  /** Every changed, untracked or conflicted path with its whole status entry (index objects included): equal entries, equal state. */
  entries: Map<string, string>;
}

export interface StatusEntry {
  /** `1` changed, `2` renamed or copied, `u` unmerged, `?` untracked, `!` ignored, `#` header. */
  kind: string;
  /** The path (for `2`: the new one); for a header, its text. */
  path: string;
  /** The whole entry as git wrote it (with the original path of a rename): equal entries, equal state. */
  raw: string;
}

const PATH_AFTER_SPACES: Readonly<Record<string, number>> = { '1': 8, '2': 9, u: 10, '?': 1, '!': 1, '#': 1 };

/** Splits `git status --porcelain=v2 -z` output into entries (paths may hold spaces; a rename has two fields). */
export function parseStatusEntries(output: string): StatusEntry[] {
  const fields = output.split('\0');
  const entries: StatusEntry[] = [];
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index] ?? '';
    if (field === '') continue;
    const kind = field.charAt(0);
    // `1 XY sub mH mI mW hH hI path`; `2 XY sub mH mI mW hH hI Xscore path` then the original path as its own field;
    // `u XY sub m1 m2 m3 mW h1 h2 h3 path`; `? path`.
    const path = afterSpaces(field, PATH_AFTER_SPACES[kind] ?? 1);
    const raw = kind === '2' ? `${field}\0${fields[++index] ?? ''}` : field;
    entries.push({ kind, path, raw });
  }
  return entries;
}

/** Parses `git status --porcelain=v2 -z --branch --untracked-files=all`. */
export function parseStatus(output: string): WorkingTreeState {
  const state: WorkingTreeState = { branch: undefined, headSha: undefined, detached: false, changed: [], unstaged: [], untracked: [], conflicted: [], dirty: false, entries: new Map() };
  for (const entry of parseStatusEntries(output)) {
    if (entry.kind !== '#') state.entries.set(entry.path, entry.raw);
    if (entry.kind === '#' && entry.raw.startsWith('# branch.oid ')) {
      const oid = entry.raw.slice('# branch.oid '.length);
      state.headSha = oid === '(initial)' ? undefined : oid;
    } else if (entry.kind === '#' && entry.raw.startsWith('# branch.head ')) {
      const head = entry.raw.slice('# branch.head '.length);
      state.detached = head === '(detached)';
      state.branch = state.detached ? undefined : head;
    } else if (entry.kind === '1' || entry.kind === '2') {
      state.changed.push(entry.path);
      if (entry.raw.charAt(3) !== '.') state.unstaged.push(entry.path);
    } else if (entry.kind === 'u') {
      state.conflicted.push(entry.path);
    } else if (entry.kind === '?') {
      state.untracked.push(entry.path);
    }
  }
  state.dirty = state.changed.length + state.untracked.length + state.conflicted.length > 0;
  return state;
}

/** The text after the `count`-th space. */
function afterSpaces(field: string, count: number): string {
  let position = -1;
  for (let seen = 0; seen < count; seen++) {
    position = field.indexOf(' ', position + 1);
    if (position < 0) return '';
  }
  return field.slice(position + 1);
}

export async function workingTreeState(runner: GitRunner, root: string): Promise<WorkingTreeState> {
  const args = ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--ignore-submodules=none'];
  return parseStatus((await mustSucceed(runner, root, args)).stdout);
}

/** The paths whose status entries differ between two states (changed, staged, conflicted, created or removed). */
export function differingPaths(before: WorkingTreeState, after: WorkingTreeState): string[] {
  const paths = new Set([...before.entries.keys(), ...after.entries.keys()]);
  return [...paths].filter((file) => before.entries.get(file) !== after.entries.get(file)).sort();
}
