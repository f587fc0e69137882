// For the project's in-host tests and benches only (CODEGEN_TEST_MODE=1): what activation reads (keys of
// the extension's global state and secret storage) and how many of the extension's timers wait. The
// production path never builds one.
import type * as vscode from 'vscode';
import { CountingClock, systemClock } from './util/clock';

export class ActivationProbe {
  readonly clock = new CountingClock(systemClock);
  private readonly readKeys: string[] = [];

  /** Keys read so far, as "globalState:<key>" and "secrets:<key>", each once, in order. */
  get reads(): readonly string[] {
    return this.readKeys;
  }

  /** The extension context with its global state, workspace state and secret storage reads recorded. */
  context(context: vscode.ExtensionContext): vscode.ExtensionContext {
    const globalState = this.watch('globalState', context.globalState, 'get');
    const workspaceState = this.watch('workspaceState', context.workspaceState, 'get');
    const secrets = this.watch('secrets', context.secrets, 'get');
    // The context is frozen (a Proxy may not change its properties): an object on top of it instead.
    return Object.create(context, {
      globalState: { value: globalState },
      workspaceState: { value: workspaceState },
      secrets: { value: secrets },
    }) as vscode.ExtensionContext;
  }

  private watch<T extends object>(name: string, target: T, method: string): T {
    return new Proxy(target, {
      get: (object, property) => {
        const value: unknown = Reflect.get(object, property);
        if (typeof value !== 'function') return value;
        if (property !== method) return (value as (...args: unknown[]) => unknown).bind(object);
        return (key: unknown, ...rest: unknown[]) => {
          const entry = `${name}:${String(key)}`;
          if (!this.readKeys.includes(entry)) this.readKeys.push(entry);
          return (value as (...args: unknown[]) => unknown).call(object, key, ...rest);
        };
      },
    });
  }
}
