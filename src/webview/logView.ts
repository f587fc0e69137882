// The log section of the run details webview: toolbar (type filter, search, jumps, export), a status
// line, and the virtualized entry list. Every piece of service text is set with textContent.

import { LIMITS, type FromWebview, type LogEntryView, type LogsMode } from '../protocol/messages';
import { logEntryToText } from '../protocol/logText';
import {
  applyFilter,
  estimateRowHeight,
  findFinalAnswer,
  findFirstError,
  isFilterActive,
  mergeEntries,
  messageTypesOf,
  type LogFilter,
} from './logFilter';
import { VirtualList, type Anchor } from './virtualList';

/** What the log view keeps across the webview being hidden and shown again (vscode.setState). */
export interface LogViewState {
  filter: LogFilter;
  /** First visible entry and how far it is scrolled past, or undefined to follow the newest entries. */
  anchor?: { key: number; delta: number };
  /** Open folds, as "index:part". */
  open: string[];
}

export interface LogViewOptions {
  document: Document;
  post(message: FromWebview): void;
  initialState?: LogViewState;
  onStateChange?(state: LogViewState): void;
  /** Viewport height of the list (tests pass one: jsdom has no layout). */
  viewportHeight?: () => number;
  requestFrame?: (callback: () => void) => void;
  /** Local time formatting of ISO timestamps (injected for deterministic tests). */
  formatTime?: (iso: string) => { short: string; full: string };
}

const MAX_OPEN_FOLDS = 200;
/** Distance from the top (px) at which scrolling up asks for older entries. */
const LOAD_OLDER_THRESHOLD = 300;

export function defaultFormatTime(iso: string): { short: string; full: string } {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return { short: iso, full: iso };
  return { short: date.toLocaleTimeString(), full: date.toLocaleString() };
}

function lineCount(text: string): number {
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

export class LogView {
  readonly element: HTMLElement;
  private entries: LogEntryView[] = [];
  private visible: LogEntryView[] = [];
  private hasOlder = false;
  private totalLogs = 0;
  private loadingNewest = false;
  private loadingOlder = false;
  /** Set when we asked for older entries and no answer came yet: never ask twice at once. */
  private olderRequested = false;
  private receivedFirstPage = false;
  private filter: LogFilter;
  private readonly open: Set<string>;
  private pendingAnchor: { key: number; delta: number } | undefined;
  private notice = '';
  private readonly list: VirtualList<LogEntryView>;
  private readonly viewport: HTMLElement;
  private readonly typeSelect: HTMLSelectElement;
  private readonly searchInput: HTMLInputElement;
  private readonly countLabel: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly olderButton: HTMLButtonElement;
  private readonly formatTime: (iso: string) => { short: string; full: string };

  constructor(private readonly options: LogViewOptions) {
    const doc = options.document;
    this.formatTime = options.formatTime ?? defaultFormatTime;
    this.filter = { ...(options.initialState?.filter ?? { messageType: '', search: '' }) };
    this.open = new Set(options.initialState?.open ?? []);
    this.pendingAnchor = options.initialState?.anchor;

    this.element = el(doc, 'section', 'logs');
    this.element.setAttribute('aria-label', 'Logs');

    const toolbar = el(doc, 'div', 'toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Log tools');
    const heading = el(doc, 'h2', 'logs-title', 'Logs');

    this.typeSelect = doc.createElement('select');
    this.typeSelect.className = 'type-filter';
    this.typeSelect.setAttribute('aria-label', 'Filter by message type');
    this.typeSelect.addEventListener('change', () => this.updateFilter({ ...this.filter, messageType: this.typeSelect.value }));

    this.searchInput = doc.createElement('input');
    this.searchInput.type = 'search';
    this.searchInput.className = 'search';
    this.searchInput.placeholder = 'Search logs';
    this.searchInput.setAttribute('aria-label', 'Search logs');
    this.searchInput.value = this.filter.search;
    this.searchInput.addEventListener('input', () => this.updateFilter({ ...this.filter, search: this.searchInput.value }));

    const finalButton = button(doc, 'Final answer', () => this.jumpToFinalAnswer(), 'Jump to the final answer');
    const errorButton = button(doc, 'First error', () => this.jumpToFirstError(), 'Jump to the first error');
    const exportJson = button(doc, 'Export JSON', () => options.post({ type: 'exportLogs', format: 'json' }), 'Export all logs as JSON');
    const exportText = button(doc, 'Export text', () => options.post({ type: 'exportLogs', format: 'text' }), 'Export all logs as text');
    for (const b of [finalButton, errorButton, exportJson, exportText]) b.classList.add('secondary');
    this.countLabel = el(doc, 'span', 'count');
    this.countLabel.setAttribute('aria-live', 'polite');
    toolbar.append(heading, this.typeSelect, this.searchInput, finalButton, errorButton, exportJson, exportText, this.countLabel);

    const statusRow = el(doc, 'div', 'log-status');
    this.statusLine = el(doc, 'span', 'log-status-text');
    this.statusLine.setAttribute('role', 'status');
    this.olderButton = button(doc, 'Load older entries', () => this.requestOlder(), 'Load older log entries');
    this.olderButton.classList.add('secondary');
    this.olderButton.hidden = true;
    statusRow.append(this.olderButton, this.statusLine);

    this.viewport = el(doc, 'div', 'log-viewport');
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('aria-label', 'Log entries');
    this.list = new VirtualList<LogEntryView>({
      viewport: this.viewport,
      label: 'Log entries',
      keyOf: (entry) => entry.index,
      estimateHeight: estimateRowHeight,
      renderRow: (entry) => this.renderRow(entry),
      overscan: 4,
      ...(options.viewportHeight ? { viewportHeight: options.viewportHeight } : {}),
      ...(options.requestFrame ? { requestFrame: options.requestFrame } : {}),
      onRendered: () => this.saveState(),
    });
    this.viewport.addEventListener('scroll', () => {
      if (this.viewport.scrollTop < LOAD_OLDER_THRESHOLD) this.requestOlder();
    });
    // <details> 'toggle' does not bubble: listen in the capture phase.
    this.viewport.addEventListener(
      'toggle',
      (event) => {
        const details = event.target as HTMLDetailsElement | null;
        if (!details || details.tagName !== 'DETAILS') return;
        const key = details.dataset.fold;
        if (!key) return;
        if (details.open) this.open.add(key);
        else this.open.delete(key);
        while (this.open.size > MAX_OPEN_FOLDS) this.open.delete(this.open.values().next().value!);
        this.list.invalidate();
        this.saveState();
      },
      true,
    );

    this.element.append(toolbar, statusRow, this.viewport);
    this.renderTypeOptions();
    this.renderStatus();
  }

  /** Entries loaded so far (all of them, unfiltered). */
  get loadedEntries(): readonly LogEntryView[] {
    return this.entries;
  }

  /** Entries that pass the filter, in order. */
  get visibleEntries(): readonly LogEntryView[] {
    return this.visible;
  }

  /** Row elements currently in the DOM. */
  get renderedRowCount(): number {
    return this.viewport.querySelectorAll('.log-row').length;
  }

  get scrollElement(): HTMLElement {
    return this.viewport;
  }

  setLogs(mode: LogsMode, entries: LogEntryView[], hasOlder: boolean, totalLogs: number): void {
    this.entries = mergeEntries(this.entries, entries, mode);
    this.hasOlder = hasOlder;
    this.totalLogs = totalLogs;
    this.olderRequested = false;
    let anchor: Anchor = 'keep';
    if (!this.receivedFirstPage) {
      this.receivedFirstPage = true;
      // First page after (re)opening: go back where the user was, or to the newest entries.
      anchor = this.pendingAnchor ? 'keep' : 'bottom';
    }
    this.refilter(anchor);
    if (this.pendingAnchor && this.list.positionOf(this.pendingAnchor.key) !== undefined) {
      this.list.restoreAnchor(this.pendingAnchor);
      this.list.renderNow();
      this.pendingAnchor = undefined;
    }
    this.renderTypeOptions();
    this.renderStatus();
  }

  setLoading(newest: boolean, older: boolean): void {
    this.loadingNewest = newest;
    this.loadingOlder = older;
    if (!older) this.olderRequested = false;
    this.renderStatus();
  }

  /** A message shown in the status line (e.g. a failed load); cleared by the next logs. */
  setNotice(text: string): void {
    this.notice = text;
    this.renderStatus();
  }

  setFilter(filter: LogFilter): void {
    this.updateFilter(filter);
  }

  jumpToFinalAnswer(): boolean {
    return this.jumpTo(findFinalAnswer(this.entries), 'No final answer among the loaded entries.');
  }

  jumpToFirstError(): boolean {
    const entry = findFirstError(this.entries);
    const missing = this.hasOlder ? 'No error among the loaded entries; older entries are not loaded yet.' : 'No error in the logs.';
    return this.jumpTo(entry, missing);
  }

  /** The view's state for vscode.setState. */
  currentState(): LogViewState {
    const following = this.list.length === 0 || this.list.isAtBottom();
    const anchor = following ? undefined : this.list.captureAnchor();
    return { filter: { ...this.filter }, open: [...this.open], ...(anchor ? { anchor } : {}) };
  }

  dispose(): void {
    this.list.dispose();
  }

  private jumpTo(entry: LogEntryView | undefined, missing: string): boolean {
    if (!entry) {
      this.setNotice(missing);
      return false;
    }
    if (this.list.positionOf(entry.index) === undefined) {
      // Filtered out: show everything so the entry can be seen in context.
      this.updateFilter({ messageType: '', search: '' });
    }
    const row = this.list.scrollToKey(entry.index);
    row?.focus();
    this.setNotice('');
    return row !== undefined;
  }

  private requestOlder(): void {
    if (!this.hasOlder || this.loadingOlder || this.olderRequested || !this.receivedFirstPage) return;
    this.olderRequested = true;
    this.options.post({ type: 'loadOlderLogs' });
    this.renderStatus();
  }

  private updateFilter(filter: LogFilter): void {
    const changed = filter.messageType !== this.filter.messageType || filter.search !== this.filter.search;
    this.filter = { ...filter };
    if (this.typeSelect.value !== filter.messageType) this.typeSelect.value = filter.messageType;
    if (this.searchInput.value !== filter.search) this.searchInput.value = filter.search;
    if (changed) {
      this.refilter('keep');
      this.renderStatus();
      this.saveState();
    }
  }

  private refilter(anchor: Anchor): void {
    this.visible = applyFilter(this.entries, this.filter);
    this.list.setItems(this.visible, anchor);
  }

  private renderTypeOptions(): void {
    const doc = this.options.document;
    const types = messageTypesOf(this.entries);
    // Keep the chosen type listed even when no loaded entry has it (yet).
    if (this.filter.messageType !== '' && !types.includes(this.filter.messageType)) types.push(this.filter.messageType);
    const wanted = ['', ...types];
    const current = Array.from(this.typeSelect.options).map((option) => option.value);
    if (current.length === wanted.length && current.every((value, i) => value === wanted[i])) return;
    const options = wanted.map((value) => {
      const option = doc.createElement('option');
      option.value = value;
      option.textContent = value === '' ? 'All types' : value;
      return option;
    });
    this.typeSelect.replaceChildren(...options);
    this.typeSelect.value = this.filter.messageType;
  }

  private renderStatus(): void {
    const shown = this.visible.length;
    const loaded = this.entries.length;
    this.countLabel.textContent = isFilterActive(this.filter)
      ? `${shown} of ${loaded} loaded`
      : loaded < this.totalLogs
        ? `${loaded} of ${this.totalLogs} loaded`
        : `${loaded} ${loaded === 1 ? 'entry' : 'entries'}`;
    let status = this.notice;
    if (this.loadingNewest) status = 'Loading logs…';
    else if (this.loadingOlder || this.olderRequested) status = 'Loading older entries…';
    else if (this.receivedFirstPage && loaded === 0) status = status || 'No log entries yet.';
    this.statusLine.textContent = status;
    this.olderButton.hidden = !this.hasOlder;
    this.olderButton.disabled = this.loadingOlder || this.olderRequested;
  }

  private saveState(): void {
    this.options.onStateChange?.(this.currentState());
  }

  private renderRow(entry: LogEntryView): HTMLElement {
    const doc = this.options.document;
    const row = el(doc, 'article', 'log-row');
    row.tabIndex = -1;
    row.dataset.index = String(entry.index);
    const type = entry.messageType.toUpperCase();
    if (type === 'ERROR' || type === 'PR_CREATION_FAILED') row.classList.add('entry-error');
    if (type === 'FINAL_ANSWER') row.classList.add('entry-final');

    const head = el(doc, 'div', 'row-head');
    const time = this.formatTime(entry.createdAt);
    const timeEl = el(doc, 'time', 'row-time', time.short || '—');
    if (entry.createdAt) timeEl.setAttribute('datetime', entry.createdAt);
    timeEl.title = time.full;
    const typeEl = el(doc, 'span', 'row-type', entry.messageType || 'UNKNOWN');
    head.append(el(doc, 'span', 'row-number', `#${entry.index + 1}`), timeEl, typeEl);
    if (entry.toolName) head.append(el(doc, 'span', 'row-tool', entry.toolName));
    const copy = button(doc, 'Copy', () => this.options.post({ type: 'copy', text: logEntryToText(entry).slice(0, LIMITS.copy) }), `Copy entry ${entry.index + 1}`);
    copy.classList.add('row-copy', 'secondary');
    head.append(copy);
    row.append(head);

    if (entry.thought) row.append(block(doc, 'div', 'row-thought', entry.thought));
    if (entry.observation) row.append(block(doc, 'pre', entry.observationIsJson ? 'row-observation json' : 'row-observation', entry.observation));
    if (entry.toolInput) row.append(this.fold(entry, 'input', 'Tool input', entry.toolInput, entry.toolInputIsJson));
    if (entry.toolOutput) row.append(this.fold(entry, 'output', 'Tool output', entry.toolOutput, entry.toolOutputIsJson));
    return row;
  }

  private fold(entry: LogEntryView, part: string, label: string, text: string, isJson: boolean): HTMLElement {
    const doc = this.options.document;
    const details = doc.createElement('details');
    details.className = `row-fold fold-${part}`;
    const key = `${entry.index}:${part}`;
    details.dataset.fold = key;
    const summary = doc.createElement('summary');
    const lines = lineCount(text);
    summary.textContent = `${label} (${isJson ? 'JSON, ' : ''}${lines} ${lines === 1 ? 'line' : 'lines'})`;
    const pre = block(doc, 'pre', isJson ? 'fold-body json' : 'fold-body', '');
    details.append(summary, pre);
    // Large bodies enter the DOM only when opened.
    const fill = (): void => {
      if (details.open && pre.textContent === '') pre.textContent = text;
    };
    details.addEventListener('toggle', fill);
    if (this.open.has(key)) {
      details.open = true;
      fill();
    }
    return details;
  }
}

function el(doc: Document, tag: string, className: string, text?: string): HTMLElement {
  const element = doc.createElement(tag);
  element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function block(doc: Document, tag: string, className: string, text: string): HTMLElement {
  return el(doc, tag, className, text);
}

export function button(doc: Document, label: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = doc.createElement('button');
  b.type = 'button';
  b.textContent = label;
  // The visible label is the accessible name (speech input says what it sees); the title describes it.
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}
