// What "Delegate to Codegen" and "Fix with Codegen" send (src/delegate/todoRequest, diagnosticRequest):
// the request text and the lines selected with it.
import * as assert from 'node:assert/strict';
import type { DiagnosticInfo } from '../../src/context';
import { describeDiagnostic, diagnosticsRequest, MAX_LISTED_DIAGNOSTICS, rangeAround } from '../../src/delegate/diagnosticRequest';
import { commentSyntaxFor, DEFAULT_TODO_WORDS, findTodoOnLine } from '../../src/delegate/todoComments';
import { todoRequest, type TodoRequest } from '../../src/delegate/todoRequest';

/** The request for the TODO on `line` of `text`, counting the lines read. */
function requestFor(text: string, line: number, languageId = 'typescript', options: { maxLines?: number; contextLines?: number } = {}): TodoRequest & { reads: number } {
  const lines = text.split('\n');
  const syntax = commentSyntaxFor(languageId);
  const todo = findTodoOnLine(lines[line]!, syntax);
  assert.ok(todo, `no TODO on line ${line}`);
  let reads = 0;
  const result = todoRequest(todo, {
    fileLabel: 'src/names.ts',
    line,
    lineCount: lines.length,
    lineAt: (index) => {
      reads++;
      const value = lines[index];
      if (value === undefined) throw new Error(`read past the end: ${index}`);
      return value;
    },
    syntax,
    words: DEFAULT_TODO_WORDS,
    ...options,
  });
  return { ...result, reads };
}

const TS = [
  'import { a } from "a";', // 0
  '',
  'export function greet(names: string[]): string {', // 2
  '  const first = names[0];',
  '  // TODO: handle empty names', // 4
  '  //   and names of only spaces',
  '  return `Hello ${first}`;',
  '}', // 7
  '',
  '// FIXME: the cache never expires', // 9
  'export class Cache {',
  '  private map = new Map();',
  '  get(key: string) {',
  '    return this.map.get(key);',
  '  }',
  '}', // 15
  '',
  'export const x = 1; // HACK until v2', // 17
].join('\n');

describe('delegate: the request for a TODO', () => {
  it('names the file, the line and the text, the comment continued on its next lines', () => {
    const { request } = requestFor(TS, 4);
    assert.equal(request, 'Resolve this TODO in src/names.ts (line 5): handle empty names and names of only spaces\nRemove the comment once it is resolved.');
    assert.match(requestFor('// TODO', 0).request, /^Resolve this TODO comment in src\/names\.ts \(line 1\)\./);
  });

  it('selects the block the comment sits in, else the declaration below a comment on its own line, else the lines around', () => {
    assert.deepEqual(requestFor(TS, 4).range, { startLine: 2, endLine: 7 }, 'the function around it');
    assert.deepEqual(requestFor(TS, 9).range, { startLine: 9, endLine: 15 }, 'the class below it');
    assert.deepEqual(requestFor(TS, 17, 'typescript', { contextLines: 3 }).range, { startLine: 14, endLine: 17 }, 'top level, trailing code: lines around');
  });

  it('follows a doc comment to the declaration it documents', () => {
    const text = ['class A {', '  /**', '   * Greets.', '   * TODO: localise', '   */', '  greet(): string {', '    return "hi";', '  }', '', '  other() {}', '}'].join('\n');
    assert.deepEqual(requestFor(text, 3).range, { startLine: 0, endLine: 10 }, 'the class fits: all of it');
    assert.deepEqual(requestFor(text, 3, 'typescript', { maxLines: 8 }).range, { startLine: 1, endLine: 7 }, 'too large: the method documented');
    const open = requestFor(['/* TODO: split this', '   into two */', 'function f() {', '  return 1;', '}'].join('\n'), 0);
    assert.match(open.request, /split this into two$/m);
    assert.deepEqual(open.range, { startLine: 0, endLine: 4 });
  });

  it('goes on past "} else {" and multi-line signatures, and stops at the next declaration in Python', () => {
    const ts = ['// TODO: simplify', 'function f(', '  a: number,', '): number {', '  if (a) {', '    return 1;', '  } else {', '    return 2;', '  }', '}', 'const after = 1;'].join('\n');
    assert.deepEqual(requestFor(ts, 0).range, { startLine: 0, endLine: 9 });
    const py = ['def f(names):', '    # TODO: handle empty names', '    if names:', '        return names[0]', '    else:', '        return None', '', '', 'def g():', '    pass'].join('\n');
    assert.deepEqual(requestFor(py, 1, 'python').range, { startLine: 0, endLine: 5 });
  });

  it('stays within maxLines, reading a bounded number of lines even in a huge block', () => {
    const body = Array.from({ length: 5_000 }, (_, i) => `  const v${i} = ${i};`);
    const text = ['function huge() {', ...body.slice(0, 2_500), '  // TODO: split', ...body.slice(2_500), '}'].join('\n');
    const result = requestFor(text, 2_501, 'typescript', { maxLines: 40, contextLines: 5 });
    assert.deepEqual(result.range, { startLine: 2_496, endLine: 2_506 });
    assert.ok(result.reads < 200, `read ${result.reads} lines`);
  });
});

function diagnostic(startLine: number, severity: DiagnosticInfo['severity'], message: string, extra: Partial<DiagnosticInfo> = {}): DiagnosticInfo {
  return { startLine, endLine: startLine, severity, message, ...extra };
}

describe('delegate: the request for diagnostics', () => {
  it('one problem: its severity, source, code, line and message', () => {
    const request = diagnosticsRequest([diagnostic(11, 'error', "Argument of type 'string' is not assignable.", { source: 'ts', code: '2345' })], 'src/a.ts');
    assert.equal(request, "Fix this problem reported in src/a.ts:\n- Error [ts 2345] on line 12: Argument of type 'string' is not assignable.");
  });

  it('several: most severe first, then by line, duplicates once, bounded, messages one line', () => {
    const request = diagnosticsRequest(
      [
        diagnostic(30, 'warning', 'unused x', { source: 'eslint', code: 'no-unused-vars' }),
        diagnostic(40, 'hint', 'could be const'),
        diagnostic(20, 'error', 'type error\nsecond line'),
        diagnostic(5, 'error', 'first error', { endLine: 7 }),
        diagnostic(20, 'error', 'type error\nsecond line'),
      ],
      'src/a.ts',
    );
    assert.equal(
      request,
      [
        'Fix these 4 problems reported in src/a.ts:',
        '- Error on lines 6-8: first error',
        '- Error on line 21: type error second line',
        '- Warning [eslint no-unused-vars] on line 31: unused x',
        '- Hint on line 41: could be const',
      ].join('\n'),
    );
    const many = diagnosticsRequest(Array.from({ length: 30 }, (_, i) => diagnostic(i, i === 29 ? 'error' : 'warning', `w${i}`)), 'b.ts');
    const listed = many.split('\n').filter((line) => line.startsWith('- '));
    assert.equal(listed.length, MAX_LISTED_DIAGNOSTICS + 1);
    assert.equal(listed[0], '- Error on line 30: w29');
    assert.equal(listed.at(-1), '- … and 10 more (see the problem list below).');
    assert.ok(describeDiagnostic(diagnostic(0, 'info', 'x'.repeat(5_000))).length < 400);
  });

  it('rangeAround: the diagnostics with context lines, clamped, or around the most severe one when too far apart', () => {
    assert.deepEqual(rangeAround([diagnostic(10, 'error', 'a'), diagnostic(14, 'warning', 'b')], 100, 3), { startLine: 7, endLine: 17 });
    assert.deepEqual(rangeAround([diagnostic(1, 'error', 'a')], 5, 10), { startLine: 0, endLine: 4 });
    assert.deepEqual(rangeAround([diagnostic(10, 'warning', 'a'), diagnostic(900, 'error', 'b')], 1_000, 5, 200), { startLine: 895, endLine: 905 });
    assert.equal(rangeAround([], 10, 3), undefined);
    assert.equal(rangeAround([{ startLine: Number.NaN, endLine: 1, severity: 'error', message: 'x' }], 10, 3), undefined);
  });
});
