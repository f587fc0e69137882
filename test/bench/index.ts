// Runs every benchmark module (out/test/bench/*.bench.js) in sequence, prints one aligned table and writes
// test-results/bench.json. A module exports `run(): Promise<BenchRow[]>`.
// Usage: node out/test/bench/index.js [name-filter...]   (e.g. `api-burst`)

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  group: string;
  name: string;
  value: number | string;
  unit?: string;
  /** What the value should be, e.g. '0' or '<= 10'; informational. */
  target?: string;
}

interface BenchModule {
  run(): Promise<BenchRow[]>;
}

interface ModuleResult {
  module: string;
  rows: BenchRow[];
  error?: string;
  elapsedMs: number;
}

function isBenchModule(value: unknown): value is BenchModule {
  return typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function';
}

async function load(file: string): Promise<BenchModule> {
  const loaded: unknown = await import(pathToFileURL(file).href);
  if (isBenchModule(loaded)) return loaded;
  // CommonJS modules arrive under `default` when their named exports were not detected.
  const fallback = (loaded as { default?: unknown }).default;
  if (isBenchModule(fallback)) return fallback;
  throw new Error('does not export run(): Promise<BenchRow[]>');
}

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}

/** One aligned table: text columns left-aligned, the value column right-aligned. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['group', 'name', 'value', 'unit', 'target'];
  const cells = rows.map((row) => [row.group, row.name, formatValue(row.value), row.unit ?? '', row.target ?? '']);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: string[]): string =>
    cell
      .map((text, column) => (column === 2 ? text.padStart(widths[column]!) : text.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.bench.js'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort();
  if (files.length === 0) {
    console.error(`No benchmark modules (*.bench.js) in ${__dirname}${filters.length ? ` matching ${filters.join(', ')}` : ''}.`);
    return 1;
  }
  const results: ModuleResult[] = [];
  for (const file of files) {
    const started = Date.now();
    console.log(`running ${file} ...`);
    try {
      const bench = await load(path.join(__dirname, file));
      const rows = await bench.run();
      results.push({ module: file, rows, elapsedMs: Date.now() - started });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`${file} failed: ${message}`);
      results.push({ module: file, rows: [], error: message, elapsedMs: Date.now() - started });
    }
  }
  const allRows = results.flatMap((result) => result.rows);
  console.log();
  console.log(formatTable(allRows));
  const failed = results.filter((result) => result.error !== undefined);
  for (const result of failed) console.log(`\n${result.module}: FAILED (${result.error?.split('\n')[0]})`);

  const outDir = path.resolve(__dirname, '..', '..', '..', 'test-results');
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, 'bench.json');
  writeFileSync(outFile, `${JSON.stringify({ generatedAt: new Date().toISOString(), modules: results }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), outFile)}`);
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
