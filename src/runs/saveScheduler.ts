// When the run store writes to its storage: after every change of content, and for a newer "last
// fetched" time alone at most once a minute. Saves are serialized; one queued while another runs writes
// the state as it is when it starts, unless the store moved to another account meanwhile: then it writes
// what the store held when it left that account (sealed), so one account's runs never land under
// another's key, and a save for the new account is queued on its own.

import type { Clock } from '../util/clock';
import type { PersistedRuns, RunStorage } from './persistence';

/** A save caused only by a newer lastSuccessAt waits at least this long after the previous save. */
export const TIMESTAMP_SAVE_INTERVAL_MS = 60_000;

interface QueuedSave {
  storage: RunStorage;
  /** Set when the store left the storage's account before the save started. */
  sealed?: PersistedRuns;
}

export class SaveScheduler {
  private savedAt = -Infinity;
  private savedSuccessAt: number | undefined;
  private saving: Promise<void> = Promise.resolve();
  private queued: QueuedSave | undefined;

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
    if (this.queued?.storage === storage && this.queued.sealed === undefined) return;
    const save: QueuedSave = { storage };
    this.queued = save;
    this.saving = this.saving.then(() => this.write(save));
  }

  /**
   * The store is about to hold another account's runs (or none): a save queued for the account it leaves
   * keeps what is held now, the last state of that account.
   */
  seal(): void {
    if (this.queued && this.queued.sealed === undefined) this.queued.sealed = this.snapshot();
  }

  /** Resolves when every requested save has been written. */
  async flush(): Promise<void> {
    for (;;) {
      const current = this.saving;
      await current;
      if (current === this.saving && !this.queued) return;
    }
  }

  private async write(save: QueuedSave): Promise<void> {
    if (this.queued === save) this.queued = undefined;
    let value = save.sealed;
    if (value === undefined) {
      value = this.snapshot();
      this.savedAt = this.clock.now();
      this.savedSuccessAt = value.lastSuccessAt;
    }
    try {
      await save.storage.save(value);
    } catch (error) {
      this.onSaveError(error);
    }
  }
}
