import * as assert from 'assert';
import { JSDOM } from 'jsdom';
import { createMarkdownRenderer, type MarkdownRenderer } from '../../src/webview/markdown';

/** Parses rendered HTML in a fresh document so assertions look at the DOM a webview would build. */
function parse(html: string): Document {
  return new JSDOM(`<!doctype html><body>${html}</body>`).window.document;
}

function allAttributes(doc: Document): Array<{ tag: string; name: string; value: string }> {
  const found: Array<{ tag: string; name: string; value: string }> = [];
  for (const element of Array.from(doc.body.querySelectorAll('*'))) {
    for (const attr of Array.from(element.attributes)) found.push({ tag: element.tagName, name: attr.name, value: attr.value });
  }
  return found;
}

/** Nothing that runs code, loads a resource or navigates anywhere but https/#anchors. */
function assertInert(html: string): Document {
  const doc = parse(html);
  for (const tag of ['script', 'img', 'iframe', 'object', 'embed', 'style', 'link', 'svg', 'math', 'form', 'input', 'video', 'audio', 'source', 'base', 'meta']) {
    assert.strictEqual(doc.body.querySelector(tag), null, `<${tag}> survived in ${html}`);
  }
  for (const { tag, name, value } of allAttributes(doc)) {
    assert.ok(!name.toLowerCase().startsWith('on'), `${tag} kept event handler ${name}`);
    assert.notStrictEqual(name, 'style', `${tag} kept a style attribute`);
    assert.notStrictEqual(name, 'src', `${tag} kept src`);
    assert.notStrictEqual(name, 'srcset', `${tag} kept srcset`);
    if (name === 'href') assert.ok(/^(https:|#)/i.test(value), `${tag} kept href=${value}`);
  }
  return doc;
}

describe('markdown renderer', () => {
  let renderer: MarkdownRenderer;
  before(() => {
    renderer = createMarkdownRenderer(new JSDOM('').window);
  });

  it('renders ordinary markdown', () => {
    const doc = parse(renderer.render('# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n```ts\nconst x = 1;\n```'));
    assert.strictEqual(doc.querySelector('h1')?.textContent, 'Title');
    assert.strictEqual(doc.querySelector('strong')?.textContent, 'bold');
    assert.strictEqual(doc.querySelectorAll('li').length, 2);
    assert.strictEqual(doc.querySelector('pre code')?.textContent, 'const x = 1;\n');
  });

  it('keeps https links and forces rel="noopener noreferrer"', () => {
    const doc = assertInert(renderer.render('See [the PR](https://github.com/o/r/pull/1) and https://codegen.com/x'));
    const links = Array.from(doc.querySelectorAll('a'));
    assert.deepStrictEqual(
      links.map((a) => a.getAttribute('href')),
      ['https://github.com/o/r/pull/1', 'https://codegen.com/x'],
    );
    for (const a of links) assert.strictEqual(a.getAttribute('rel'), 'noopener noreferrer');
  });

  it('keeps in-document anchors', () => {
    const doc = assertInert(renderer.render('[jump](#details)'));
    assert.strictEqual(doc.querySelector('a')?.getAttribute('href'), '#details');
  });

  it('escapes raw HTML: <script> and <img onerror> come out as text', () => {
    const source = '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<a href="https://x" onclick="alert(3)">x</a>';
    const doc = assertInert(renderer.render(source));
    // Only the linkified https address inside the escaped text may become a link, never the raw <a>.
    assert.deepStrictEqual(
      Array.from(doc.querySelectorAll('a')).map((a) => [a.getAttribute('href'), a.textContent]),
      [['https://x', 'https://x']],
    );
    assert.ok(doc.body.textContent?.includes('onclick="alert(3)"'), 'the raw <a> should stay visible as text');
    assert.ok(doc.body.textContent?.includes('<script>alert(1)</script>'), 'script should stay visible as text');
    assert.ok(doc.body.textContent?.includes('onerror'), 'img should stay visible as text');
  });

  for (const [scheme, href] of [
    ['javascript:', 'javascript:alert(1)'],
    ['JavaScript: with entities', 'JaVaScRiPt&#58;alert(1)'],
    ['command:', 'command:workbench.action.terminal.new'],
    ['vscode:', 'vscode://codegen-sh.codegen-vscode/run'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['http:', 'http://example.com/'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['protocol-relative', '//evil.example/x'],
  ] as const) {
    it(`drops ${scheme} links (markdown and autolink forms)`, () => {
      for (const source of [`[click](${href})`, `<${href}>`, `[ref][1]\n\n[1]: ${href}`]) {
        const doc = assertInert(renderer.render(source));
        for (const a of Array.from(doc.querySelectorAll('a'))) {
          assert.ok(!a.hasAttribute('href'), `kept ${a.getAttribute('href')} from ${source}`);
        }
      }
    });
  }

  it('never loads images: remote images become links, others plain text', () => {
    const doc = assertInert(
      renderer.render('![tracker](https://evil.example/pixel.png) ![local](file:///x.png) ![d](data:image/png;base64,AAAA) ![plain](http://x/y.png)'),
    );
    assert.strictEqual(doc.querySelector('img'), null);
    const links = Array.from(doc.querySelectorAll('a'));
    assert.deepStrictEqual(
      links.map((a) => a.getAttribute('href')),
      ['https://evil.example/pixel.png'],
    );
    assert.ok(links[0]?.textContent?.includes('tracker'));
  });

  it('strips inline styles from tables and keeps their content', () => {
    const doc = assertInert(renderer.render('| a | b |\n|:-:|--:|\n| 1 | 2 |'));
    assert.strictEqual(doc.querySelectorAll('td').length, 2);
  });

  it('survives hostile nesting and entity tricks', () => {
    const sources = [
      '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
      '[<img src=x onerror=alert(1)>](https://ok.example)',
      '<svg><script>alert(1)</script></svg>',
      '<<script>script>alert(1)<</script>/script>',
      '[a](&#106;avascript:alert(1))',
      '[a](java\nscript:alert(1))',
      '`<img src=x onerror=alert(1)>`',
      '<details open ontoggle=alert(1)>',
    ];
    for (const source of sources) assertInert(renderer.render(source));
  });
});
