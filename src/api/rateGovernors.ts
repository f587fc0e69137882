// One rate governor per API base URL (limits are per token and service), so every client of a window
// stays within them together; each governor's logs class is shared with the other windows through a
// ledger under the global storage folder, when there is one on disk. Their waits are relayed to one
// event, which the send progress listens to.
import * as path from 'node:path';
import type { Clock } from '../util/clock';
import { type Disposable, Emitter, type Event, type ListenerErrorSink } from '../util/events';
import { RateGovernor, type RateWaitEvent } from './rateGovernor';
import { ledgerFolderName, SharedRateLedger } from './sharedRateLedger';

export interface RateGovernorsOptions {
  /** Folder for the windows' shared ledgers; undefined when storage is not on disk (no sharing). */
  ledgerRoot: string | undefined;
  clock: Clock;
  onListenerError: ListenerErrorSink;
}

export class RateGovernors implements Disposable {
  private readonly byBaseUrl = new Map<string, RateGovernor>();
  private readonly waitEmitter: Emitter<RateWaitEvent>;
  /** Every governor's waits (a 429's Retry-After, the budget, a backoff). */
  readonly onDidWait: Event<RateWaitEvent>;

  constructor(private readonly options: RateGovernorsOptions) {
    this.waitEmitter = new Emitter<RateWaitEvent>(options.onListenerError);
    this.onDidWait = this.waitEmitter.event;
  }

  for(baseUrl: string): RateGovernor {
    let governor = this.byBaseUrl.get(baseUrl);
    if (!governor) {
      const { ledgerRoot, clock, onListenerError } = this.options;
      const peers = ledgerRoot === undefined ? undefined : new SharedRateLedger({ dir: path.join(ledgerRoot, ledgerFolderName(baseUrl)), clock });
      governor = new RateGovernor({ onListenerError, peers, clock });
      governor.onDidWait((event) => this.waitEmitter.fire(event));
      this.byBaseUrl.set(baseUrl, governor);
    }
    return governor;
  }

  dispose(): void {
    for (const governor of this.byBaseUrl.values()) governor.dispose();
    this.byBaseUrl.clear();
    this.waitEmitter.dispose();
  }
}
