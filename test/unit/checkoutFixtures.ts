// What the check-out tests share: the user's work in progress (an unstaged edit, a staged edit, an untracked
// file), the check that it is all still there, and the switched result.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SwitchResult } from '../../src/changes/checkout';
import { clientGit, writeFiles } from '../simulator/gitWorkspace';

/** Leaves an unstaged edit (README.md), a staged edit (src/util.ts) and an untracked file (notes/todo.txt) in `clone`. */
export function makeDirty(clone: string): void {
  writeFiles(clone, { 'README.md': 'my unstaged edit\n', 'src/util.ts': 'my staged edit\n', 'notes/todo.txt': 'my untracked file\n' });
  clientGit(clone, ['add', 'src/util.ts']);
}

/** The work makeDirty left is all there, the staged edit still staged. */
export function assertDirtyAsMade(clone: string): void {
  assert.equal(readFileSync(path.join(clone, 'README.md'), 'utf8'), 'my unstaged edit\n');
  assert.equal(clientGit(clone, ['show', ':src/util.ts']).trim(), 'my staged edit', 'the staged edit is in the index');
  assert.equal(readFileSync(path.join(clone, 'notes', 'todo.txt'), 'utf8'), 'my untracked file\n');
}

/** The result, asserted to be a switch. */
export function switched(result: SwitchResult): Extract<SwitchResult, { kind: 'switched' }> {
  assert.equal(result.kind, 'switched', JSON.stringify(result));
  if (result.kind !== 'switched') throw new Error('unreachable');
  return result;
}
