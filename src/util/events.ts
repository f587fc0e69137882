// A tiny event emitter with the same shape as vscode.EventEmitter, for core modules that cannot import vscode.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (event: T) => void) => Disposable;

/** Where an error thrown by an event listener goes (the Codegen log in the extension). */
export type ListenerErrorSink = (error: unknown) => void;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(event: T) => void>();

  /** @param onListenerError told about a listener that threw; the other listeners still run. Default: console. */
  constructor(private readonly onListenerError?: ListenerErrorSink) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    // Copy first: a listener may unsubscribe (or subscribe) while we iterate.
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        if (this.onListenerError) this.onListenerError(error);
        else console.error('Codegen: event listener failed', error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Holds disposables and disposes them together, newest first. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) item.dispose();
  }
}
