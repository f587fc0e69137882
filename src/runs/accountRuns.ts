// The runs of the signed-in account, without vscode: which store storage and which poller go with the
// session's state. Nothing is decided before the session has read its token (activation must not wipe
// the saved runs); then the account's last-known runs are restored at once (an offline start shows
// them, a run created here that finished while VS Code was closed still notifies) and the poller
// reconciles them with the service. Another service, organization, user or token is another account:
// a fresh poller, no inherited waits, and never another account's runs. Signing out forgets the saved
// runs of the user the token was signed in as, in every organization.

import type { CodegenApi } from '../api/types';
import type { Clock } from '../util/clock';
import type { Disposable } from '../util/events';
import { accountKey, filterSchema, type RunsCache } from './persistence';
import { RunPoller, type SharedPollingOptions } from './poller';
import { normalizeFilter, type RunFilter } from './runModel';
import type { RunStore } from './runStore';
import * as v from 'valibot';

export interface AccountState {
  /** The session has read its token: before that, "signed out" means "not known yet". */
  initialized: boolean;
  signedIn: boolean;
  baseUrl?: string;
  organizationId?: number;
  /** The token's user, when known (kept with the token). */
  userId?: number;
  /** Changes whenever another token is stored. */
  tokenGeneration: number;
  configurationError?: string;
}

/** Where the chosen filter is kept (a Memento in the extension). */
export interface FilterStorage {
  load(): unknown;
  save(filter: RunFilter): Promise<void>;
}

export interface AccountRunsOptions {
  api: CodegenApi;
  store: RunStore;
  cache: RunsCache;
  filterStorage: FilterStorage;
  clock: Clock;
  intervalSeconds(): number;
  viewVisible(): boolean;
  windowFocused(): boolean;
  shared?: SharedPollingOptions;
  onError(error: unknown): void;
  onInfo(message: string): void;
}

export class AccountRuns implements Disposable {
  private poller: RunPoller | undefined;
  private account: string | undefined;
  private storageKey: string | undefined;
  /** Bumped per state handled: a restore that finishes after a newer state is ignored. */
  private generation = 0;
  /** Whom the current token was seen signed in as (service and user): signing out forgets their saved runs. */
  private readonly owners = new Map<string, { baseUrl: string; userId: number }>();
  private ownersToken: number | undefined;
  private disposed = false;

  constructor(private readonly options: AccountRunsOptions) {
    const saved = v.safeParse(filterSchema, options.filterStorage.load());
    if (saved.success) options.store.setFilter(normalizeFilter(saved.output));
  }

  get currentPoller(): RunPoller | undefined {
    return this.poller;
  }

  /** Follows the session: call with every state it publishes. Resolves when the account's runs are restored. */
  async update(state: AccountState): Promise<void> {
    if (this.disposed || !state.initialized) return;
    const generation = ++this.generation;
    const { store } = this.options;
    if (state.signedIn) this.noteOwner(state);
    const ready = state.signedIn && state.organizationId !== undefined && state.configurationError === undefined && state.baseUrl !== undefined;
    if (!ready) {
      this.stopPolling();
      if (!state.signedIn) {
        // Signed out: what was shown belongs to that account; its saved runs go with it, in every
        // organization. A save queued before is written first, so none of them comes back afterwards.
        const owners = [...this.owners.values()];
        this.owners.clear();
        this.account = undefined;
        this.storageKey = undefined;
        store.useStorage(undefined);
        store.clear();
        await store.flush();
        for (const owner of owners) await this.options.cache.removeUser(owner.baseUrl, owner.userId);
      }
      return;
    }
    // Runs are kept per user: until the token's user is known, nothing is restored or saved (two tokens
    // whose users are not known yet must not share one entry).
    const key = state.userId === undefined ? undefined : accountKey(state.baseUrl!, state.organizationId!, state.userId);
    // The same service, organization and token is the same account, even once its user is learned: the
    // poller stays (no restart, no inherited waits lost), only the storage key gains the user.
    const account = `${state.baseUrl}|${state.organizationId}|${state.tokenGeneration}`;
    if (this.poller && this.account === account) {
      if (this.storageKey !== key && key !== undefined) {
        this.storageKey = key;
        store.useStorage(this.options.cache.forAccount(key));
        // What this editor remembers of the account (runs created here, unreviewed ones) joins what is shown.
        await store.restore();
        if (generation !== this.generation || this.disposed) return;
        store.saveNow();
      }
      this.poller?.resume();
      return;
    }
    this.stopPolling();
    this.account = account;
    this.storageKey = key;
    store.clear();
    store.useStorage(key === undefined ? undefined : this.options.cache.forAccount(key));
    await store.restore();
    if (generation !== this.generation || this.disposed) return;
    this.poller = new RunPoller({
      api: this.options.api,
      store,
      orgId: state.organizationId!,
      userId: state.userId,
      clock: this.options.clock,
      intervalSeconds: this.options.intervalSeconds(),
      viewVisible: this.options.viewVisible(),
      windowFocused: this.options.windowFocused(),
      shared: this.options.shared,
      onError: (error) => this.options.onError(error),
    });
    this.options.onInfo(`Following runs of organization ${state.organizationId}${this.options.shared ? ' (polling shared with other windows)' : ''}.`);
  }

  /** The user chose another filter: it is kept for the next start. */
  setFilter(filter: RunFilter): void {
    if (this.poller) this.poller.setFilter(filter);
    else this.options.store.setFilter(filter);
    void this.options.filterStorage.save(this.options.store.filter);
  }

  dispose(): void {
    this.disposed = true;
    this.stopPolling();
  }

  private noteOwner(state: AccountState): void {
    if (state.tokenGeneration !== this.ownersToken) {
      // Another token: the previous one's saved runs stay (it may be stored again); sign-out forgets this one's.
      this.ownersToken = state.tokenGeneration;
      this.owners.clear();
    }
    if (state.baseUrl !== undefined && state.userId !== undefined) this.owners.set(`${state.baseUrl}|${state.userId}`, { baseUrl: state.baseUrl, userId: state.userId });
  }

  private stopPolling(): void {
    this.poller?.dispose();
    this.poller = undefined;
  }
}
