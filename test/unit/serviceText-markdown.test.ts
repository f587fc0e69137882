// Service text shown in chat markdown (escapeMarkdown, the one escape in src/util/serviceText) stays text: a
// hostile table of inputs rendered with markdown-it (links found in bare text, HTML allowed: the strictest
// reading) gives paragraphs of plain text only, and the text a reader sees is the input.
import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { confirmationText } from '../../src/delegate/toolResults';
import { escapeMarkdown } from '../../src/util/serviceText';

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

const HOSTILE: Array<[string, string]> = [
  ['bare autolink (decimal IP)', 'see https://3232235777/x now'],
  ['bare www link', 'go to www.example.com/login'],
  ['fuzzy domain and email', 'mail evil.com or admin@evil.com'],
  ['mailto and ftp', 'mailto:a@b.co ftp://files.example.com/x'],
  ['protocol-relative link', '//evil.example/x'],
  ['angle autolink', '<https://evil.example/>'],
  ['setext heading =', 'Title\n==='],
  ['setext heading -', 'Title\n---'],
  ['thematic breaks', '***\n\n___\n\n- - -'],
  ['indented code (4 spaces)', 'text\n\n    rm -rf /'],
  ['indented code (tab)', '\tcode here'],
  ['leading spaces and trailing hard break', '   three spaces  \nnext line'],
  ['html block', '<div onclick="x()">hi</div>'],
  ['inline html', 'a <img src=x onerror=alert(1)> b'],
  ['html comment', '<!-- hidden --> shown'],
  ['link', '[click here](https://evil.example/)'],
  ['reference link', '[x][1]\n\n[1]: https://evil.example/'],
  ['image', '![img](https://evil.example/p.png)'],
  ['backticks', 'use `rm -rf` or ``x``'],
  ['fenced code', '```js\nalert(1)\n```'],
  ['tilde fence', '~~~\ncode\n~~~'],
  ['table', '| a | b |\n|---|---|\n| 1 | 2 |'],
  ['emphasis', '*em* _em_ **strong** __strong__ ~~gone~~'],
  ['heading', '# Heading\n## Two'],
  ['numbered list', '1. first\n2) second'],
  ['bullet lists', '- a\n+ b\n* c'],
  ['blockquote', '> quoted\n>> nested'],
  ['entities', 'AT&amp;T &lt;b&gt; &#x41; &copy;'],
  ['backslashes', 'C:\\path\\to\\ end\\\nline'],
  ['theme icon and emoji', '$(zap) :smile: 5$ ^x^'],
  ['punctuation soup', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'],
  ['plain words', 'Status: Completed. 3 files changed, 2 tests added!'],
];

/** The block and inline token types of plain text: paragraphs of text and line breaks. */
const PLAIN_BLOCKS = new Set(['paragraph_open', 'paragraph_close', 'inline']);
const PLAIN_INLINE = new Set(['text', 'softbreak']);

/** What a reader sees: the paragraphs' text, a line break as \n, paragraphs apart by a blank line. */
function visibleText(tokens: Token[]): string {
  const paragraphs: string[] = [];
  for (const token of tokens) {
    if (token.type !== 'inline') continue;
    paragraphs.push((token.children ?? []).map((child) => (child.type === 'softbreak' ? '\n' : child.content)).join(''));
  }
  return paragraphs.join('\n\n');
}

describe('escapeMarkdown: service text in chat markdown stays text', () => {
  for (const [name, input] of HOSTILE) {
    it(`renders as plain text, exactly as given: ${name}`, () => {
      const escaped = escapeMarkdown(input);
      const tokens = md.parse(escaped, {});
      const blocks = tokens.filter((token) => !PLAIN_BLOCKS.has(token.type)).map((token) => token.type);
      assert.deepEqual(blocks, [], `no heading, code, list, quote, table or html block for ${JSON.stringify(escaped)}`);
      const inline = tokens.flatMap((token) => token.children ?? []).filter((child) => !PLAIN_INLINE.has(child.type)).map((child) => child.type);
      assert.deepEqual(inline, [], `no link, image, code, html or emphasis for ${JSON.stringify(escaped)}`);
      const html = md.render(escaped);
      assert.doesNotMatch(html, /<(?:a|img|code|pre|h\d|ul|ol|li|blockquote|table|em|strong|s|hr|div|br)\b/, html);
      assert.equal(visibleText(tokens), input.replace(/\n{3,}/g, '\n\n'));
    });
  }

  it('keeps paragraphs and line breaks of a multi-line summary', () => {
    const tokens = md.parse(escapeMarkdown('First line\nsecond line\r\n\r\nNew paragraph'), {});
    assert.equal(tokens.filter((token) => token.type === 'paragraph_open').length, 2);
    assert.equal(visibleText(tokens), 'First line\nsecond line\n\nNew paragraph');
  });

  it('the tool confirmation shows the files a model named as text: no link, image or html from a path', () => {
    const label = '[docs](https://3232235777/x) ![i](https://e/p.png) <b>x</b> https://evil.example/y.ts';
    const { message } = confirmationText({ prompt: 'Fix it', files: [] }, [{ label }, { label: 'gone.ts', notSent: '<i>see https://evil.example/</i>' }]);
    const tokens = md.parse(message, {});
    const kinds = new Set(tokens.flatMap((token) => [token.type, ...(token.children ?? []).map((child) => child.type)]));
    for (const kind of ['link_open', 'image', 'html_inline', 'html_block']) assert.ok(!kinds.has(kind), `${kind} in ${message}`);
    const shown = tokens.filter((token) => token.type === 'inline').map((token) => token.content);
    assert.ok(md.renderInline(shown.find((line) => line.includes('docs')) ?? '').includes(label.replace(/</g, '&lt;').replace(/>/g, '&gt;')), message);
  });
});
