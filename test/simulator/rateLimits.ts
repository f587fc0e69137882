// Per-token sliding-window rate limits, one window per class, timed by the simulator's clock.

export type LimitedClass = 'create' | 'standard' | 'logs' | 'prs';

/** The service's documented limits. */
export const RATE_LIMITS: Readonly<Record<LimitedClass, { limit: number; windowMs: number }>> = {
  create: { limit: 10, windowMs: 60_000 },
  standard: { limit: 60, windowMs: 30_000 },
  logs: { limit: 60, windowMs: 60_000 },
  /** PATCH of a pull request's state. */
  prs: { limit: 30, windowMs: 60_000 },
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  /** Accepted request times per `${token}\n${class}`, oldest first. */
  private readonly windows = new Map<string, number[]>();

  /** Admits the request (and counts it) or says how long until a slot frees. Rejections cost nothing. */
  admit(token: string, rateClass: LimitedClass, now: number): RateDecision {
    const { limit, windowMs } = RATE_LIMITS[rateClass];
    const key = `${token}\n${rateClass}`;
    const times = (this.windows.get(key) ?? []).filter((time) => time > now - windowMs);
    this.windows.set(key, times);
    const oldest = times[0];
    if (times.length >= limit && oldest !== undefined) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    times.push(now);
    return { allowed: true };
  }

  reset(): void {
    this.windows.clear();
  }
}
