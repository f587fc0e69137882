// Keeps the client inside the service's per-token rate limits by making calls wait, never by dropping
// them. Each rate class has a sliding-window log of send times (exact: no burst at a window edge can
// exceed the budget) and a pause that a 429 sets for every caller of that class, so concurrent calls
// back off together instead of storming. All waiting runs on the injected Clock.

import { type Clock, sleep, systemClock } from '../util/clock';
import { type Disposable, Emitter, type Event, type ListenerErrorSink } from '../util/events';
import { CodegenApiError } from './errors';
import { LEDGER_READ_INTERVAL_MS, type PeerSends } from './sharedRateLedger';
import type { RateClass } from './types';

/** A Retry-After longer than this is capped, for the class's pause and for the poller's wait alike. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface RateLimit {
  /** Requests allowed in any window of `windowMs`. */
  requests: number;
  windowMs: number;
}

/** The limits the service documents (per token): create 10/min, standard 60/30 s, logs 60/60 s, PR state 30/min. */
export const DOCUMENTED_RATE_LIMITS: Readonly<Record<RateClass, RateLimit>> = Object.freeze({
  create: { requests: 10, windowMs: 60_000 },
  standard: { requests: 60, windowMs: 30_000 },
  logs: { requests: 60, windowMs: 60_000 },
  prs: { requests: 30, windowMs: 60_000 },
});

export const RATE_CLASSES: readonly RateClass[] = ['create', 'standard', 'logs', 'prs'];

/** The seed advice for retries without a Retry-After: 2 s, ×1.5 per attempt, capped at 60 s. */
export const DEFAULT_RETRY_DELAY_MS = 2_000;
export const RETRY_DELAY_GROWTH = 1.5;

export type WaitReason = 'budget' | 'retryAfter' | 'backoff';

export interface RateWaitEvent {
  rateClass: RateClass;
  waitMs: number;
  reason: WaitReason;
}

export interface RateGovernorOptions {
  clock?: Clock;
  /** Overrides of the documented limits (tests, a self-hosted service with other limits). */
  limits?: Partial<Record<RateClass, RateLimit>>;
  /**
   * Fraction of each limit kept in reserve (default 0.1), for other windows using the same token and
   * for requests the service counts a little later than we sent them. At least one request is always allowed.
   */
  safetyMargin?: number;
  /** Added to each window (default 250 ms): the service counts a request when it arrives, not when we send it. */
  windowPaddingMs?: number;
  /** When false, only 429 pauses and backoff apply (for comparison benches). Default true. */
  enforceBudget?: boolean;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** First retry delay (default 2 s); grows ×1.5 per attempt. */
  baseBackoffMs?: number;
  /** Retry delay ceiling (default 60 s). */
  maxBackoffMs?: number;
  /**
   * A class paused (by Retry-After) for longer than this fails fast with 'rateLimited' instead of
   * leaving callers waiting silently. Default 60 s.
   */
  maxPauseWaitMs?: number;
  /** Told about a listener of onDidWait that threw (the Codegen log). */
  onListenerError?: ListenerErrorSink;
  /** The other windows' sends, for classes whose budget all windows share (see SharedRateLedger). */
  peers?: PeerSends;
}

/** A request let through by the governor. */
export interface RateTicket {
  /**
   * Call when the answer (or the failure) arrived. The service counted the request somewhere between
   * sending and answering, so the later time is kept: the window then never ends before the service's does,
   * however slow the network (or a loaded test machine) was.
   */
  complete(): void;
}

interface Waiter {
  resolve(ticket: RateTicket): void;
  reject(reason: unknown): void;
  detach(): void;
}

interface ClassState {
  readonly rateClass: RateClass;
  readonly budget: number;
  readonly windowMs: number;
  /** Times of the requests inside the current window, oldest first (send time, then answer time). */
  sent: { time: number }[];
  readonly queue: Waiter[];
  timer?: { handle: ReturnType<Clock['setTimeout']>; at: number };
  pausedUntil: number;
  pauseReason: 'retryAfter' | 'backoff';
  /** A class shared with other windows grants one request per fresh look at their sends: not before this. */
  nextSharedGrantAt: number;
}

export class RateGovernor implements Disposable {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly enforceBudget: boolean;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxPauseWaitMs: number;
  private readonly states: Record<RateClass, ClassState>;
  private readonly waitEmitter: Emitter<RateWaitEvent>;
  private readonly peers: PeerSends | undefined;
  private disposed = false;

  /** Fires each time calls of a class start waiting: for the budget, a Retry-After, or a backoff. */
  readonly onDidWait: Event<RateWaitEvent>;

  constructor(options: RateGovernorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.waitEmitter = new Emitter(options.onListenerError);
    this.peers = options.peers;
    this.onDidWait = this.waitEmitter.event;
    this.random = options.random ?? Math.random;
    this.enforceBudget = options.enforceBudget ?? true;
    this.baseBackoffMs = options.baseBackoffMs ?? DEFAULT_RETRY_DELAY_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.maxPauseWaitMs = options.maxPauseWaitMs ?? 60_000;
    const margin = clamp(options.safetyMargin ?? 0.1, 0, 0.9);
    const padding = Math.max(0, options.windowPaddingMs ?? 250);
    const stateFor = (rateClass: RateClass): ClassState => {
      const limit = options.limits?.[rateClass] ?? DOCUMENTED_RATE_LIMITS[rateClass];
      return {
        rateClass,
        budget: Math.max(1, Math.floor(limit.requests * (1 - margin))),
        windowMs: limit.windowMs + padding,
        sent: [],
        queue: [],
        pausedUntil: 0,
        pauseReason: 'backoff',
        nextSharedGrantAt: 0,
      };
    };
    this.states = { create: stateFor('create'), standard: stateFor('standard'), logs: stateFor('logs'), prs: stateFor('prs') };
  }

  /** Requests the governor lets through per window for the class (after the safety margin). */
  budget(rateClass: RateClass): { requests: number; windowMs: number } {
    const state = this.states[rateClass];
    return { requests: state.budget, windowMs: state.windowMs };
  }

  /** Requests of the class sent within its current window. */
  sentInWindow(rateClass: RateClass): number {
    const state = this.states[rateClass];
    this.prune(state, this.clock.now());
    return state.sent.length;
  }

  /** Calls of the class currently waiting for their turn. */
  waiting(rateClass: RateClass): number {
    return this.states[rateClass].queue.length;
  }

  /**
   * Resolves when a request of the class may be sent now, and counts it as sent (call the ticket's
   * complete() when its answer arrives). Callers are served in order. Rejects with a 'cancelled' error when the signal aborts, or with 'rateLimited' when the class is
   * paused for longer than the caller should wait silently.
   */
  acquire(rateClass: RateClass, signal?: AbortSignal): Promise<RateTicket> {
    if (this.disposed) return Promise.reject(shutDownError());
    if (signal?.aborted) return Promise.reject(cancelledError());
    const state = this.states[rateClass];
    const pausedForMs = state.pausedUntil - this.clock.now();
    if (pausedForMs > this.maxPauseWaitMs) {
      return Promise.reject(
        new CodegenApiError(
          'rateLimited',
          `Codegen rate limit reached. Try again in ${Math.ceil(pausedForMs / 1000)} s.`,
          { status: 429, retryAfterMs: pausedForMs },
        ),
      );
    }
    // A budget shared with other windows: read what they sent (at most every half second) before queueing.
    if (this.peers?.classes.has(rateClass)) {
      return this.peers
        .refresh(rateClass)
        .catch(() => undefined)
        .then(() => (signal?.aborted ? Promise.reject(cancelledError()) : this.enqueue(state, signal)));
    }
    return this.enqueue(state, signal);
  }

  private enqueue(state: ClassState, signal: AbortSignal | undefined): Promise<RateTicket> {
    if (this.disposed) return Promise.reject(shutDownError());
    return new Promise<RateTicket>((resolve, reject) => {
      const onAbort = (): void => {
        const index = state.queue.indexOf(waiter);
        if (index >= 0) state.queue.splice(index, 1);
        reject(cancelledError());
        this.pump(state);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(waiter);
      this.pump(state);
    });
  }

  /**
   * Records a 429 for the class: every caller of the class pauses for Retry-After when the service gave
   * one, else for an exponential backoff with full jitter. Returns the pause.
   */
  reportRateLimited(rateClass: RateClass, retryAfterMs: number | undefined, attempt: number): { delayMs: number; reason: WaitReason } {
    // `Retry-After: 0` (or a negative one) says nothing useful: it never means "at once".
    const given = retryAfterMs !== undefined && retryAfterMs > 0;
    const reason: 'retryAfter' | 'backoff' = given ? 'retryAfter' : 'backoff';
    // The class pauses for every caller: a broken header (a day) must not stop it for longer than the cap.
    const delayMs = given ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : this.backoffDelay(attempt);
    const state = this.states[rateClass];
    const until = this.clock.now() + delayMs;
    if (until > state.pausedUntil) {
      state.pausedUntil = until;
      state.pauseReason = reason;
    }
    if (!this.disposed) this.pump(state);
    return { delayMs, reason };
  }

  /**
   * The wait before retry number `attempt` (0-based) of an interactive call that got no usable Retry-After:
   * 2 s, then ×1.5 each time, with up to 20 % jitter on top, at most 60 s. Never less than the first step.
   */
  backoffDelay(attempt: number): number {
    const step = Math.min(this.maxBackoffMs, this.baseBackoffMs * RETRY_DELAY_GROWTH ** Math.max(0, Math.min(attempt, 30)));
    return Math.min(this.maxBackoffMs, Math.round(step * (1 + 0.2 * clamp(this.random(), 0, 1))));
  }

  /** Waits a backoff for one caller (5xx, network errors) without pausing the class for others; reported as an event. */
  async waitBackoff(rateClass: RateClass, delayMs: number, signal?: AbortSignal): Promise<void> {
    if (this.disposed) throw shutDownError();
    if (delayMs > 0) this.waitEmitter.fire({ rateClass, waitMs: delayMs, reason: 'backoff' });
    try {
      await sleep(this.clock, delayMs, signal);
    } catch {
      throw cancelledError();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const state of Object.values(this.states)) {
      if (state.timer) this.clock.clearTimeout(state.timer.handle);
      state.timer = undefined;
      for (const waiter of state.queue.splice(0)) {
        waiter.detach();
        waiter.reject(shutDownError());
      }
    }
    this.waitEmitter.dispose();
  }

  private prune(state: ClassState, now: number): void {
    const cutoff = now - state.windowMs;
    let expired = 0;
    while (expired < state.sent.length && state.sent[expired]!.time <= cutoff) expired++;
    if (expired > 0) state.sent = state.sent.slice(expired);
  }

  /** Lets through every waiter that may go now, then arms one timer for the next moment one may. */
  private pump(state: ClassState): void {
    for (;;) {
      if (state.queue.length === 0) {
        this.clearTimer(state);
        return;
      }
      const now = this.clock.now();
      this.prune(state, now);
      let waitUntil = now;
      let reason: WaitReason = 'budget';
      if (state.pausedUntil > now) {
        waitUntil = state.pausedUntil;
        reason = state.pauseReason;
      }
      const times = this.sendTimes(state, now);
      if (this.enforceBudget && times.length >= state.budget) {
        const freesAt = times[times.length - state.budget]! + state.windowMs;
        if (freesAt > waitUntil) {
          waitUntil = freesAt;
          reason = 'budget';
        }
      }
      const shared = this.peers?.classes.has(state.rateClass) === true;
      if (shared && state.nextSharedGrantAt > waitUntil) {
        waitUntil = state.nextSharedGrantAt;
        reason = 'budget';
      }
      if (waitUntil <= now) {
        if (shared) state.nextSharedGrantAt = now + LEDGER_READ_INTERVAL_MS;
        const waiter = state.queue.shift()!;
        const sentAt = { time: now };
        state.sent.push(sentAt);
        if (this.peers?.classes.has(state.rateClass)) this.peers.record(state.rateClass, now, state.windowMs);
        waiter.detach();
        waiter.resolve({ complete: () => this.complete(state, sentAt) });
        continue;
      }
      if (state.timer?.at === waitUntil) return;
      this.clearTimer(state);
      const handle = this.clock.setTimeout(() => {
        state.timer = undefined;
        // A shared class looks at the other windows' sends again before it lets the next one through.
        if (this.peers?.classes.has(state.rateClass)) {
          void this.peers
            .refresh(state.rateClass)
            .catch(() => undefined)
            .then(() => {
              if (!this.disposed) this.pump(state);
            });
        } else {
          this.pump(state);
        }
      }, waitUntil - now);
      state.timer = { handle, at: waitUntil };
      this.waitEmitter.fire({ rateClass: state.rateClass, waitMs: waitUntil - now, reason });
      return;
    }
  }

  /** Send times in the class's window, this window's and (for a shared class) the other windows', oldest first. */
  private sendTimes(state: ClassState, now: number): number[] {
    const own = state.sent.map((entry) => entry.time);
    if (!this.peers?.classes.has(state.rateClass)) return own;
    const cutoff = now - state.windowMs;
    return [...own, ...this.peers.sends(state.rateClass).filter((at) => at > cutoff)].sort((a, b) => a - b);
  }

  /** Moves a request's time to its answer time, keeping the log ordered. */
  private complete(state: ClassState, entry: { time: number }): void {
    const index = state.sent.indexOf(entry);
    if (index < 0) return; // already out of the window
    const now = this.clock.now();
    if (now <= entry.time) return;
    state.sent.splice(index, 1);
    entry.time = now;
    let at = state.sent.length;
    while (at > 0 && state.sent[at - 1]!.time > now) at--;
    state.sent.splice(at, 0, entry);
  }

  private clearTimer(state: ClassState): void {
    if (state.timer) this.clock.clearTimeout(state.timer.handle);
    state.timer = undefined;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}

function shutDownError(): CodegenApiError {
  return new CodegenApiError('cancelled', 'The Codegen client was shut down before the request was sent.');
}

function cancelledError(): CodegenApiError {
  return new CodegenApiError('cancelled', 'The request to Codegen was cancelled.');
}
