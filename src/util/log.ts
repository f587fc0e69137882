// The logging interface every module uses (core modules cannot import vscode's LogOutputChannel).

export interface Log {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Reveals the log to the user (the "Show log" action). */
  show(): void;
}

/**
 * Keeps the last lines written in memory, whatever the channel's level. In-host tests read it to prove
 * that no secret was ever logged.
 */
export class LogRecorder {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 5000) {}

  record(level: string, message: string): void {
    this.lines.push(`${level} ${message}`);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

export function teeLog(target: Omit<Log, 'show'>, show: () => void, recorder: LogRecorder | undefined): Log {
  const write = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string) => {
    recorder?.record(level, message);
    target[level](message);
  };
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), show };
}
