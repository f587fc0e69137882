// Recently sent requests, most recent first, kept in extension storage (globalState in the extension).

/** Where the history lives. `get` may return anything: stored state is not trusted to have the right shape. */
export interface HistoryStorage {
  get(): unknown;
  set(entries: string[]): Promise<void> | void;
}

export interface PromptHistoryOptions {
  maxEntries?: number;
  /** Requests longer than this are not stored: history is for re-sending short requests, not pasted files. */
  maxPromptChars?: number;
}

export const DEFAULT_HISTORY_ENTRIES = 20;
export const DEFAULT_HISTORY_PROMPT_CHARS = 4_000;

export class PromptHistory {
  private readonly maxEntries: number;
  private readonly maxPromptChars: number;

  constructor(
    private readonly storage: HistoryStorage,
    options: PromptHistoryOptions = {},
  ) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_HISTORY_ENTRIES));
    this.maxPromptChars = Math.max(1, Math.floor(options.maxPromptChars ?? DEFAULT_HISTORY_PROMPT_CHARS));
  }

  /** Stored requests, most recent first; malformed stored values are skipped. */
  entries(): string[] {
    const stored = this.storage.get();
    if (!Array.isArray(stored)) return [];
    const result: string[] = [];
    const seen = new Set<string>();
    for (const item of stored as unknown[]) {
      if (typeof item !== 'string' || !this.storable(item) || seen.has(item)) continue;
      seen.add(item);
      result.push(item);
      if (result.length === this.maxEntries) break;
    }
    return result;
  }

  /** Puts a request first (moving it up if already there). Returns false when it is empty or too long to keep. */
  async add(request: string): Promise<boolean> {
    const entry = request.trim();
    if (!this.storable(entry)) return false;
    const next = [entry, ...this.entries().filter((e) => e !== entry)].slice(0, this.maxEntries);
    await this.storage.set(next);
    return true;
  }

  async remove(request: string): Promise<void> {
    const entries = this.entries();
    const next = entries.filter((e) => e !== request);
    if (next.length !== entries.length) await this.storage.set(next);
  }

  async clear(): Promise<void> {
    await this.storage.set([]);
  }

  private storable(entry: string): boolean {
    return entry.trim() !== '' && entry.length <= this.maxPromptChars;
  }
}
