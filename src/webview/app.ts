// The run details page: header (status, times, source, links, pull requests, actions), summary and
// result as sanitized markdown, the follow-up box, and the log view. It talks to the extension only
// through the typed protocol, validates every message it receives, and renders service text as text.

import type { WindowLike } from 'dompurify';
import { assertNever, parseToWebview, type ActionKind, type FromWebview, type RunView, type StatusCategory, type ToWebview } from '../protocol/messages';
import { BRING_BACK_KINDS, LIMITS } from '../protocol/messages';
import { LogView, button, defaultFormatTime, type LogViewState } from './logView';
import { createMarkdownRenderer, type MarkdownRenderer } from './markdown';

/** The part of the VS Code webview API the page uses (acquireVsCodeApi()). */
export interface WebviewHost {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface AppOptions {
  /** The run this page shows (from the shell's data-run-id); saved in the webview state so the panel serializer can restore it. */
  runId: number;
  /** The window DOMPurify sanitizes with (the webview's own). */
  window: Window;
  viewportHeight?: () => number;
  requestFrame?: (callback: () => void) => void;
  formatTime?: (iso: string) => { short: string; full: string };
  /** Where dropped messages are reported (default console.warn). */
  warn?: (message: string) => void;
}

interface SavedState {
  runId: number;
  log: LogViewState;
  draft: string;
}

const STATUS_GLYPHS: Record<StatusCategory, string> = {
  inProgress: '●',
  needsUser: '❚❚',
  succeeded: '✓',
  failed: '✕',
  cancelled: '⊘',
  unknown: '?',
};

function readSavedState(raw: unknown): Omit<SavedState, 'runId'> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const state = raw as Partial<SavedState>;
  const log = state.log;
  if (typeof log !== 'object' || log === null || typeof log.filter !== 'object' || log.filter === null) return undefined;
  const filter = { messageType: String(log.filter.messageType ?? ''), search: String(log.filter.search ?? '') };
  const open = Array.isArray(log.open) ? log.open.filter((key): key is string => typeof key === 'string') : [];
  const anchor =
    log.anchor && typeof log.anchor.key === 'number' && typeof log.anchor.delta === 'number' ? { key: log.anchor.key, delta: log.anchor.delta } : undefined;
  return { log: { filter, open, ...(anchor ? { anchor } : {}) }, draft: typeof state.draft === 'string' ? state.draft : '' };
}

export class RunDetailsApp {
  private readonly doc: Document;
  private readonly markdown: MarkdownRenderer;
  private readonly logView: LogView;
  private readonly formatTime: (iso: string) => { short: string; full: string };
  private run: RunView | undefined;
  private polling = false;
  private renderedMarkdown = { summary: '', result: '' };
  private sendingFollowUp = false;

  // Header and sections, filled as state arrives.
  private readonly title: HTMLElement;
  private readonly statusIcon: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly liveBadge: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly prSection: HTMLElement;
  private readonly prList: HTMLElement;
  private readonly actionButtons = new Map<ActionKind, HTMLButtonElement>();
  private readonly notice: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly errorText: HTMLElement;
  private readonly summarySection: HTMLElement;
  private readonly summaryBody: HTMLElement;
  private readonly resultSection: HTMLElement;
  private readonly resultBody: HTMLElement;
  private readonly followUpInput: HTMLTextAreaElement;
  private readonly followUpButton: HTMLButtonElement;
  private readonly followUpStatus: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: WebviewHost,
    private readonly options: AppOptions,
  ) {
    const doc = root.ownerDocument;
    this.doc = doc;
    this.formatTime = options.formatTime ?? defaultFormatTime;
    this.markdown = createMarkdownRenderer(options.window as unknown as WindowLike);
    const saved = readSavedState(host.getState());

    const details = this.el('div', 'details');
    const header = this.el('header', 'run-header');
    this.title = this.el('h1', 'run-title', 'Loading run…');
    const statusLine = this.el('div', 'status-line');
    this.statusIcon = this.el('span', 'status-icon status-unknown', STATUS_GLYPHS.unknown);
    this.statusIcon.setAttribute('aria-hidden', 'true');
    this.statusText = this.el('span', 'status-text');
    this.liveBadge = this.el('span', 'live-badge', 'Live');
    this.liveBadge.title = 'Following the run: new log entries appear as they come';
    this.liveBadge.hidden = true;
    statusLine.append(this.statusIcon, this.statusText, this.liveBadge);
    this.meta = this.el('dl', 'run-meta');

    this.prSection = this.el('section', 'pull-requests');
    this.prSection.setAttribute('aria-label', 'Pull requests');
    this.prList = this.el('ul', 'pr-list');
    this.prSection.append(this.el('h2', '', 'Pull requests'), this.prList);
    this.prSection.hidden = true;

    const actions = this.el('div', 'actions');
    actions.setAttribute('role', 'toolbar');
    actions.setAttribute('aria-label', 'Run actions');
    const actionDefs: Array<[ActionKind, string, string]> = [
      ['openInBrowser', 'Open in browser', 'Open this run in the Codegen web app'],
      ['ban', 'Ban checks…', 'Stop every agent on this run’s pull request and ignore its future CI check events'],
      ['unban', 'Unban checks…', 'Let CI check events on this run’s pull request start agents again'],
      ['removeFromPr', 'Remove from PR…', 'Stop every agent on this run’s pull request and stop processing it'],
      ['reviewChanges', 'Review changes', 'Fetch the pull request branch and show its changes in a diff editor (your files are not touched)'],
      ['checkoutChanges', 'Check out…', 'Switch to the pull request branch (asks first when you have uncommitted changes)'],
      ['applyChanges', 'Apply to my working tree…', 'Apply the branch’s changes to your files without switching branch'],
    ];
    for (const [kind, label, title] of actionDefs) {
      const b = button(doc, label, () => this.post({ type: 'action', kind }), title);
      if (kind !== 'openInBrowser') b.classList.add('secondary');
      this.actionButtons.set(kind, b);
      actions.append(b);
    }
    this.notice = this.el('div', 'notice');
    this.notice.setAttribute('role', 'status');
    this.notice.setAttribute('aria-live', 'polite');

    this.errorBox = this.el('div', 'error-box');
    this.errorBox.setAttribute('role', 'alert');
    this.errorText = this.el('span', 'error-text');
    const retry = button(doc, 'Retry', () => {
      this.errorBox.hidden = true;
      this.post({ type: 'refresh' });
    });
    retry.classList.add('secondary');
    this.errorBox.append(this.errorText, retry);
    this.errorBox.hidden = true;

    header.append(this.title, statusLine, this.meta, this.prSection, actions, this.notice, this.errorBox);

    this.summarySection = this.el('section', 'markdown-section summary');
    this.summarySection.setAttribute('aria-label', 'Summary');
    this.summaryBody = this.el('div', 'markdown');
    this.summarySection.append(this.el('h2', '', 'Summary'), this.summaryBody);
    this.summarySection.hidden = true;
    this.resultSection = this.el('section', 'markdown-section result');
    this.resultSection.setAttribute('aria-label', 'Result');
    this.resultBody = this.el('div', 'markdown');
    this.resultSection.append(this.el('h2', '', 'Result'), this.resultBody);
    this.resultSection.hidden = true;

    const followUp = this.el('section', 'follow-up');
    followUp.setAttribute('aria-label', 'Follow-up');
    const label = this.el('label', '', 'Follow-up for the agent') as HTMLLabelElement;
    label.htmlFor = 'follow-up-input';
    this.followUpInput = doc.createElement('textarea');
    this.followUpInput.id = 'follow-up-input';
    this.followUpInput.rows = 3;
    this.followUpInput.maxLength = LIMITS.followUp;
    this.followUpInput.placeholder = 'Ask for a change or answer the agent (Ctrl+Enter to send)';
    this.followUpInput.value = saved?.draft ?? '';
    this.followUpInput.addEventListener('input', () => this.saveState());
    this.followUpInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.sendFollowUp();
      }
    });
    this.followUpButton = button(doc, 'Send follow-up', () => this.sendFollowUp());
    this.followUpStatus = this.el('span', 'follow-up-status');
    this.followUpStatus.setAttribute('role', 'status');
    const followUpRow = this.el('div', 'follow-up-row');
    followUpRow.append(this.followUpButton, this.followUpStatus);
    followUp.append(label, this.followUpInput, followUpRow);

    // The header, the summary and the result scroll together; the follow-up box below them stays in view
    // however long they are.
    const body = this.el('div', 'details-body');
    body.append(header, this.summarySection, this.resultSection);
    details.append(body, followUp);

    this.logView = new LogView({
      document: doc,
      post: (message) => this.post(message),
      ...(saved ? { initialState: saved.log } : {}),
      onStateChange: () => this.saveState(),
      ...(options.viewportHeight ? { viewportHeight: options.viewportHeight } : {}),
      ...(options.requestFrame ? { requestFrame: options.requestFrame } : {}),
      formatTime: this.formatTime,
    });

    root.replaceChildren(details, this.logView.element);
    // Links (markdown, pull requests, the web app) never navigate the webview: the extension opens
    // https ones in the browser after checking them again.
    root.addEventListener('click', (event) => this.onLinkClick(event));
    root.addEventListener('auxclick', (event) => this.onLinkClick(event));
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.target as Element | null)?.closest?.('a[data-href]')) this.onLinkClick(event);
    });
    // Saved at once: the panel serializer restores the panel from {runId} after a reload.
    this.saveState();
  }

  get logs(): LogView {
    return this.logView;
  }

  /** Tells the extension the page is ready for state (it answers with `state` and `logs`). */
  start(): void {
    this.post({ type: 'ready' });
  }

  handleMessage(raw: unknown): void {
    const message = parseToWebview(raw);
    if (!message) {
      (this.options.warn ?? console.warn)('Codegen run details: dropped a malformed or unknown message from the extension');
      return;
    }
    this.apply(message);
  }

  private apply(message: ToWebview): void {
    switch (message.type) {
      case 'state':
        this.run = message.run;
        this.polling = message.polling;
        this.renderRun();
        return;
      case 'logs':
        this.logView.setLogs(message.mode, message.entries, message.hasOlder, message.totalLogs);
        this.errorBox.hidden = true;
        this.renderMeta();
        return;
      case 'logsLoading':
        this.logView.setLoading(message.newest, message.older);
        return;
      case 'followUpResult':
        this.sendingFollowUp = false;
        this.followUpButton.disabled = false;
        this.followUpInput.disabled = false;
        this.followUpStatus.textContent = message.message;
        this.followUpStatus.classList.toggle('is-error', !message.ok);
        if (message.ok) {
          this.followUpInput.value = '';
          this.saveState();
        }
        return;
      case 'actionResult':
        this.showNotice(message.message, !message.ok);
        return;
      case 'error':
        this.errorText.textContent = message.message;
        this.errorBox.hidden = false;
        this.logView.setNotice('');
        return;
      default:
        assertNever(message);
    }
  }

  private post(message: FromWebview): void {
    this.host.postMessage(message);
  }

  private sendFollowUp(): void {
    const text = this.followUpInput.value;
    if (this.sendingFollowUp) return;
    if (text.trim() === '') {
      this.followUpStatus.textContent = 'Write a follow-up first.';
      this.followUpStatus.classList.add('is-error');
      return;
    }
    this.sendingFollowUp = true;
    this.followUpButton.disabled = true;
    this.followUpInput.disabled = true;
    this.followUpStatus.classList.remove('is-error');
    this.followUpStatus.textContent = 'Sending…';
    this.post({ type: 'sendFollowUp', text: text.slice(0, LIMITS.followUp) });
  }

  private showNotice(text: string, isError: boolean): void {
    this.notice.textContent = text;
    this.notice.classList.toggle('is-error', isError);
  }

  private saveState(): void {
    const state: SavedState = { runId: this.options.runId, log: this.logView.currentState(), draft: this.followUpInput.value };
    this.host.setState(state);
  }

  private onLinkClick(event: MouseEvent | KeyboardEvent): void {
    const target = event.target as Element | null;
    const anchor = target?.closest?.('a');
    if (!anchor || !this.root.contains(anchor)) return;
    event.preventDefault();
    const href = anchor.getAttribute('data-href');
    if (!href || href.startsWith('#')) return;
    if (event.type === 'auxclick' && (event as MouseEvent).button !== 1) return;
    this.post({ type: 'openExternal', url: href.slice(0, LIMITS.url) });
  }

  private renderRun(): void {
    const run = this.run;
    if (!run) return;
    this.title.textContent = run.title;
    this.doc.title = run.title;
    this.statusIcon.className = `status-icon status-${run.statusCategory}`;
    this.statusIcon.textContent = STATUS_GLYPHS[run.statusCategory];
    this.statusText.textContent = run.statusLabel || 'Unknown';
    this.statusText.title = run.status ? `Status: ${run.status}` : 'The service sent no status';
    this.liveBadge.hidden = !this.polling;
    this.renderMeta();
    this.renderPullRequests(run);
    this.actionButtons.get('openInBrowser')!.disabled = run.webUrl === '';
    for (const kind of BRING_BACK_KINDS) this.actionButtons.get(kind)!.hidden = !run.canBringBack;
    this.renderMarkdown('summary', run.summary, this.summarySection, this.summaryBody);
    this.renderMarkdown('result', run.result, this.resultSection, this.resultBody);
  }

  private renderMeta(): void {
    const run = this.run;
    if (!run) return;
    const rows: Array<[string, string | HTMLElement, string?]> = [];
    rows.push(['Run', `#${run.id}`]);
    if (run.createdAt) {
      const time = this.formatTime(run.createdAt);
      rows.push(['Created', time.full, run.createdAt]);
    }
    const newest = this.logView.loadedEntries.at(-1);
    if (newest?.createdAt) rows.push(['Last activity', this.formatTime(newest.createdAt).full, newest.createdAt]);
    if (run.sourceType) rows.push(['Source', run.sourceType]);
    if (run.webUrl) {
      const link = this.el('a', 'web-link', 'Open in the web app') as HTMLAnchorElement;
      asExtensionLink(link, run.webUrl);
      rows.push(['Web app', link]);
    }
    const children: HTMLElement[] = [];
    for (const [term, value, title] of rows) {
      const dt = this.el('dt', '', term);
      const dd = this.el('dd', '');
      if (typeof value === 'string') dd.textContent = value;
      else dd.append(value);
      if (title) dd.title = title;
      children.push(dt, dd);
    }
    this.meta.replaceChildren(...children);
  }

  private renderPullRequests(run: RunView): void {
    this.prSection.hidden = run.pullRequests.length === 0;
    const items = run.pullRequests.map((pr) => {
      const li = this.el('li', 'pr');
      if (pr.url) {
        const link = this.el('a', 'pr-title', pr.title) as HTMLAnchorElement;
        asExtensionLink(link, pr.url);
        li.append(link);
      } else {
        li.append(this.el('span', 'pr-title', pr.title));
      }
      if (pr.branch) li.append(this.el('code', 'pr-branch', pr.branch));
      if (pr.state) li.append(this.el('span', `pr-state state-${pr.state.replace(/[^a-z]/g, '')}`, pr.state));
      return li;
    });
    this.prList.replaceChildren(...items);
  }

  private renderMarkdown(which: 'summary' | 'result', source: string, section: HTMLElement, body: HTMLElement): void {
    section.hidden = source.trim() === '';
    if (this.renderedMarkdown[which] === source) return;
    this.renderedMarkdown[which] = source;
    // The only innerHTML in the page: markdown-it (raw HTML off) then DOMPurify (strict allow-list).
    body.innerHTML = this.markdown.render(source);
    for (const anchor of body.querySelectorAll('a[href]')) asExtensionLink(anchor, anchor.getAttribute('href') ?? '');
  }

  private el(tag: string, className: string, text?: string): HTMLElement {
    const element = this.doc.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }
}

/**
 * A link that only the extension opens: no href, so neither the webview nor VS Code's own link handling
 * (which would open it past the extension's https check) navigates; a click posts openExternal.
 */
function asExtensionLink(anchor: Element, url: string): void {
  anchor.removeAttribute('href');
  anchor.setAttribute('data-href', url);
  anchor.setAttribute('role', 'link');
  anchor.setAttribute('tabindex', '0');
  anchor.setAttribute('title', url);
}
