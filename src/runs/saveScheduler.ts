// When the run store writes to its storage: after every change of content, and for a newer "last
// fetched" time alone at most once a minute. Saves are serialized; one queued while another runs writes
// the state as it is when it starts.

import type { Clock } from '../util/clock';
import type { PersistedRuns, RunStorage } from './persistence';

/** A save caused only by a newer lastSuccessAt waits at least this long after the previous save. */
export const TIMESTAMP_SAVE_INTERVAL_MS = 60_000;

export class SaveScheduler {
  private savedAt = -Infinity;
  private savedSuccessAt: number | undefined;
  private saving: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(
    private readonly clock: Clock,
    private readonly snapshot: () => PersistedRuns,
    private readonly onSaveError: (error: unknown) => void,
  ) {}

  /** The last-fetched time the storage already has (after a restore). */
  noteSaved(lastSuccessAt: number | undefined): void {
    this.savedSuccessAt = lastSuccessAt;
  }

  request(storage: RunStorage | undefined, contentChanged: boolean, lastSuccessAt: number | undefined): void {
    if (!storage) return;
    const timestampMoved = lastSuccessAt !== this.savedSuccessAt;
    if (!contentChanged && !(timestampMoved && this.clock.now() - this.savedAt >= TIMESTAMP_SAVE_INTERVAL_MS)) return;
    if (this.queued) return;
    this.queued = true;
    this.saving = this.saving.then(async () => {
      this.queued = false;
      const value = this.snapshot();
      this.savedAt = this.clock.now();
      this.savedSuccessAt = value.lastSuccessAt;
      try {
        await storage.save(value);
      } catch (error) {
        this.onSaveError(error);
      }
    });
  }

  /** Resolves when every requested save has been written. */
  async flush(): Promise<void> {
    for (;;) {
      const current = this.saving;
      await current;
      if (current === this.saving && !this.queued) return;
    }
  }
}
