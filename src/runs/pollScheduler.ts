// The one polling scheduler of the extension: the runs list and the run details panel's logs both run on
// it. A setTimeout chain on the injected Clock (never setInterval): one timer at most, none at all while
// nothing wants polling. It owns what every background poll shares: one tick at a time, manual refreshes
// coalesced, exponential backoff with jitter after failures, Retry-After waited out (even by a manual
// refresh), a halt on errors a retry cannot fix until resume(). The poll is the retry loop of a
// background request: the client makes no retries of its own for it (see CallOptions.retries).
// What to poll, how often and whether at all is the owner's: its policy.

import { isApiError, type ApiErrorKind } from '../api/errors';
import { MAX_RETRY_AFTER_MS } from '../api/rateGovernor';

export { MAX_RETRY_AFTER_MS };
import { type Clock, type TimerHandle } from '../util/clock';

/** Without a (positive) Retry-After, a rate-limited poll waits this long: at most 4 polls a minute, back within 15 s. */
export const RATE_LIMIT_RETRY_MS = 15_000;

export type TickTrigger = 'timer' | 'manual';

/** What a tick did: 'polled' resets the failure count; 'skipped' (nothing asked, e.g. a shared snapshot was read) leaves it. */
export type TickResult = 'polled' | 'skipped';

export interface PollPolicy {
  /** Whether anything wants polling now; false leaves no timer. */
  wanted(): boolean;
  /** When the next timer tick is due (clock ms), before backoff and Retry-After are applied. */
  dueAt(): number;
  /** Base of the error backoff (ms): usually the current interval. */
  backoffBaseMs(): number;
}

export interface FailureInfo {
  error: unknown;
  /** Failures in a row, this one included. */
  failures: number;
  /** No timer tick before this (clock ms). */
  retryAt: number;
  /** The failure was a 429. */
  rateLimited: boolean;
  /** The failure halted polling until resume(). */
  halted: boolean;
}

export interface PollSchedulerOptions {
  clock: Clock;
  policy: PollPolicy;
  /** The poll itself. Throws the API error when it failed. */
  tick: (trigger: TickTrigger) => Promise<TickResult>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Backoff ceiling (default 5 min). */
  maxBackoffMs?: number;
  /** Error kinds that halt polling until resume() (default: unauthorized). */
  haltOn?: readonly ApiErrorKind[];
  /** Told about every failure (view status, logs). */
  onFailure?: (info: FailureInfo) => void;
  /** Told when a tick succeeded after failures. */
  onRecovered?: () => void;
  /** Told after every (re)scheduling, e.g. to show whether polling goes on. */
  onDidSchedule?: () => void;
}

export class PollScheduler {
  private readonly clock: Clock;
  private readonly policy: PollPolicy;
  private readonly tickFn: PollSchedulerOptions['tick'];
  private readonly random: () => number;
  private readonly maxBackoffMs: number;
  private readonly haltOn: ReadonlySet<string>;
  private readonly onFailure: (info: FailureInfo) => void;
  private readonly onRecovered: () => void;
  private readonly onDidSchedule: () => void;

  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private running: Promise<void> | undefined;
  private queuedManual: Promise<void> | undefined;
  private failureCount = 0;
  private notBefore = 0;
  private rateLimitedUntil = 0;
  private halted = false;
  private disposed = false;

  constructor(options: PollSchedulerOptions) {
    this.clock = options.clock;
    this.policy = options.policy;
    this.tickFn = options.tick;
    this.random = options.random ?? Math.random;
    this.maxBackoffMs = Math.max(1_000, options.maxBackoffMs ?? 5 * 60_000);
    this.haltOn = new Set(options.haltOn ?? ['unauthorized']);
    this.onFailure = options.onFailure ?? (() => undefined);
    this.onRecovered = options.onRecovered ?? (() => undefined);
    this.onDidSchedule = options.onDidSchedule ?? (() => undefined);
  }

  /** When the next tick is due, or undefined when no timer is armed. */
  get nextTickAt(): number | undefined {
    return this.timerAt;
  }

  get failures(): number {
    return this.failureCount;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** True while a tick is armed or running. */
  get isActive(): boolean {
    return this.timer !== undefined || this.running !== undefined;
  }

  /** A Retry-After still in force: even a manual refresh waits for it. */
  get retryAfterUntil(): number {
    return this.rateLimitedUntil;
  }

  /** Re-reads the policy and arms the one timer for whatever comes next (or none). Call after any input changed. */
  reschedule(): void {
    if (this.disposed || this.running) return; // a running tick reschedules when it ends
    this.arm();
    this.onDidSchedule();
  }

  private arm(): void {
    this.clearTimer();
    if (this.halted || !this.policy.wanted()) return;
    const now = this.clock.now();
    const at = Math.max(now, this.policy.dueAt(), this.notBefore);
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      void this.runTick('timer');
    }, at - now);
  }

  /**
   * Polls now (manual refresh, or after a create or a follow-up), whatever the policy says. Concurrent calls
   * share one tick; a call during a tick gets one more after it. A Retry-After in force makes it wait.
   * Also lifts a halt.
   */
  refreshNow(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.halted = false;
    if (!this.running) return this.runTick('manual');
    this.queuedManual ??= this.running.then(() => {
      this.queuedManual = undefined;
      return this.runTick('manual');
    });
    return this.queuedManual;
  }

  /** Lifts a halt (e.g. a new token) and reschedules. */
  resume(): void {
    if (this.disposed) return;
    if (this.halted) {
      this.halted = false;
      this.failureCount = 0;
      this.notBefore = 0;
    }
    this.reschedule();
  }

  /** Forgets failures and waits (another account or list: nothing of the old one's trouble is inherited). */
  reset(): void {
    this.failureCount = 0;
    this.notBefore = 0;
    this.rateLimitedUntil = 0;
    this.halted = false;
    this.reschedule();
  }

  /** Resolves when no tick is running or queued. */
  async whenIdle(): Promise<void> {
    while (this.running || this.queuedManual) await Promise.all([this.running, this.queuedManual]);
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private runTick(trigger: TickTrigger): Promise<void> {
    if (this.running) return this.running;
    this.clearTimer();
    const tick = this.tick(trigger).finally(() => {
      this.running = undefined;
      this.reschedule();
    });
    this.running = tick;
    return tick;
  }

  private async tick(trigger: TickTrigger): Promise<void> {
    if (this.disposed) return;
    const now = this.clock.now();
    if (trigger === 'manual' ? now < this.rateLimitedUntil : this.halted || !this.policy.wanted() || now < this.notBefore) return;
    let result: TickResult;
    try {
      result = await this.tickFn(trigger);
    } catch (error) {
      if (!this.disposed) this.fail(error);
      return;
    }
    if (result === 'polled' && !this.disposed) {
      const recovered = this.failureCount > 0;
      this.failureCount = 0;
      this.notBefore = 0;
      this.rateLimitedUntil = 0;
      if (recovered) this.onRecovered();
    }
  }

  private fail(error: unknown): void {
    if (isApiError(error, 'cancelled')) return;
    const now = this.clock.now();
    this.failureCount++;
    const halted = isApiError(error) && this.haltOn.has(error.kind);
    const rateLimited = isApiError(error, 'rateLimited');
    if (halted) {
      this.halted = true;
    } else if (rateLimited) {
      const given = error.details.retryAfterMs;
      const waitMs = given !== undefined && given > 0 ? Math.min(given, MAX_RETRY_AFTER_MS) : RATE_LIMIT_RETRY_MS;
      this.rateLimitedUntil = given !== undefined && given > 0 ? now + waitMs : 0;
      this.notBefore = now + waitMs;
    } else {
      this.notBefore = now + this.backoffMs();
    }
    this.onFailure({ error, failures: this.failureCount, retryAt: this.notBefore, rateLimited, halted });
  }

  /** Exponential, with "equal jitter": between half and all of min(cap, base × 2^failures). */
  private backoffMs(): number {
    const ceiling = Math.min(this.maxBackoffMs, this.policy.backoffBaseMs() * 2 ** Math.min(this.failureCount, 20));
    const jitter = Math.min(1, Math.max(0, this.random()));
    return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
  }
}
