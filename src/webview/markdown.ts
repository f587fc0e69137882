// Markdown from the service (run summary and result) rendered for the webview. Three layers, because the
// text is untrusted: markdown-it with raw HTML off and only https/#anchor links, images turned into text
// or links (nothing remote ever loads), then DOMPurify with a strict allow-list. Pure: the window is
// injected, so Node tests pass a jsdom window and the webview passes its own.

import createDOMPurify, { type WindowLike } from 'dompurify';
import MarkdownIt from 'markdown-it';
import { isFragmentLink, isSafeExternalUrl } from '../util/urlPolicy';

export interface MarkdownRenderer {
  /** Sanitized HTML for `markdown`: safe to assign to innerHTML. */
  render(markdown: string): string;
}

const ALLOWED_TAGS = [
  'a',
  'p',
  'br',
  'hr',
  'strong',
  'em',
  'b',
  'i',
  's',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
];
const ALLOWED_ATTR = ['href', 'title', 'start', 'class'];

export function isAllowedMarkdownLink(url: string): boolean {
  return isSafeExternalUrl(url) || isFragmentLink(url);
}

export function createMarkdownRenderer(window: WindowLike): MarkdownRenderer {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  md.validateLink = isAllowedMarkdownLink;

  // Never load an image: show its alt text, as a link to it when the address is https.
  md.renderer.rules.image = (tokens, idx, _options, _env, self) => {
    const token = tokens[idx];
    if (!token) return '';
    const alt = self.renderInlineAsText(token.children ?? [], _options, _env);
    const src = String(token.attrGet('src') ?? '');
    const label = md.utils.escapeHtml(alt || src || 'image');
    return isSafeExternalUrl(src) ? `<a href="${md.utils.escapeHtml(src)}">[image: ${label}]</a>` : `[image: ${label}]`;
  };

  const purify = createDOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') {
      return;
    }
    const href = node.getAttribute('href');
    if (href === null || !isAllowedMarkdownLink(href)) {
      node.removeAttribute('href');
      return;
    }
    if (!href.startsWith('#')) node.setAttribute('rel', 'noopener noreferrer');
  });

  return {
    render(markdown: string): string {
      const html = md.render(markdown);
      return purify.sanitize(html, {
        ALLOWED_TAGS,
        ALLOWED_ATTR,
        ALLOW_DATA_ATTR: false,
        ALLOW_ARIA_ATTR: false,
        ALLOWED_URI_REGEXP: /^(?:https:|#)/i,
        FORBID_TAGS: ['style', 'img', 'svg', 'math', 'iframe', 'form', 'input', 'script'],
        FORBID_ATTR: ['style', 'src', 'srcset'],
      });
    },
  };
}
