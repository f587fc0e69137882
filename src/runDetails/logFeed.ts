// The run's log as the panel has loaded it: a contiguous window [lowest, next) of the run's entries,
// indexed from the oldest (0). No vscode import: unit-tested against the simulator.
//
// Paging, and why it is shaped this way:
// - the newest page comes first: reverse=true, skip=0, limit=100; its entries get indices from total_logs;
// - older pages and new entries use forward order (reverse=false) with skip = an absolute index. With
//   reverse=true, skip counts from the newest entry, so every entry the agent adds meanwhile would shift
//   the page and duplicate or lose entries; a forward skip names the same entries whatever is appended.
// - while the run is in progress, one request fetches everything past `next` (up to a page): no
//   separate "how many are there now" request, and no duplicates.
// Operations run one at a time, so concurrent requests never race over the window.

import type { AgentRun, LogEntry, LogsPage, LogsQuery } from '../api/types';
import type { LogEntryView, LogsMode } from '../protocol/messages';
import { toLogEntryView } from '../protocol/viewModels';

/** One page; `background` for a poll (no retry inside the client: the poller is its retry loop). */
export type FetchLogsPage = (query: Required<Pick<LogsQuery, 'skip' | 'limit' | 'reverse'>>, signal?: AbortSignal, background?: boolean) => Promise<LogsPage>;

export interface FeedUpdate {
  mode: LogsMode;
  /** The entries this update added (all of them for 'replace'). */
  entries: LogEntryView[];
  /** The run as the logs endpoint returned it. */
  run: AgentRun;
  hasOlder: boolean;
  totalLogs: number;
}

export const LOGS_PAGE_SIZE = 100;

export class RunLogFeed {
  private views: LogEntryView[] = [];
  private raws: LogEntry[] = [];
  private lowest = 0;
  private next = 0;
  private total = 0;
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fetchPage: FetchLogsPage,
    private readonly pageSize: number = LOGS_PAGE_SIZE,
  ) {}

  /** True once the newest page has been loaded. */
  get loadedNewest(): boolean {
    return this.loaded;
  }

  get hasOlder(): boolean {
    return this.loaded && this.lowest > 0;
  }

  /** Total entries of the run as the service last reported it. */
  get totalLogs(): number {
    return this.total;
  }

  /** Loaded entries in log order (oldest first). */
  get entries(): readonly LogEntryView[] {
    return this.views;
  }

  /** Loaded entries as the service sent them (for the JSON export). */
  get rawEntries(): readonly LogEntry[] {
    return this.raws;
  }

  /** Loads (or reloads) the newest page, replacing whatever was loaded. */
  loadNewest(signal?: AbortSignal, background = false): Promise<FeedUpdate> {
    return this.enqueue(() => this.loadNewestNow(signal, background));
  }

  /** Loads the page just before the oldest loaded entry. Resolves with no entries when there is none. */
  loadOlder(signal?: AbortSignal): Promise<FeedUpdate | undefined> {
    return this.enqueue(async () => {
      if (!this.loaded || this.lowest === 0) return undefined;
      const skip = Math.max(0, this.lowest - this.pageSize);
      const limit = this.lowest - skip;
      const page = await this.fetchPage({ skip, limit, reverse: false }, signal);
      const logs = page.logs.slice(0, limit);
      this.noteTotal(page);
      const views = logs.map((entry, i) => toLogEntryView(entry, skip + i));
      this.raws = [...logs, ...this.raws];
      this.views = [...views, ...this.views];
      // An empty answer means there is nothing more to get: stop asking rather than loop.
      this.lowest = logs.length > 0 ? skip : 0;
      return this.update('prepend', views, page.run);
    });
  }

  /** Fetches the entries added since the last load (at most a page). */
  loadNew(signal?: AbortSignal, background = false): Promise<FeedUpdate & { more: boolean }> {
    return this.enqueue(async () => {
      if (!this.loaded) {
        const update = await this.loadNewestNow(signal, background);
        return { ...update, more: false };
      }
      const skip = this.next;
      const page = await this.fetchPage({ skip, limit: this.pageSize, reverse: false }, signal, background);
      if (page.totalLogs !== undefined && page.totalLogs < skip) {
        // The log got shorter than what we hold: it was rewritten. Start over from the newest page.
        const update = await this.loadNewestNow(signal, background);
        return { ...update, more: false };
      }
      const logs = page.logs.slice(0, this.pageSize);
      this.noteTotal(page);
      const views = logs.map((entry, i) => toLogEntryView(entry, skip + i));
      this.raws = [...this.raws, ...logs];
      this.views = [...this.views, ...views];
      this.next = skip + logs.length;
      this.total = Math.max(this.total, this.next);
      const more = page.totalLogs !== undefined ? this.total > this.next : logs.length >= this.pageSize;
      return { ...this.update('append', views, page.run), more };
    });
  }

  /**
   * Loads every older page (for the export), reporting progress after each. Honours the signal
   * between pages; the requests still go through the client's rate governor.
   */
  async loadAll(signal: AbortSignal | undefined, onPage: (update: FeedUpdate) => void): Promise<void> {
    if (!this.loaded) onPage(await this.loadNewest(signal));
    while (this.hasOlder) {
      signal?.throwIfAborted();
      const update = await this.loadOlder(signal);
      if (!update || update.entries.length === 0) break;
      onPage(update);
    }
  }

  /** The body of loadNewest, for callers already inside the queue. */
  private async loadNewestNow(signal: AbortSignal | undefined, background: boolean): Promise<FeedUpdate> {
    let page = await this.fetchPage({ skip: 0, limit: this.pageSize, reverse: true }, signal, background);
    let logs = page.logs.slice(0, this.pageSize);
    let chronological = logs.slice().reverse();
    let total: number;
    if (page.totalLogs !== undefined || logs.length < this.pageSize) {
      total = Math.max(page.totalLogs ?? logs.length, logs.length);
    } else {
      // No total_logs and a full page: the numbering (and "new entries") need the log's length. Find it
      // with a few one-entry probes, then read the newest page forward, where skip is an absolute index.
      total = await this.probeLength(logs.length, signal, background);
      const skip = Math.max(0, total - this.pageSize);
      page = await this.fetchPage({ skip, limit: this.pageSize, reverse: false }, signal, background);
      logs = page.logs.slice(0, this.pageSize);
      chronological = logs;
      total = Math.max(total, skip + logs.length);
    }
    const first = total - chronological.length;
    this.raws = chronological;
    this.views = chronological.map((entry, i) => toLogEntryView(entry, first + i));
    this.lowest = first;
    this.next = total;
    this.total = total;
    this.loaded = true;
    return this.update('replace', this.views, page.run);
  }

  /**
   * The number of entries when the service does not say: doubling one-entry probes past `atLeast` until one
   * finds nothing, then halving the gap. About 2 × log2(length / page) requests.
   */
  private async probeLength(atLeast: number, signal: AbortSignal | undefined, background: boolean): Promise<number> {
    const exists = async (index: number): Promise<boolean> => (await this.fetchPage({ skip: index, limit: 1, reverse: false }, signal, background)).logs.length > 0;
    let known = atLeast; // entries [0, known) exist
    let step = Math.max(1, atLeast);
    let beyond: number | undefined;
    for (let probes = 0; probes < 40 && beyond === undefined; probes++) {
      if (await exists(known + step - 1)) {
        known += step;
        step *= 2;
      } else {
        beyond = known + step - 1; // entry `beyond` does not exist
      }
    }
    if (beyond === undefined) return known;
    let end: number = beyond;
    while (end - known > 0) {
      const middle: number = known + Math.floor((end - known) / 2);
      if (await exists(middle)) known = middle + 1;
      else end = middle;
    }
    return known;
  }

  private noteTotal(page: LogsPage): void {
    if (page.totalLogs !== undefined && page.totalLogs > this.total) this.total = page.totalLogs;
  }

  private update(mode: LogsMode, entries: LogEntryView[], run: AgentRun): FeedUpdate {
    return { mode, entries, run, hasOlder: this.hasOlder, totalLogs: Math.max(this.total, this.next) };
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    // The queue only orders operations; a failure belongs to its caller, not to the next operation.
    this.queue = result.catch(() => undefined);
    return result;
  }
}
