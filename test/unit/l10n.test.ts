// Localization stays complete: every %key% of the manifest is in package.nls.json (and no key there is
// unused), and every message passed to l10n.t( in src is a string literal present in l10n/bundle.l10n.json
// (and the bundle holds no message the code no longer uses). Regenerate the bundle with `npm run l10n`.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');

function readJson(relative: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(ROOT, relative), 'utf8')) as unknown;
}

/** Every string value anywhere in a JSON document. */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, into);
  return into;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) files.push(full);
  }
  return files;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '`': '`' };

/**
 * The string literal starting at `start` (a quote), unescaped, or an error naming what is there instead.
 * Template literals count only without `${`: a message must be the same text whatever the arguments.
 */
export function readStringLiteral(text: string, start: number): { value: string } | { error: string } {
  const quote = text[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return { error: `not a string literal: ${text.slice(start, start + 40)}` };
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === quote) return { value };
    if (quote === '`' && ch === '$' && text[i + 1] === '{') return { error: `template literal with an expression: ${text.slice(start, i + 10)}` };
    if (ch === '\n' && quote !== '`') break;
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = text[++i] ?? '';
    if (next === 'u') {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else value += ESCAPES[next] ?? next;
  }
  return { error: `unterminated string literal: ${text.slice(start, start + 40)}` };
}

/** The messages of every l10n.t( call in the text, and the calls whose message is not a literal. */
export function l10nMessages(text: string): { messages: string[]; problems: string[] } {
  const messages: string[] = [];
  const problems: string[] = [];
  const call = /\bl10n\.t\(\s*/g;
  for (let match = call.exec(text); match; match = call.exec(text)) {
    const literal = readStringLiteral(text, match.index + match[0].length);
    if ('value' in literal) messages.push(literal.value);
    else problems.push(literal.error);
  }
  return { messages, problems };
}

describe('Localization', () => {
  const manifest = readJson('package.json') as { l10n?: string };
  const nls = readJson('package.nls.json') as Record<string, unknown>;

  it('the manifest points VS Code at the l10n folder', () => {
    assert.strictEqual(manifest.l10n, './l10n');
    assert.ok(fs.existsSync(path.join(ROOT, 'l10n', 'bundle.l10n.json')));
  });

  it('every %key% in package.json is in package.nls.json, and every key there is used', () => {
    const used = stringsIn(manifest)
      .map((value) => /^%([\w.-]+)%$/.exec(value)?.[1])
      .filter((key): key is string => key !== undefined);
    assert.ok(used.length > 40, `only ${used.length} manifest strings are localized`);
    const missing = used.filter((key) => typeof nls[key] !== 'string' || nls[key] === '');
    assert.deepStrictEqual(missing, [], 'keys missing from package.nls.json');
    const unused = Object.keys(nls).filter((key) => !used.includes(key));
    assert.deepStrictEqual(unused, [], 'keys in package.nls.json that package.json does not use');
  });

  it('command titles, view names, setting descriptions and walkthrough texts are all localized', () => {
    const contributes = (manifest as { contributes: Record<string, unknown> }).contributes as {
      commands: Array<{ command: string; title: string }>;
      views: Record<string, Array<{ name: string }>>;
      configuration: { properties: Record<string, { markdownDescription?: string; description?: string; enumDescriptions?: string[] }> };
      viewsWelcome: Array<{ contents: string }>;
      walkthroughs: Array<{ title: string; description: string; steps: Array<{ title: string; description: string }> }>;
    };
    const placeholder = /^%[\w.-]+%$/;
    const plain: string[] = [];
    const check = (where: string, value: string | undefined): void => {
      if (value !== undefined && !placeholder.test(value)) plain.push(`${where}: ${value}`);
    };
    for (const command of contributes.commands) check(command.command, command.title);
    for (const view of Object.values(contributes.views).flat()) check('view', view.name);
    for (const [key, property] of Object.entries(contributes.configuration.properties)) {
      check(key, property.markdownDescription ?? property.description);
      for (const description of property.enumDescriptions ?? []) check(`${key} enum`, description);
    }
    for (const welcome of contributes.viewsWelcome) check('viewsWelcome', welcome.contents);
    for (const walkthrough of contributes.walkthroughs) {
      check('walkthrough', walkthrough.title);
      check('walkthrough', walkthrough.description);
      for (const step of walkthrough.steps) {
        check('step', step.title);
        check('step', step.description);
      }
    }
    assert.deepStrictEqual(plain, []);
  });

  it('every l10n.t( message in src is a literal in l10n/bundle.l10n.json, and the bundle has no stale ones', () => {
    const bundle = readJson('l10n/bundle.l10n.json') as Record<string, unknown>;
    const used = new Set<string>();
    const problems: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      const found = l10nMessages(fs.readFileSync(file, 'utf8'));
      for (const message of found.messages) used.add(message);
      problems.push(...found.problems.map((p) => `${path.relative(ROOT, file)}: ${p}`));
    }
    assert.deepStrictEqual(problems, [], 'l10n.t( calls whose message is not a plain string literal');
    assert.ok(used.size > 100, `only ${used.size} messages are localized`);
    const missing = [...used].filter((message) => typeof bundle[message] !== 'string');
    assert.deepStrictEqual(missing, [], 'messages missing from l10n/bundle.l10n.json (run npm run l10n)');
    const stale = Object.keys(bundle).filter((message) => !used.has(message));
    assert.deepStrictEqual(stale, [], 'messages in l10n/bundle.l10n.json that src no longer uses (run npm run l10n)');
  });

  it('reads messages the way the bundle stores them: escapes resolved, expressions refused', () => {
    const text = [
      "vscode.l10n.t('It\\'s {0}', a);",
      'vscode.l10n.t("{0}\\n\\nSave it?", b);',
      'l10n.t(`plain`);',
      'vscode.l10n.t(`Hi ${name}`);',
      'vscode.l10n.t(message);',
    ].join('\n');
    const { messages, problems } = l10nMessages(text);
    assert.deepStrictEqual(messages, ["It's {0}", '{0}\n\nSave it?', 'plain']);
    assert.strictEqual(problems.length, 2);
    assert.match(problems[0]!, /template literal with an expression/);
    assert.match(problems[1]!, /not a string literal/);
  });
});
