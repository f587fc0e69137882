// TODO-style comments found line by line (src/delegate/todoComments): per language, in strings, and the
// look-alikes that are not TODOs.
import * as assert from 'node:assert/strict';
import { commentSyntaxFor, DEFAULT_COMMENT_SYNTAX, findTodoOnLine, normalizeTodoWords, type TodoComment } from '../../src/delegate/todoComments';

type Row = [languageId: string, line: string, expected: Partial<TodoComment> | undefined];

function check(rows: readonly Row[]): void {
  for (const [languageId, line, expected] of rows) {
    const found = findTodoOnLine(line, commentSyntaxFor(languageId));
    if (expected === undefined) {
      assert.equal(found, undefined, `${languageId}: ${JSON.stringify(line)} is no TODO, found ${JSON.stringify(found)}`);
      continue;
    }
    assert.ok(found, `${languageId}: ${JSON.stringify(line)} should be a TODO`);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(found[key as keyof TodoComment], value, `${languageId}: ${JSON.stringify(line)}: ${key}`);
    }
  }
}

describe('delegate: TODO comments on a line', () => {
  it('finds TODO, FIXME and HACK after each language\'s comment markers, with the text after the word', () => {
    check([
      ['typescript', '// TODO: handle empty names', { word: 'TODO', text: 'handle empty names', start: 0, end: 27, marker: '//', continues: false }],
      ['typescript', '  const x = f(); // FIXME(alice): off by one  ', { word: 'FIXME', owner: 'alice', text: 'off by one', start: 17, end: 44 }],
      ['javascript', '/* HACK until the API has paging */ load();', { word: 'HACK', text: 'until the API has paging', start: 0, end: 35, continues: false }],
      ['typescriptreact', '/** @TODO document props', { word: 'TODO', text: 'document props', continues: true }],
      ['javascriptreact', '{/* TODO: a11y label */}', { word: 'TODO', text: 'a11y label', start: 1, end: 23 }],
      ['python', 'x = 1  # TODO: cache this', { word: 'TODO', text: 'cache this', start: 7, marker: '#' }],
      ['python', '## FIXME handle None', { word: 'FIXME', text: 'handle None' }],
      ['ruby', 'name = user.name # TODO use display name', { text: 'use display name' }],
      ['shellscript', 'rm -rf "$dir" # TODO: confirm first', { text: 'confirm first' }],
      ['yaml', 'replicas: 3 # TODO tune', { text: 'tune' }],
      ['go', '\t// TODO: context', { text: 'context', start: 1 }],
      ['rust', "fn f<'a>(x: &'a str) { } // TODO: borrow less", { text: 'borrow less' }],
      ['rust', '//! TODO crate docs', { text: 'crate docs' }],
      ['rust', '/// TODO: explain', { text: 'explain' }],
      ['java', '  /* TODO */', { text: '', start: 2, end: 12 }],
      ['kotlin', 'val a = 1 // TODO:', { text: '' }],
      ['c', 'int x; /* FIXME: overflow */ int y; // HACK z', { word: 'FIXME', text: 'overflow' }],
      ['cpp', 'int y; /* see below */ // HACK z', { word: 'HACK', text: 'z' }],
      ['csharp', 'var x = 1; // TODO - rename', { text: 'rename' }],
      ['php', '$a = 1; # TODO: escape', { text: 'escape' }],
      ['swift', 'let a = 1 // TODO: optional', { text: 'optional' }],
      ['sql', 'SELECT 1; -- TODO: index', { text: 'index', marker: '--' }],
      ['lua', '--[[ TODO: pool ]] local x = 1', { text: 'pool', marker: '--[[' }],
      ['lua', 'local x = 1 -- TODO: pool', { text: 'pool', marker: '--' }],
      ['html', '<div><!-- TODO: aria --></div>', { text: 'aria', start: 5, end: 24 }],
      ['xml', '<!-- FIXME schema -->', { word: 'FIXME', text: 'schema' }],
      ['markdown', "It's here <!-- TODO: screenshot -->", { text: 'screenshot' }],
      ['css', 'a { color: red; } /* TODO theme */', { text: 'theme' }],
      ['scss', '$x: 1; // TODO: variables', { text: 'variables' }],
      ['less', '@x: 1; // TODO: variables', { text: 'variables' }],
      ['haskell', 'f x = x -- TODO: strict', { text: 'strict' }],
      ['haskell', '{- TODO: laziness -}', { text: 'laziness' }],
      ['elixir', 'def f, do: 1 # TODO: guard', { text: 'guard' }],
      ['r', 'x <- 1 # TODO: vectorise', { text: 'vectorise' }],
      ['powershell', 'Get-Item . # TODO: -Force', { text: '-Force' }],
      ['powershell', '<# TODO: help #>', { text: 'help' }],
      ['dockerfile', '# TODO: pin the base image', { text: 'pin the base image' }],
      ['makefile', 'all: build # TODO: test', { text: 'test' }],
      ['toml', 'version = "1" # TODO: bump', { text: 'bump' }],
      ['ini', '; TODO: document keys', { text: 'document keys', marker: ';' }],
      ['clojure', ';; TODO: spec', { text: 'spec' }],
      ['latex', '% TODO: cite', { text: 'cite' }],
      ['vue', '<!-- TODO: slot -->', { text: 'slot' }],
      ['plaintext', '# TODO: default markers', { text: 'default markers' }],
      ['some-unknown-language', 'x // TODO: default markers', { text: 'default markers' }],
    ]);
  });

  it('counts a continuation line of a block comment', () => {
    check([
      ['typescript', ' * TODO: handle empty names', { word: 'TODO', text: 'handle empty names', start: 1, marker: '*', continues: true }],
      ['java', '   * FIXME: leaks */ int x; // TODO later', { word: 'FIXME', text: 'leaks', continues: false }],
      ['typescript', ' * see the docs */ f(); // TODO: after the close', { text: 'after the close' }],
      ['typescript', ' * not a TODO here', undefined],
      ['python', ' * TODO: python has no star comments', undefined],
    ]);
  });

  it('ignores markers inside strings, and look-alikes that do not start the comment with the word', () => {
    check([
      ['typescript', 'const s = "// TODO in a string";', undefined],
      ['typescript', "const s = '// TODO in a string';", undefined],
      ['typescript', 'const s = `/* TODO */`;', undefined],
      ['typescript', 'const s = "a \\" // TODO still in the string";', undefined],
      ['typescript', 'const s = "// TODO in a string"; // TODO: but this one', { text: 'but this one', start: 33 }],
      ['python', 'print("# TODO not a comment")', undefined],
      ['python', "print('# TODO not a comment')", undefined],
      ['shellscript', 'echo foo#TODO', undefined],
      ['typescript', 'const todoList = []; // keep', undefined],
      ['typescript', '// not a TODO', undefined],
      ['typescript', '// see TODO.md', undefined],
      ['typescript', '// TODOs are tracked elsewhere', undefined],
      ['typescript', '// TODO-list widget', undefined],
      ['typescript', '// todo: lower case', undefined],
      ['typescript', '// Todo: title case', undefined],
      ['typescript', 'const TODO = 1; // fine', undefined],
      ['typescript', 'let x = TODO_LIMIT; // x', undefined],
      ['typescript', '// TODO(alice', undefined],
      ['typescript', '// TODO(alice)x', undefined],
      ['python', 'todo = load()  # noqa', undefined],
      ['markdown', '# TODO heading is no comment in markdown', undefined],
      ['css', 'a { background: url(//cdn/TODO.png) }', undefined],
      ['typescript', '', undefined],
    ]);
  });

  it('matches other words when configured, and case-insensitively only when asked', () => {
    const ts = commentSyntaxFor('typescript');
    assert.equal(findTodoOnLine('// NOTE: x', ts), undefined);
    assert.equal(findTodoOnLine('// NOTE: x', ts, ['NOTE'])?.text, 'x');
    assert.equal(findTodoOnLine('// todo: x', ts, ['TODO'], { caseSensitive: false })?.word, 'TODO');
    assert.equal(findTodoOnLine('// todoList', ts, ['TODO'], { caseSensitive: false }), undefined);
    assert.deepEqual(normalizeTodoWords(['TODO', 'XXX', 'TODO', 42, '', 'has space', '-x']), ['TODO', 'XXX']);
    assert.deepEqual(normalizeTodoWords('TODO'), ['TODO', 'FIXME', 'HACK']);
    assert.deepEqual(normalizeTodoWords([]), ['TODO', 'FIXME', 'HACK']);
  });

  it('knows the markers of common languages, and falls back to // and # for unknown ones', () => {
    assert.deepEqual(commentSyntaxFor('python').line, ['#']);
    assert.deepEqual(commentSyntaxFor('TypeScript').line, ['//']);
    assert.deepEqual(commentSyntaxFor('html').block, [{ open: '<!--', close: '-->' }]);
    assert.deepEqual(commentSyntaxFor('sql').line, ['--']);
    assert.equal(commentSyntaxFor('nope'), DEFAULT_COMMENT_SYNTAX);
    assert.equal(commentSyntaxFor(undefined), DEFAULT_COMMENT_SYNTAX);
    assert.deepEqual(DEFAULT_COMMENT_SYNTAX.line, ['//', '#']);
  });

  it('keeps the text one bounded line', () => {
    const found = findTodoOnLine(`// TODO: ${'x'.repeat(2_000)}\u0007`, commentSyntaxFor('typescript'));
    assert.ok(found);
    assert.ok(found.text.length <= 500, String(found.text.length));
    assert.ok(found.text.endsWith('…'));
  });
});
