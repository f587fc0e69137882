// What a tool's confirmation showed, kept for the call it confirmed: the files are read once, before the
// confirmation (prepareInvocation), and the call (invoke) sends exactly that, never a second read of files
// that may have changed (grown, been replaced by a link) in between. Keyed by the call's input; entries
// are taken once, expire, and are bounded in number. No timers: expiry is checked when the cache is used.

/** How long a confirmed read waits for its call. */
export const PREPARED_READ_MS = 15 * 60_000;
/** Confirmed reads kept at most (the oldest goes first). */
export const MAX_PREPARED_READS = 20;

export class PreparedReads<T> {
  private readonly entries: Array<{ key: string; at: number; value: T }> = [];

  constructor(
    private readonly now: () => number,
    private readonly maxAgeMs = PREPARED_READ_MS,
    private readonly maxEntries = MAX_PREPARED_READS,
  ) {}

  /** Keeps what a confirmation showed for the call with this input. */
  put(input: unknown, value: T): void {
    this.expire();
    this.entries.push({ key: keyOf(input), at: this.now(), value });
    while (this.entries.length > this.maxEntries) this.entries.shift();
  }

  /** What the latest confirmation of this input showed (once), or undefined when none was kept. */
  take(input: unknown): T | undefined {
    this.expire();
    const key = keyOf(input);
    let index = this.entries.length - 1;
    while (index >= 0 && this.entries[index]?.key !== key) index--;
    if (index < 0) return undefined;
    const [entry] = this.entries.splice(index, 1);
    return entry?.value;
  }

  get size(): number {
    return this.entries.length;
  }

  private expire(): void {
    const now = this.now();
    while (this.entries.length > 0 && now - (this.entries[0]?.at ?? now) > this.maxAgeMs) this.entries.shift();
  }
}

/** The same input gives the same key, whatever the order of its properties. */
function keyOf(input: unknown): string {
  return JSON.stringify(input, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value,
  );
}
