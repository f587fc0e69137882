// Counts down a rate-limit wait once a second for a progress message ("Waiting for the rate limit: 12 s"),
// with a setTimeout chain on the injected clock. No vscode here.
import type { Clock, TimerHandle } from '../util/clock';

export class WaitCountdown {
  private deadline = 0;
  private timer: TimerHandle | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    /** Called with the whole seconds left (at least 1), now and then once a second. */
    private readonly onTick: (secondsLeft: number) => void,
    /** Called once when a wait is over. */
    private readonly onDone: () => void,
  ) {}

  /** Starts (or restarts) a wait of `waitMs` from now. */
  start(waitMs: number): void {
    if (this.disposed || !(waitMs > 0)) return;
    this.deadline = this.clock.now() + waitMs;
    this.tick();
  }

  /** A wait is under way. */
  get active(): boolean {
    return this.timer !== undefined && this.clock.now() < this.deadline;
  }

  private tick(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    const left = this.deadline - this.clock.now();
    if (left <= 0) {
      this.onDone();
      return;
    }
    this.onTick(Math.ceil(left / 1000));
    // Next tick when the shown number of seconds changes.
    this.timer = this.clock.setTimeout(() => this.tick(), left % 1000 || 1000);
  }

  dispose(): void {
    this.disposed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
