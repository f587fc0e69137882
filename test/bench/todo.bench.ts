// The TODO index on a 10,000-line TypeScript document with 100 TODO/FIXME/HACK comments (and look-alikes:
// "// TODO" in strings, todoList, URLs with //): (a) a full scan, cold, as a CodeLens provider asking for
// the whole document would do once; (b) one keystroke: applyChanges for the edited line, then the cursor
// line (code actions) and a 60-line visible range (CodeLens) asked again; (c) the lines read per
// keystroke. Figures only; nothing here asserts a timing.

import { TodoIndex, lineChangeOf, type TodoDocument } from '../../src/delegate/todoIndex';
import type { BenchRow } from './index';

const GROUP = 'delegate';
const BLOCKS = 100;
const KEYSTROKES = 2_000;
const COLD_SCANS = 20;
const VISIBLE_LINES = 60;

/** One 100-line chunk of realistic code: a documented class with methods, strings, URLs, one TODO-style comment. */
function chunk(k: number): string[] {
  const word = ['TODO', 'FIXME', 'HACK'][k % 3]!;
  const todo = `${word}: ${['handle empty ids', 'retry on 503', 'drop this once the API pages'][k % 3]!} (${k})`;
  const lines = [
    `/**`,
    ` * Service ${k}: loads and caches records.`,
    k % 4 === 0 ? ` * ${todo}` : ` * See https://docs.example.com/services/${k} for the API.`,
    ` */`,
    `export class Service${k} {`,
    `  private readonly cache = new Map<string, Record${k}>();`,
    `  private readonly url = 'https://api.example.com/v1/records/${k}';`,
    `  private readonly todoList: string[] = []; // not a TODO comment`,
    `  private readonly hint = "// TODO in a string is no comment";`,
    '',
    `  constructor(private readonly http: Http, private readonly log: Log) {}`,
    '',
    `  async load(id: string): Promise<Record${k} | undefined> {`,
    k % 4 === 1 ? `    // ${todo}` : `    // Cached answers first.`,
    `    const cached = this.cache.get(id);`,
    `    if (cached) return cached;`,
    `    const response = await this.http.get(\`\${this.url}/\${encodeURIComponent(id)}\`);`,
    k % 4 === 2 ? `    if (!response.ok) return undefined; // ${todo}` : `    if (!response.ok) return undefined;`,
    `    const record = parseRecord${k}(await response.json());`,
    `    this.cache.set(id, record);`,
    `    return record;`,
    `  }`,
    '',
  ];
  for (let method = 0; lines.length < 97; method++) {
    lines.push(
      `  /** Sums field ${method} of the cached records. */`,
      `  total${method}(): number {`,
      `    let sum = 0;`,
      `    for (const record of this.cache.values()) sum += record.field${method} ?? 0; // /* not a block */`,
      `    this.log.debug('total${method}', { sum, note: 'see // comments' });`,
      `    return sum;`,
      `  }`,
      '',
    );
  }
  lines.length = 97;
  lines.push(k % 4 === 3 ? `  /* ${todo} */` : '  // end of the methods', '}', '');
  return lines;
}

class BenchDocument implements TodoDocument {
  readonly uri = 'file:///bench/services.ts';
  readonly languageId = 'typescript';
  version = 1;
  reads = 0;
  constructor(public lines: string[]) {}
  get lineCount(): number {
    return this.lines.length;
  }
  lineAt(line: number): string {
    this.reads++;
    return this.lines[line] ?? '';
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** A deterministic pseudo-random sequence (no Math.random: figures comparable between runs). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface KeystrokeFigures {
  micros: number[];
  reads: number[];
}

/** Keystrokes on random lines: `enter` splits the line in two (shifting all below), else a character is typed. */
function keystrokes(doc: BenchDocument, index: TodoIndex, enter: boolean): KeystrokeFigures {
  const random = lcg(enter ? 7 : 3);
  const figures: KeystrokeFigures = { micros: [], reads: [] };
  for (let stroke = 0; stroke < KEYSTROKES; stroke++) {
    const line = Math.floor(random() * (doc.lineCount - 1));
    const text = doc.lines[line] ?? '';
    // The edit happens in the editor; the index learns of it through the change event.
    const change = enter ? lineChangeOf(line, line, '\n') : lineChangeOf(line, line, 'x');
    if (enter) doc.lines.splice(line, 1, text.slice(0, 4), text.slice(4));
    else doc.lines[line] = `${text}x`;
    doc.version++;
    const cursor = enter ? line + 1 : line;
    const top = Math.max(0, cursor - VISIBLE_LINES / 2);
    doc.reads = 0;
    const started = performance.now();
    index.applyChanges(doc.uri, doc.version, [change]);
    index.linesWith(doc, { startLine: cursor, endLine: cursor });
    index.linesWith(doc, { startLine: top, endLine: top + VISIBLE_LINES - 1 });
    figures.micros.push((performance.now() - started) * 1_000);
    figures.reads.push(doc.reads);
  }
  return figures;
}

export function run(): Promise<BenchRow[]> {
  const lines = Array.from({ length: BLOCKS }, (_, k) => chunk(k)).flat();
  const rows: BenchRow[] = [];
  const row = (name: string, value: number, unit: string, target?: string): void => {
    rows.push(target === undefined ? { group: GROUP, name, value, unit } : { group: GROUP, name, value, unit, target });
  };

  const coldMs: number[] = [];
  let found = 0;
  for (let scan = 0; scan < COLD_SCANS; scan++) {
    const doc = new BenchDocument([...lines]);
    const index = new TodoIndex();
    const started = performance.now();
    found = index.linesWith(doc, { startLine: 0, endLine: doc.lineCount - 1 }).length;
    coldMs.push(performance.now() - started);
  }
  row(`document lines`, lines.length, 'lines');
  row('TODO comments found', found, 'count', '100');
  row('full scan, cold (median of 20)', median(coldMs), 'ms');

  const doc = new BenchDocument([...lines]);
  const index = new TodoIndex();
  index.linesWith(doc, { startLine: 0, endLine: doc.lineCount - 1 });
  const warmStarted = performance.now();
  index.linesWith(doc, { startLine: 0, endLine: doc.lineCount - 1 });
  row('full re-query, nothing changed', performance.now() - warmStarted, 'ms');

  for (const enter of [false, true]) {
    const figures = keystrokes(doc, index, enter);
    const kind = enter ? 'Enter (lines below shift)' : 'a typed character';
    row(`keystroke, ${kind}: median`, median(figures.micros), 'µs');
    row(`keystroke, ${kind}: p95`, percentile(figures.micros, 0.95), 'µs');
    row(`keystroke, ${kind}: lines read, max`, Math.max(...figures.reads), 'lines', '<= 61');
    row(`keystroke, ${kind}: lines read, mean`, figures.reads.reduce((a, b) => a + b, 0) / figures.reads.length, 'lines');
  }

  // CodeLens off: only the cursor's line is ever asked, on a document never scanned whole.
  const fresh = new BenchDocument([...lines]);
  const lazy = new TodoIndex();
  const random = lcg(11);
  let worst = 0;
  for (let stroke = 0; stroke < KEYSTROKES; stroke++) {
    const line = Math.floor(random() * fresh.lineCount);
    fresh.lines[line] = `${fresh.lines[line] ?? ''}x`;
    fresh.version++;
    lazy.applyChanges(fresh.uri, fresh.version, [lineChangeOf(line, line, 'x')]);
    fresh.reads = 0;
    lazy.linesWith(fresh, { startLine: line, endLine: line });
    worst = Math.max(worst, fresh.reads);
  }
  row('code actions only (CodeLens off): lines read per keystroke, max', worst, 'lines', '1');
  row('index size after the bench', lazy.size.lines + index.size.lines, 'line slots');
  return Promise.resolve(rows);
}
