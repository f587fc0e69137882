// The TODO index (src/delegate/todoIndex): only asked lines are read, an edit forgets only its own lines
// and shifts the rest, a missed change or another language starts over, memory stays bounded.
import * as assert from 'node:assert/strict';
import { lineChangeOf, TodoIndex, type TodoDocument } from '../../src/delegate/todoIndex';

/** An editable document that counts the lines read. */
class CountingDocument implements TodoDocument {
  version = 1;
  reads: number[] = [];
  constructor(
    public lines: string[],
    public uri = 'file:///src/a.ts',
    public languageId: string | undefined = 'typescript',
  ) {}
  get lineCount(): number {
    return this.lines.length;
  }
  lineAt(line: number): string {
    this.reads.push(line);
    const text = this.lines[line];
    if (text === undefined) throw new Error(`line ${line} read past the end`);
    return text;
  }
  /** Replaces old lines start..end (inclusive) by `replacement`; returns the change as the index gets it. */
  edit(start: number, end: number, replacement: string[]): { startLine: number; endLine: number; newLineCount: number } {
    this.lines.splice(start, end - start + 1, ...replacement);
    this.version++;
    return lineChangeOf(start, end, replacement.join('\n'));
  }
  takeReads(): number[] {
    const reads = this.reads;
    this.reads = [];
    return reads;
  }
}

function sampleLines(count: number): string[] {
  return Array.from({ length: count }, (_, index) => (index % 10 === 3 ? `  // TODO: item ${index}` : `  const v${index} = ${index};`));
}

describe('delegate: TODO index', () => {
  it('reads only the asked lines, and each line once while the document does not change', () => {
    const doc = new CountingDocument(sampleLines(100));
    const index = new TodoIndex();
    const hits = index.linesWith(doc, { startLine: 0, endLine: 19 });
    assert.deepEqual(hits.map((hit) => [hit.line, hit.text]), [[3, 'item 3'], [13, 'item 13']]);
    assert.deepEqual(doc.takeReads(), Array.from({ length: 20 }, (_, i) => i));
    assert.equal(index.linesWith(doc, { startLine: 10, endLine: 29 }).length, 2);
    assert.deepEqual(doc.takeReads(), Array.from({ length: 10 }, (_, i) => 20 + i), 'lines 10-19 were known');
    assert.equal(index.linesWith(doc, { startLine: 0, endLine: 29 }).length, 3);
    assert.deepEqual(doc.takeReads(), []);
    // A range past the end is clamped.
    assert.equal(index.linesWith(doc, { startLine: 95, endLine: 500 }).length, 0);
    assert.deepEqual(doc.takeReads(), [95, 96, 97, 98, 99]);
  });

  it('an edit of one line forgets only that line; lines inserted or removed shift the others', () => {
    const doc = new CountingDocument(sampleLines(100));
    const index = new TodoIndex();
    index.linesWith(doc, { startLine: 0, endLine: 99 });
    doc.takeReads();

    // Typing on line 50: one line read again.
    index.applyChanges(doc.uri, doc.version + 1, [doc.edit(50, 50, ['  // FIXME: typed'])]);
    const all = index.linesWith(doc, { startLine: 0, endLine: 99 });
    assert.deepEqual(doc.takeReads(), [50]);
    assert.ok(all.some((hit) => hit.line === 50 && hit.word === 'FIXME'));

    // Enter in the middle of line 10: two lines replace one; everything below moves down by one, unread.
    index.applyChanges(doc.uri, doc.version + 1, [doc.edit(10, 10, ['  const v10', '    = 10;'])]);
    const afterInsert = index.linesWith(doc, { startLine: 0, endLine: 100 });
    assert.deepEqual(doc.takeReads(), [10, 11]);
    assert.deepEqual(afterInsert.map((hit) => hit.line).slice(0, 3), [3, 14, 24], 'the TODO of line 13 is now on line 14');

    // Deleting lines 20-29: ten lines become one empty line.
    index.applyChanges(doc.uri, doc.version + 1, [doc.edit(20, 29, [''])]);
    const afterDelete = index.linesWith(doc, { startLine: 0, endLine: doc.lineCount - 1 });
    assert.deepEqual(doc.takeReads(), [20]);
    assert.equal(doc.lineCount, 92);
    assert.deepEqual(
      afterDelete.map((hit) => [hit.line, hit.text]),
      doc.lines.flatMap((text, line) => (text.includes('TODO') || text.includes('FIXME') ? [[line, text.replace(/^.*(TODO|FIXME): /, '')]] : [])),
    );
  });

  it('applies several changes of one event in order, each in the lines the previous ones left (as VS Code does)', () => {
    const doc = new CountingDocument(sampleLines(40));
    const index = new TodoIndex();
    index.linesWith(doc, { startLine: 0, endLine: 39 });
    doc.takeReads();
    // Multi-cursor: a line inserted after 30, and line 5 replaced.
    const bottom = doc.edit(30, 30, ['  const v30 = 30;', '  // HACK: inserted']);
    const top = doc.edit(5, 5, ['  // TODO: replaced']);
    index.applyChanges(doc.uri, doc.version, [bottom, top]);
    const hits = index.linesWith(doc, { startLine: 0, endLine: 40 });
    assert.deepEqual(doc.takeReads().sort((a, b) => a - b), [5, 30, 31]);
    assert.deepEqual(hits.map((hit) => `${hit.line}:${hit.word}`), ['3:TODO', '5:TODO', '13:TODO', '23:TODO', '31:HACK', '34:TODO']);
  });

  it('starts over on a version it did not see change, a different line count, or another language', () => {
    const doc = new CountingDocument(sampleLines(20));
    const index = new TodoIndex();
    index.linesWith(doc, { startLine: 0, endLine: 19 });
    doc.takeReads();
    doc.version = 7; // a change the index was not told about
    index.linesWith(doc, { startLine: 0, endLine: 4 });
    assert.deepEqual(doc.takeReads(), [0, 1, 2, 3, 4]);

    index.applyChanges(doc.uri, 8, [{ startLine: 0, endLine: 0, newLineCount: 1 }]);
    doc.version = 8;
    doc.lines.push('  // TODO: appended without an event');
    const hits = index.linesWith(doc, { startLine: 0, endLine: 20 });
    assert.equal(doc.takeReads().length, 21, 'the line count differs: everything asked is read again');
    assert.ok(hits.some((hit) => hit.line === 20));

    const python = new CountingDocument(['# TODO: python'], 'file:///x', 'python');
    assert.equal(index.linesWith(python, { startLine: 0, endLine: 0 }).length, 1);
    python.languageId = 'typescript';
    assert.equal(index.linesWith(python, { startLine: 0, endLine: 0 }).length, 0, 'read again with // markers');
  });

  it('drops a document whose change does not fit, and ignores changes of documents it does not hold', () => {
    const doc = new CountingDocument(sampleLines(10));
    const index = new TodoIndex();
    index.applyChanges(doc.uri, 2, [{ startLine: 0, endLine: 0, newLineCount: 1 }]);
    assert.equal(index.size.documents, 0);
    index.linesWith(doc, { startLine: 0, endLine: 9 });
    index.applyChanges(doc.uri, 2, [{ startLine: 5, endLine: 50, newLineCount: 1 }]);
    assert.equal(index.size.documents, 0);
  });

  it('keeps memory bounded: least recently used documents go, too large ones are never kept', () => {
    const index = new TodoIndex({ maxDocuments: 3, maxCachedLines: 1_000 });
    const docs = Array.from({ length: 5 }, (_, i) => new CountingDocument(sampleLines(100), `file:///d${i}.ts`));
    for (const doc of docs) index.linesWith(doc, { startLine: 0, endLine: 0 });
    assert.deepEqual(index.size, { documents: 3, lines: 300 });
    // d2 is used again, so d3 goes first when d0 comes back.
    index.linesWith(docs[2]!, { startLine: 0, endLine: 0 });
    index.linesWith(docs[0]!, { startLine: 0, endLine: 0 });
    docs.forEach((doc) => doc.takeReads());
    index.linesWith(docs[2]!, { startLine: 0, endLine: 0 });
    index.linesWith(docs[4]!, { startLine: 0, endLine: 0 });
    assert.deepEqual([docs[2]!.takeReads(), docs[4]!.takeReads()], [[], []]);
    index.linesWith(docs[3]!, { startLine: 0, endLine: 0 });
    assert.deepEqual(docs[3]!.takeReads(), [0], 'd3 was evicted');

    const huge = new CountingDocument(sampleLines(5_000), 'file:///huge.ts');
    assert.equal(index.linesWith(huge, { startLine: 0, endLine: 9 }).length, 1);
    assert.equal(index.linesWith(huge, { startLine: 0, endLine: 9 }).length, 1);
    assert.equal(huge.takeReads().length, 20, 'read each time, never kept');
    assert.ok(index.size.lines <= 1_000);

    index.forget(docs[3]!.uri);
    assert.equal(index.size.documents, 2);
  });

  it('new words drop what was read', () => {
    const doc = new CountingDocument(['// NOTE: a', '// TODO: b']);
    const index = new TodoIndex();
    assert.deepEqual(index.linesWith(doc, { startLine: 0, endLine: 1 }).map((hit) => hit.word), ['TODO']);
    index.setWords(['NOTE']);
    assert.deepEqual(index.linesWith(doc, { startLine: 0, endLine: 1 }).map((hit) => hit.word), ['NOTE']);
  });

  it('lineChangeOf counts the lines of the inserted text', () => {
    assert.deepEqual(lineChangeOf(3, 3, 'x'), { startLine: 3, endLine: 3, newLineCount: 1 });
    assert.deepEqual(lineChangeOf(3, 5, ''), { startLine: 3, endLine: 5, newLineCount: 1 });
    assert.deepEqual(lineChangeOf(3, 3, 'a\nb\r\nc\n'), { startLine: 3, endLine: 3, newLineCount: 4 });
  });
});
