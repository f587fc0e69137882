import * as assert from 'node:assert/strict';
import {
  buildContext,
  trimContext,
  makeTitle,
  MAX_DIAGNOSTICS,
  type BuildContextInput,
  type DiagnosticInfo,
  type SourceDocument,
} from '../../src/context/buildContext';
import { parseGitRemote, redactRemoteUrl } from '../../src/context/gitRemote';

function doc(text: string, overrides: Partial<SourceDocument> = {}): SourceDocument {
  return {
    relativePath: 'src/app.ts',
    isUntitled: false,
    isDirty: false,
    languageId: 'typescript',
    text,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    ...overrides,
  };
}

function input(overrides: Partial<BuildContextInput> = {}): BuildContextInput {
  return {
    request: 'Add input validation',
    document: doc(numberedLines(10)),
    selections: [],
    mode: 'file',
    diagnostics: [],
    maxChars: 100_000,
    extensionVersion: '0.1.0',
    ...overrides,
  };
}

/** `line 1\nline 2\n…` with a trailing newline, like a saved file. */
function numberedLines(count: number, eol = '\n'): string {
  return Array.from({ length: count }, (_, i) => `line ${i + 1}`).join(eol) + eol;
}

function sel(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
  return { startLine, startCharacter, endLine, endCharacter };
}

interface CodeBlock {
  header: string;
  fence: string;
  info: string;
  code: string;
  after: string[];
}

/** Parses the code blocks out of a prompt the way a Markdown reader would: a fence closes only with the same fence. */
function codeBlocks(prompt: string): CodeBlock[] {
  const lines = prompt.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})([^`]*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== fence) body.push(lines[j++]!);
    assert.ok(j < lines.length, `fence opened on line ${i + 1} is closed`);
    const after: string[] = [];
    for (let k = j + 1; k < lines.length && lines[k] !== '' && !/^`{3,}/.test(lines[k]!); k++) after.push(lines[k]!);
    blocks.push({ header: lines[i - 1] ?? '', fence, info: open[2]!, code: body.join('\n'), after });
    i = j;
  }
  return blocks;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('buildContext', () => {
  describe('prompt and metadata', () => {
    it('puts the request first, then the file, language, lines and the whole file in a fenced block', () => {
      const built = buildContext(input());
      assert.ok(built.prompt.startsWith('Add input validation\n\n---\n'));
      assert.match(built.prompt, /^- File: src\/app\.ts$/m);
      assert.match(built.prompt, /^- Language: typescript$/m);
      assert.match(built.prompt, /^- Whole file: lines 1-10$/m);
      const blocks = codeBlocks(built.prompt);
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0]!.info, 'typescript');
      assert.equal(blocks[0]!.code, numberedLines(10).trimEnd());
      assert.equal(built.charCount, built.prompt.length);
      assert.equal(built.truncated, false);
      assert.equal(built.overLimit, false);
    });

    it('fills the metadata and omits what is unknown', () => {
      const built = buildContext(
        input({
          mode: 'selection',
          selections: [sel(1, 0, 3, 0)],
          git: { remoteUrl: 'git@github.com:acme/widgets.git', branch: 'feature/x', commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
        }),
      );
      assert.deepEqual(built.metadata, {
        source: 'vscode',
        extension_version: '0.1.0',
        file: 'src/app.ts',
        language: 'typescript',
        ranges: [{ start_line: 2, end_line: 3 }],
        branch: 'feature/x',
        commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        repo_full_name: 'acme/widgets',
        title: 'Add input validation',
        mode: 'selection',
      });
      const withoutGit = buildContext(input());
      assert.deepEqual(Object.keys(withoutGit.metadata).sort(), ['extension_version', 'file', 'language', 'mode', 'ranges', 'source', 'title']);
      assert.doesNotMatch(withoutGit.prompt, /Repository|Branch|Commit/);
    });

    it('prefers the given repository name over the one parsed from the remote', () => {
      const built = buildContext(input({ git: { remoteUrl: 'https://github.com/fork/widgets.git', repoFullName: 'acme/widgets' } }));
      assert.equal(built.metadata['repo_full_name'], 'acme/widgets');
      assert.match(built.prompt, /^- Repository: acme\/widgets \(remote https:\/\/github\.com\/fork\/widgets\.git\)$/m);
    });

    it('never puts credentials from the remote URL into the prompt', () => {
      const built = buildContext(
        input({ git: { remoteUrl: 'https://x-access-token:ghs_SECRETSECRETSECRET@github.com/acme/widgets.git', branch: 'main' } }),
      );
      assert.ok(!built.prompt.includes('ghs_SECRETSECRETSECRET'));
      assert.ok(!built.prompt.includes('x-access-token'));
      assert.ok(!JSON.stringify(built.metadata).includes('SECRET'));
      assert.match(built.prompt, /^- Repository: acme\/widgets \(remote https:\/\/github\.com\/acme\/widgets\.git\)$/m);
      assert.match(built.prompt, /^- Branch: main$/m);
    });

    it('notes unsaved changes against the commit, and only when the file is dirty', () => {
      const git = { branch: 'main', commit: '0123456789abcdef0123456789abcdef01234567' };
      const dirty = buildContext(input({ document: doc(numberedLines(3), { isDirty: true }), git }));
      assert.match(dirty.prompt, /^- Commit: 0123456789abcdef0123456789abcdef01234567$/m);
      assert.match(dirty.prompt, /unsaved changes.*may differ from commit 0123456789ab\./);
      const dirtyNoGit = buildContext(input({ document: doc(numberedLines(3), { isDirty: true }) }));
      assert.match(dirtyNoGit.prompt, /unsaved changes.*not what is saved on disk/);
      const clean = buildContext(input({ document: doc(numberedLines(3)), git }));
      assert.doesNotMatch(clean.prompt, /unsaved/);
    });

    it('names an untitled document and says it is not saved or in the repository', () => {
      const built = buildContext(
        input({
          document: doc('print("hi")\n', { relativePath: undefined, untitledName: 'Untitled-3', isUntitled: true, isDirty: true, languageId: 'python' }),
        }),
      );
      assert.match(built.prompt, /^- File: Untitled-3 \(a new, unsaved file; it is not on disk or in the repository\)$/m);
      assert.doesNotMatch(built.prompt, /unsaved changes/);
      assert.equal(built.metadata['file'], 'Untitled-3');
      assert.equal(built.metadata['language'], 'python');
      assert.equal(codeBlocks(built.prompt)[0]!.info, 'python');
    });

    it('leaves out the request section when the request is empty and titles the run after the file', () => {
      const built = buildContext(input({ request: '  \n ' }));
      assert.ok(built.prompt.startsWith('---\nContext from the VS Code editor:\n'));
      assert.equal(built.title, 'Work on src/app.ts');
    });
  });

  describe('selections', () => {
    it('sends several selections in document order, merging overlapping ones', () => {
      const built = buildContext(
        input({
          mode: 'selection',
          document: doc(numberedLines(30)),
          // Out of order; the 2nd and 3rd overlap on line 6 (0-based 5); the 4th sits inside the 1st.
          selections: [sel(19, 0, 22, 4), sel(3, 2, 5, 1), sel(5, 0, 7, 3), sel(20, 1, 20, 3)],
        }),
      );
      assert.deepEqual(built.metadata['ranges'], [
        { start_line: 4, end_line: 8 },
        { start_line: 20, end_line: 23 },
      ]);
      assert.match(built.prompt, /^- Selected lines: 4-8, 20-23$/m);
      const blocks = codeBlocks(built.prompt);
      assert.deepEqual(
        blocks.map((b) => [b.header, b.code]),
        [
          ['Lines 4-8:', 'line 4\nline 5\nline 6\nline 7\nline 8'],
          ['Lines 20-23:', 'line 20\nline 21\nline 22\nline 23'],
        ],
      );
      assert.equal(built.metadata['mode'], 'selection');
    });

    it('keeps touching but not overlapping selections apart', () => {
      const built = buildContext(input({ mode: 'selection', selections: [sel(0, 0, 1, 6), sel(2, 0, 3, 6)] }));
      assert.deepEqual(built.metadata['ranges'], [
        { start_line: 1, end_line: 2 },
        { start_line: 3, end_line: 4 },
      ]);
    });

    it('does not count the line where a selection ends at character 0', () => {
      const built = buildContext(input({ mode: 'selection', selections: [sel(2, 0, 5, 0)] }));
      assert.deepEqual(built.metadata['ranges'], [{ start_line: 3, end_line: 5 }]);
      assert.equal(codeBlocks(built.prompt)[0]!.code, 'line 3\nline 4\nline 5');
    });

    it('accepts reversed selections and clamps positions outside the document', () => {
      const built = buildContext(input({ mode: 'selection', selections: [sel(8, 3, 6, 0), sel(9, 2, 99, 9)] }));
      // The second selection runs past the end: it ends at character 0 of the last (empty) line.
      assert.deepEqual(built.metadata['ranges'], [
        { start_line: 7, end_line: 9 },
        { start_line: 10, end_line: 10 },
      ]);
      const outside = buildContext(input({ mode: 'selection', selections: [sel(40, 0, 99, 9)] }));
      assert.equal(outside.metadata['mode'], 'file', 'a selection wholly past the end is empty');
    });

    it('ignores empty selections next to real ones and sends the whole file when all are empty', () => {
      const some = buildContext(input({ mode: 'selection', selections: [sel(1, 2, 1, 2), sel(4, 0, 4, 6)] }));
      assert.deepEqual(some.metadata['ranges'], [{ start_line: 5, end_line: 5 }]);
      const cursorsOnly = buildContext(input({ mode: 'selection', selections: [sel(1, 2, 1, 2), sel(3, 0, 3, 0)] }));
      assert.equal(cursorsOnly.metadata['mode'], 'file');
      assert.deepEqual(cursorsOnly.metadata['ranges'], [{ start_line: 1, end_line: 10 }]);
      assert.match(cursorsOnly.prompt, /^Whole file \(lines 1-10\):$/m);
      const none = buildContext(input({ mode: 'selection', selections: [] }));
      assert.equal(none.metadata['mode'], 'file');
    });

    it('ignores selections in file mode', () => {
      const built = buildContext(input({ mode: 'file', selections: [sel(1, 0, 2, 0)] }));
      assert.deepEqual(built.metadata['ranges'], [{ start_line: 1, end_line: 10 }]);
    });

    it('shows the exact text of a partly selected line next to the whole line', () => {
      const built = buildContext(
        input({ mode: 'selection', document: doc('const total = price * quantity;\n'), selections: [sel(0, 14, 0, 19)] }),
      );
      assert.equal(codeBlocks(built.prompt)[0]!.code, 'const total = price * quantity;');
      assert.match(built.prompt, /^Selected text on line 1: `price`$/m);
      const wholeLine = buildContext(input({ mode: 'selection', document: doc('const total = 1;\n'), selections: [sel(0, 0, 0, 16)] }));
      assert.doesNotMatch(wholeLine.prompt, /Selected text/);
    });
  });

  describe('line endings and unicode', () => {
    it('normalizes CRLF to LF and keeps line numbers right', () => {
      const text = numberedLines(12, '\r\n');
      const built = buildContext(input({ mode: 'selection', document: doc(text), selections: [sel(4, 0, 6, 6), sel(10, 2, 10, 4)] }));
      assert.ok(!built.prompt.includes('\r'));
      assert.deepEqual(built.metadata['ranges'], [
        { start_line: 5, end_line: 7 },
        { start_line: 11, end_line: 11 },
      ]);
      assert.deepEqual(
        codeBlocks(built.prompt).map((b) => b.code),
        ['line 5\nline 6\nline 7', 'line 11'],
      );
      assert.match(built.prompt, /^Selected text on line 11: `ne`$/m);
      const whole = buildContext(input({ document: doc(text) }));
      assert.equal(codeBlocks(whole.prompt)[0]!.code, numberedLines(12).trimEnd());
      assert.deepEqual(whole.metadata['ranges'], [{ start_line: 1, end_line: 12 }]);
    });

    it('normalizes CRLF in the request and diagnostics too', () => {
      const built = buildContext(
        input({
          request: 'First line\r\nSecond line\r\n',
          diagnostics: [{ startLine: 0, endLine: 0, severity: 'error', message: 'Type error:\r\n  details here' }],
        }),
      );
      assert.ok(!built.prompt.includes('\r'));
      assert.ok(built.prompt.startsWith('First line\nSecond line\n\n---'));
      assert.match(built.prompt, /^- Error, line 1: Type error: details here$/m);
    });

    it('keeps astral characters and combining marks intact, with UTF-16 character offsets like VS Code', () => {
      // "👩‍💻" is 5 UTF-16 units, "é" here is e + U+0301 (2 units), "𝒳" is 2 units.
      const line = 'const s = "👩‍💻 café 𝒳";';
      const text = `// 頭\n${line}\n`;
      const start = line.indexOf('café');
      const built = buildContext(
        input({ mode: 'selection', document: doc(text), selections: [sel(1, start, 1, start + 'café'.length)] }),
      );
      assert.equal(codeBlocks(built.prompt)[0]!.code, line);
      assert.match(built.prompt, new RegExp(`^Selected text on line 2: \`café\`$`, 'm'));
      const emoji = buildContext(input({ mode: 'selection', document: doc(text), selections: [sel(1, 11, 1, 16)] }));
      assert.match(emoji.prompt, /^Selected text on line 2: `👩‍💻`$/m);
      assert.ok(buildContext(input({ document: doc(text) })).prompt.includes(line));
    });

    it('never splits a surrogate pair when a selection edge falls inside one', () => {
      const text = 'x = "𝒳𝒴";\n';
      // Offsets 6 and 7 are inside 𝒳 (5-6) and 𝒴 (7-8).
      const built = buildContext(input({ mode: 'selection', document: doc(text), selections: [sel(0, 6, 0, 8)] }));
      assert.doesNotMatch(built.prompt, LONE_SURROGATE);
      assert.match(built.prompt, /^Selected text on line 1: `𝒳𝒴`$/m);
    });
  });

  describe('code fences', () => {
    it('uses a fence longer than any backtick run in the code', () => {
      const code = 'const md = `\n```ts\nx\n```\n````\nnested\n````\n`;\nconst tick = "`";';
      const built = buildContext(input({ document: doc(code + '\n', { languageId: 'markdown' }) }));
      const blocks = codeBlocks(built.prompt);
      assert.equal(blocks.length, 1, 'the inner fences do not close the block');
      assert.equal(blocks[0]!.fence, '`````');
      assert.equal(blocks[0]!.info, 'markdown');
      assert.equal(blocks[0]!.code, code);
    });

    it('uses a three-backtick fence for code without backtick runs', () => {
      const built = buildContext(input({ document: doc('let a = `x`;\n') }));
      assert.equal(codeBlocks(built.prompt)[0]!.fence, '```');
    });

    it('quotes selected text holding backticks so it reads verbatim', () => {
      const built = buildContext(
        input({ mode: 'selection', document: doc('const s = `a ``b`` c`;\n'), selections: [sel(0, 10, 0, 21)] }),
      );
      assert.match(built.prompt, /^Selected text on line 1: ``` `a ``b`` c` ```$/m);
    });

    it('drops characters that cannot be in a fence info string from the language id', () => {
      const built = buildContext(input({ document: doc('x\n', { languageId: 'weird lang`id' }) }));
      assert.equal(codeBlocks(built.prompt)[0]!.info, 'weirdlangid');
    });

    it('keeps a trailing empty line of the file that is followed by the final newline', () => {
      const built = buildContext(input({ document: doc('a\n\n') }));
      assert.deepEqual(built.metadata['ranges'], [{ start_line: 1, end_line: 2 }]);
      assert.equal(codeBlocks(built.prompt)[0]!.code, 'a\n');
      const noFinalNewline = buildContext(input({ document: doc('a\nb') }));
      assert.deepEqual(noFinalNewline.metadata['ranges'], [{ start_line: 1, end_line: 2 }]);
      assert.equal(codeBlocks(noFinalNewline.prompt)[0]!.code, 'a\nb');
    });

    it('renders an empty file as an empty block', () => {
      const built = buildContext(input({ document: doc('') }));
      assert.deepEqual(built.metadata['ranges'], [{ start_line: 1, end_line: 1 }]);
      assert.equal(codeBlocks(built.prompt)[0]!.code, '');
    });
  });

  describe('problems (diagnostics)', () => {
    const diagnostics: DiagnosticInfo[] = [
      { startLine: 0, endLine: 0, severity: 'warning', message: 'Unused import', source: 'ts', code: '6133' },
      { startLine: 2, endLine: 4, severity: 'error', message: 'Spans into the selection', source: 'ts' },
      { startLine: 5, endLine: 5, severity: 'info', message: 'Inside the selection', code: 'style' },
      { startLine: 7, endLine: 7, severity: 'hint', message: 'Just after the selection' },
      { startLine: 8, endLine: 8, severity: 'error', message: 'Far away' },
    ];

    it('lists only the problems overlapping the selected lines, in line order', () => {
      const built = buildContext(input({ mode: 'selection', selections: [sel(4, 0, 7, 0)], diagnostics }));
      const problems = built.prompt.split('Problems reported by VS Code in the selected lines:\n')[1]!.trimEnd().split('\n');
      assert.deepEqual(problems, ['- Error, lines 3-5: Spans into the selection (ts)', '- Info, line 6: Inside the selection (style)']);
    });

    it('lists every problem in file mode with source and code', () => {
      const built = buildContext(input({ diagnostics }));
      assert.match(built.prompt, /^Problems reported by VS Code in this file:$/m);
      assert.match(built.prompt, /^- Warning, line 1: Unused import \(ts 6133\)$/m);
      assert.equal((built.prompt.match(/^- (Error|Warning|Info|Hint), /gm) ?? []).length, diagnostics.length);
    });

    it('leaves the section out when no problem overlaps', () => {
      const built = buildContext(input({ mode: 'selection', selections: [sel(9, 0, 9, 4)], diagnostics }));
      assert.doesNotMatch(built.prompt, /Problems/);
    });

    it(`caps the list at ${MAX_DIAGNOSTICS}, keeping the most severe`, () => {
      const many: DiagnosticInfo[] = [];
      for (let i = 0; i < 120; i++) many.push({ startLine: i, endLine: i, severity: 'warning', message: `warning ${i}` });
      for (let i = 0; i < 10; i++) many.push({ startLine: 200 + i, endLine: 200 + i, severity: 'error', message: `error ${i}` });
      const built = buildContext(input({ document: doc(numberedLines(300)), diagnostics: many }));
      assert.match(built.prompt, /^Problems reported by VS Code in this file \(50 of 130, most severe first\):$/m);
      const listed = built.prompt.match(/^- (Error|Warning), line \d+: .*$/gm) ?? [];
      assert.equal(listed.length, MAX_DIAGNOSTICS);
      assert.equal(listed.filter((l) => l.startsWith('- Error')).length, 10);
      assert.equal(listed[0], '- Warning, line 1: warning 0', 'shown in line order');
    });

    it('flattens long multi-line messages to one bounded line', () => {
      const built = buildContext(
        input({ diagnostics: [{ startLine: 1, endLine: 1, severity: 'error', message: `Type 'A' is not assignable:\n    ${'x'.repeat(2000)}` }] }),
      );
      const line = built.prompt.split('\n').find((l) => l.startsWith('- Error'))!;
      assert.ok(line.length < 600);
      assert.ok(line.endsWith('…'));
    });
  });

  describe('size limit', () => {
    const bigDoc = doc(numberedLines(2000));

    it('flags a prompt over maxChars without changing it', () => {
      const full = buildContext(input({ document: bigDoc, maxChars: 1_000_000 }));
      const limited = buildContext(input({ document: bigDoc, maxChars: 5_000 }));
      assert.equal(limited.overLimit, true);
      assert.equal(limited.truncated, false);
      assert.equal(limited.prompt, full.prompt);
      assert.equal(limited.charCount, full.charCount);
    });

    it('treats a maxChars of 0 or less as no limit', () => {
      assert.equal(buildContext(input({ document: bigDoc, maxChars: 0 })).overLimit, false);
    });

    it('trims the code to whole lines, keeping the request, the metadata and the line range', () => {
      const request = 'Refactor this module\n\nKeep the public API.';
      const full = buildContext(input({ request, document: bigDoc, diagnostics: [{ startLine: 3, endLine: 3, severity: 'error', message: 'Oops' }] }));
      const trimmed = trimContext(input({ request, document: bigDoc, maxChars: 5_000, diagnostics: [{ startLine: 3, endLine: 3, severity: 'error', message: 'Oops' }] }));
      assert.equal(trimmed.overLimit, false);
      assert.equal(trimmed.truncated, true);
      assert.ok(trimmed.charCount <= 5_000);
      assert.ok(trimmed.charCount > 4_500, 'uses most of the room');
      assert.equal(trimmed.charCount, trimmed.prompt.length);
      assert.ok(trimmed.prompt.startsWith(`${request}\n\n---\n`));
      assert.deepEqual(trimmed.metadata, full.metadata);
      assert.equal(trimmed.title, full.title);
      assert.match(trimmed.prompt, /^- Whole file: lines 1-2000$/m);
      const match = /^\(Trimmed to fit the size limit: showing lines 1-(\d+) of lines 1-2000\.\)$/m.exec(trimmed.prompt);
      assert.ok(match, 'says which lines are shown');
      const shownLines = Number(match[1]);
      assert.equal(codeBlocks(trimmed.prompt)[0]!.code, numberedLines(shownLines).trimEnd());
      assert.match(trimmed.prompt, /^- Error, line 4: Oops$/m);
    });

    it('returns the prompt unchanged when it already fits', () => {
      const trimmed = trimContext(input());
      assert.equal(trimmed.truncated, false);
      assert.equal(trimmed.prompt, buildContext(input()).prompt);
    });

    it('shares the room between selections: small ones stay whole, big ones are cut', () => {
      const document = doc(numberedLines(3000));
      const selections = [sel(0, 0, 2, 0), sel(100, 0, 2999, 7)];
      const trimmed = trimContext(input({ mode: 'selection', document, selections, maxChars: 6_000 }));
      assert.equal(trimmed.overLimit, false);
      const blocks = codeBlocks(trimmed.prompt);
      assert.equal(blocks[0]!.code, 'line 1\nline 2');
      assert.deepEqual(blocks[0]!.after, []);
      assert.match(blocks[1]!.after[0]!, /^\(Trimmed to fit the size limit: showing lines 101-\d+ of lines 101-3000\.\)$/);
      assert.ok(blocks[1]!.code.startsWith('line 101\nline 102\n'));
    });

    it('cuts a single huge line by characters, without splitting a surrogate pair', () => {
      const minified = 'var a=1;'.repeat(3000) + '😀'.repeat(3000);
      const trimmed = trimContext(input({ document: doc(minified + '\n', { languageId: 'javascript' }), maxChars: 30_000 }));
      assert.equal(trimmed.overLimit, false);
      assert.match(trimmed.prompt, /^\(Trimmed to fit the size limit: showing the first \d+ characters of line 1; the full range is line 1\.\)$/m);
      assert.doesNotMatch(trimmed.prompt, LONE_SURROGATE);
      assert.ok(minified.startsWith(codeBlocks(trimmed.prompt)[0]!.code));
    });

    it('leaves the code out, then the problems, as the limit shrinks', () => {
      const request = 'r'.repeat(900);
      const diagnostics: DiagnosticInfo[] = Array.from({ length: 20 }, (_, i) => ({ startLine: i, endLine: i, severity: 'error', message: `problem number ${i}` }));
      // Sweep the limit downwards: the prompt always fits, and goes from some code to no code (problems kept)
      // to neither, never back.
      const stages: string[] = [];
      for (let maxChars = 2_400; maxChars >= 1_200; maxChars -= 3) {
        const trimmed = trimContext(input({ request, document: bigDoc, maxChars, diagnostics }));
        assert.equal(trimmed.overLimit, false, `fits ${maxChars}`);
        assert.ok(trimmed.charCount <= maxChars);
        assert.ok(trimmed.prompt.startsWith(`${request}\n\n---\n`));
        const codeShown = /showing (line 1|lines 1-\d+) of lines 1-2000/.test(trimmed.prompt);
        const codeLeftOut = trimmed.prompt.includes('(Trimmed to fit the size limit: the code of lines 1-2000 is left out.)');
        const problemsShown = /^- Error, line 20: problem number 19$/m.test(trimmed.prompt);
        const problemsLeftOut = trimmed.prompt.includes('(Trimmed to fit the size limit: 20 problems reported by VS Code in this file left out.)');
        assert.equal(codeShown, !codeLeftOut);
        assert.equal(problemsShown, !problemsLeftOut);
        const stage = codeShown ? 'code' : problemsShown ? 'problems only' : 'request only';
        if (stages[stages.length - 1] !== stage) stages.push(stage);
      }
      assert.deepEqual(stages, ['code', 'problems only', 'request only']);
    });

    it('stays over the limit, with the request whole, when the request alone is too long', () => {
      const request = 'q'.repeat(3_000);
      const trimmed = trimContext(input({ request, document: bigDoc, maxChars: 2_000 }));
      assert.equal(trimmed.overLimit, true);
      assert.equal(trimmed.truncated, true);
      assert.ok(trimmed.prompt.startsWith(`${request}\n`));
      assert.ok(trimmed.charCount < buildContext(input({ request, document: bigDoc })).charCount);
    });
  });

  describe('huge files', () => {
    const line = '  const value = compute(alpha, beta) + `t ${x}`; // 😀 é\r\n';
    const hugeText = line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
    const lineTotal = hugeText.split('\n').length - 1;

    it('builds the whole-file prompt for a 5 MB file', () => {
      const built = buildContext(input({ document: doc(hugeText), maxChars: 200_000 }));
      assert.equal(built.overLimit, true);
      assert.ok(built.charCount > 5_000_000);
      assert.deepEqual(built.metadata['ranges'], [{ start_line: 1, end_line: lineTotal }]);
      assert.ok(!built.prompt.includes('\r'));
    });

    it('trims a 5 MB file to the limit', () => {
      const trimmed = trimContext(input({ document: doc(hugeText), maxChars: 200_000 }));
      assert.equal(trimmed.overLimit, false);
      assert.ok(trimmed.charCount <= 200_000 && trimmed.charCount > 190_000);
      assert.match(trimmed.prompt, new RegExp(`showing lines 1-\\d+ of lines 1-${lineTotal}\\.`));
    });

    it('finds the right lines for a selection at the end of a 5 MB file', () => {
      const built = buildContext(
        input({ mode: 'selection', document: doc(hugeText), selections: [sel(lineTotal - 2, 0, lineTotal - 1, 4)], maxChars: 200_000 }),
      );
      assert.deepEqual(built.metadata['ranges'], [{ start_line: lineTotal - 1, end_line: lineTotal }]);
      assert.equal(codeBlocks(built.prompt)[0]!.code, line.repeat(2).replace(/\r\n/g, '\n').trimEnd());
      assert.equal(built.overLimit, false);
    });
  });
});

describe('makeTitle', () => {
  it('uses the first non-empty line, trimmed, with whitespace runs collapsed', () => {
    assert.equal(makeTitle('\n\n   Fix   the login\tbug  \nmore details'), 'Fix the login bug');
    assert.equal(buildContext(input({ request: '\r\n  Add caching\r\nto the client' })).title, 'Add caching');
  });

  it('cuts long titles to 80 characters with an ellipsis', () => {
    const title = makeTitle('word '.repeat(40));
    assert.ok(title.length <= 80);
    assert.ok(title.endsWith('…'));
    assert.ok(title.startsWith('word word'));
    assert.equal(makeTitle('x'.repeat(80)), 'x'.repeat(80));
    assert.equal(makeTitle('x'.repeat(81)), `${'x'.repeat(79)}…`);
  });

  it('never cuts an emoji or an accented letter in two', () => {
    const title = makeTitle('a'.repeat(77) + '👩‍💻👩‍💻');
    assert.equal(title, `${'a'.repeat(77)}…`);
    const accents = makeTitle('e\u0301'.repeat(60));
    assert.ok(accents.endsWith('e\u0301…'));
    assert.doesNotMatch(accents, LONE_SURROGATE);
  });

  it('falls back when the request has no text', () => {
    assert.equal(makeTitle('  \n\t'), 'Codegen request');
    assert.equal(makeTitle('', 'Work on a.ts'), 'Work on a.ts');
  });
});

describe('parseGitRemote', () => {
  const cases: Array<[string, string | undefined]> = [
    ['https://github.com/acme/widgets.git', 'acme/widgets'],
    ['https://github.com/acme/widgets', 'acme/widgets'],
    ['https://github.com/acme/widgets/', 'acme/widgets'],
    ['http://github.example.com/acme/widgets.git', 'acme/widgets'],
    ['https://user:ghp_token@github.com/acme/widgets.git', 'acme/widgets'],
    ['git@github.com:acme/widgets.git', 'acme/widgets'],
    ['git@github.com:acme/widgets', 'acme/widgets'],
    ['github.com:acme/my.repo.git', 'acme/my.repo'],
    ['ssh://git@github.com/acme/widgets.git', 'acme/widgets'],
    ['ssh://git@github.com:22/acme/widgets', 'acme/widgets'],
    ['git://github.com/acme/widgets.git', 'acme/widgets'],
    ['  https://github.com/Acme-Org/Widgets_2.git\n', 'Acme-Org/Widgets_2'],
    ['https://gitlab.com/group/subgroup/project.git', undefined],
    ['https://github.com/acme', undefined],
    ['/home/me/repos/widgets', undefined],
    ['C:\\repos\\widgets', undefined],
    ['file:///home/me/repos/widgets.git', undefined],
    ['', undefined],
    ['https://github.com/acme/..', undefined],
  ];
  for (const [url, expected] of cases) {
    it(`${JSON.stringify(url)} → ${String(expected)}`, () => {
      assert.equal(parseGitRemote(url), expected);
    });
  }
});

describe('redactRemoteUrl', () => {
  it('removes user names and passwords from URL remotes', () => {
    assert.equal(redactRemoteUrl('https://x-access-token:ghs_abc@github.com/acme/widgets.git'), 'https://github.com/acme/widgets.git');
    assert.equal(redactRemoteUrl('https://ghp_abc@github.com/acme/widgets.git'), 'https://github.com/acme/widgets.git');
    assert.equal(redactRemoteUrl('https://me:p@ss@github.com/acme/widgets.git'), 'https://github.com/acme/widgets.git');
    assert.equal(redactRemoteUrl('ssh://git@github.com/acme/widgets.git'), 'ssh://github.com/acme/widgets.git');
  });

  it('leaves remotes without credentials as they are', () => {
    assert.equal(redactRemoteUrl('https://github.com/acme/widgets.git'), 'https://github.com/acme/widgets.git');
    assert.equal(redactRemoteUrl('git@github.com:acme/widgets.git'), 'git@github.com:acme/widgets.git');
  });
});
