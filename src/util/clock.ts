// Time as a dependency: production code uses the system clock, tests pass a FakeClock and advance it.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** Resolves after delayMs on the given clock, or rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, delayMs));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // Timers must never keep a process (tests, the extension host on shutdown) alive on their own.
    timer.unref?.();
    return { id: Number(timer[Symbol.toPrimitive]()) };
  },
  clearTimeout: (handle) => {
    if (handle) clearTimeout(handle.id);
  },
};

/** A manual clock for tests: nothing fires until advance() moves time past it. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Delay until the next timer fires, or undefined when none waits. */
  nextTimerDelay(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values()) next = next === undefined ? t.at : Math.min(next, t.at);
    return next === undefined ? undefined : next - this.current;
  }

  /**
   * Moves time forward, firing due timers in order. Between timers it yields to the event loop so
   * promise chains (and real I/O started by them) can run before the next timer is considered.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      let dueId: number | undefined;
      let dueAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= target && t.at < dueAt) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId === undefined) break;
      const timer = this.timers.get(dueId)!;
      this.timers.delete(dueId);
      this.current = Math.max(this.current, timer.at);
      timer.callback();
    }
    this.current = target;
    await flushMicrotasks();
  }
}

/** Lets pending promise callbacks and already-arrived I/O callbacks run. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Another clock's timers, counted: how many wait to fire now (the in-host tests' "no timer at startup"). */
export class CountingClock implements Clock {
  private readonly live = new Set<number>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = this.inner.setTimeout(() => {
      this.live.delete(handle.id);
      callback();
    }, delayMs);
    this.live.add(handle.id);
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.live.delete(handle.id);
    this.inner.clearTimeout(handle);
  }

  /** Timers set on this clock that have neither fired nor been cleared. */
  get pendingTimers(): number {
    return this.live.size;
  }
}
