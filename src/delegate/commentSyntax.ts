// How comments are written in each language, for finding TODO-style comments without a parser: the
// markers that comment out the rest of a line, the comments that have an end, and the quotes of one-line
// strings (a marker between quotes is not a comment). Languages are VS Code language ids.

/** A comment with an end, e.g. `/*` … `*\/`. */
export interface BlockMarkers {
  open: string;
  close: string;
}

export interface CommentSyntax {
  /** Markers that comment out the rest of the line, e.g. `//`, `#`. */
  line: readonly string[];
  /** Comments with an end, e.g. `/* … *\/`, `<!-- … -->`. */
  block: readonly BlockMarkers[];
  /** Quote characters of one-line strings: a marker between a pair of them is not a comment. */
  quotes: readonly string[];
  /** A line marker starts a comment only at the start of the line or after whitespace (shell: `a#b` is no comment). */
  markerAfterSpace?: boolean;
}

const SLASH_STAR: BlockMarkers = { open: '/*', close: '*/' };
const HTML_COMMENT: BlockMarkers = { open: '<!--', close: '-->' };
const QUOTES_JS = ['"', "'", '`'] as const;
const QUOTES = ['"', "'"] as const;
const DOUBLE_QUOTE = ['"'] as const;

function syntax(line: readonly string[], block: readonly BlockMarkers[], quotes: readonly string[], markerAfterSpace = false): CommentSyntax {
  return markerAfterSpace ? { line, block, quotes, markerAfterSpace } : { line, block, quotes };
}

const JS_LIKE = syntax(['//'], [SLASH_STAR], QUOTES_JS);
const C_LIKE = syntax(['//'], [SLASH_STAR], QUOTES);
const HASH = syntax(['#'], [], QUOTES);
const HASH_AFTER_SPACE = syntax(['#'], [], QUOTES, true);
const DASHES = syntax(['--'], [SLASH_STAR], QUOTES);
const MARKUP = syntax([], [HTML_COMMENT], QUOTES);
const LISP = syntax([';'], [], DOUBLE_QUOTE);
const PERCENT = syntax(['%'], [], DOUBLE_QUOTE);

/** Unknown languages: the two most common line markers. */
export const DEFAULT_COMMENT_SYNTAX: CommentSyntax = syntax(['//', '#'], [], QUOTES_JS);

const SYNTAX_BY_LANGUAGE: ReadonlyMap<string, CommentSyntax> = new Map<string, CommentSyntax>([
  ...ids(JS_LIKE, 'typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'json', 'jsonc', 'go'),
  ...ids(C_LIKE, 'java', 'kotlin', 'c', 'cpp', 'cuda-cpp', 'csharp', 'objective-c', 'objective-cpp', 'swift', 'scala', 'groovy', 'dart', 'proto', 'solidity', 'hlsl', 'glsl'),
  ['rust', syntax(['//'], [SLASH_STAR], DOUBLE_QUOTE)],
  ['zig', syntax(['//'], [], DOUBLE_QUOTE)],
  ['php', syntax(['//', '#'], [SLASH_STAR], QUOTES)],
  ...ids(HASH, 'python', 'ruby', 'perl', 'r', 'elixir', 'coffeescript', 'toml', 'cmake', 'graphql', 'nim', 'crystal'),
  ...ids(HASH_AFTER_SPACE, 'shellscript', 'yaml', 'dockercompose', 'dockerfile', 'makefile'),
  ['julia', syntax(['#'], [{ open: '#=', close: '=#' }], QUOTES)],
  ['powershell', syntax(['#'], [{ open: '<#', close: '#>' }], QUOTES)],
  ...ids(syntax([';', '#'], [], DOUBLE_QUOTE), 'ini', 'properties'),
  ...ids(syntax(['#', '//'], [SLASH_STAR], DOUBLE_QUOTE), 'terraform', 'hcl'),
  ['nix', syntax(['#'], [SLASH_STAR], DOUBLE_QUOTE)],
  ...ids(DASHES, 'sql', 'plsql', 'mysql', 'postgres'),
  ['lua', syntax(['--'], [{ open: '--[[', close: ']]' }], QUOTES)],
  ...ids(syntax(['--'], [{ open: '{-', close: '-}' }], DOUBLE_QUOTE), 'haskell', 'elm', 'purescript'),
  ...ids(MARKUP, 'html', 'xml', 'xsl', 'svg'),
  ['markdown', syntax([], [HTML_COMMENT], [])],
  ...ids(syntax(['//'], [SLASH_STAR, HTML_COMMENT], QUOTES_JS), 'vue', 'svelte', 'astro'),
  ['css', syntax([], [SLASH_STAR], QUOTES)],
  ...ids(syntax(['//'], [SLASH_STAR], QUOTES), 'scss', 'less', 'stylus'),
  ...ids(LISP, 'clojure', 'lisp', 'scheme', 'racket'),
  ...ids(PERCENT, 'erlang', 'matlab'),
  ...ids(syntax(['%'], [], []), 'latex', 'tex', 'bibtex'),
  ['vb', syntax(["'"], [], DOUBLE_QUOTE)],
  ['fsharp', syntax(['//'], [{ open: '(*', close: '*)' }], DOUBLE_QUOTE)],
  ['ocaml', syntax([], [{ open: '(*', close: '*)' }], DOUBLE_QUOTE)],
]);

function ids(value: CommentSyntax, ...languageIds: string[]): Array<[string, CommentSyntax]> {
  return languageIds.map((id) => [id, value]);
}

/** The comment markers of a language (a VS Code language id); unknown languages get `//` and `#`. */
export function commentSyntaxFor(languageId: string | undefined): CommentSyntax {
  return (languageId === undefined ? undefined : SYNTAX_BY_LANGUAGE.get(languageId.toLowerCase())) ?? DEFAULT_COMMENT_SYNTAX;
}

/** Whether the language's comments have a `/* … *\/` form, whose continuation lines start with `*`. */
export function hasStarContinuation(syntax: CommentSyntax): boolean {
  return syntax.block.some((block) => block.close === '*/');
}
