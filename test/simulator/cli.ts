// Runs the simulator as a process: `node out/test/simulator/cli.js [--port N] [--seed N] [--run-duration-ms N]
// [--no-retry-after] [--no-rate-limits] [--historical-runs N] [--git-root DIR]`. Prints one ready line; stops on SIGTERM/SIGINT.

import { parseArgs } from 'node:util';
import { CodegenSimulator, type SimulatorOptions } from './simulator';

export const READY_LINE_PREFIX = 'Codegen simulator listening on ';

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} expects a whole number >= 0, got ${JSON.stringify(raw)}`);
  return value;
}

export function parseCliOptions(argv: string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      'run-duration-ms': { type: 'string' },
      'historical-runs': { type: 'string' },
      'git-root': { type: 'string' },
      'no-retry-after': { type: 'boolean' },
      'no-rate-limits': { type: 'boolean' },
    },
    strict: true,
  });
  const options: SimulatorOptions = {
    retryAfter: !values['no-retry-after'],
    rateLimits: !values['no-rate-limits'],
  };
  const port = integer('port', values.port);
  const seed = integer('seed', values.seed);
  const runDurationMs = integer('run-duration-ms', values['run-duration-ms']);
  const historicalRuns = integer('historical-runs', values['historical-runs']);
  if (port !== undefined) options.port = port;
  if (seed !== undefined) options.seed = seed;
  if (runDurationMs !== undefined) options.runDurationMs = runDurationMs;
  if (historicalRuns !== undefined) options.historicalRuns = historicalRuns;
  const gitRoot = values['git-root'];
  if (gitRoot !== undefined) {
    if (gitRoot.trim() === '') throw new Error('--git-root expects a folder');
    options.gitRoot = gitRoot;
  }
  return options;
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  const simulator = await CodegenSimulator.start(options);
  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdout.write(`${READY_LINE_PREFIX}${simulator.url}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('Codegen simulator failed to start:', error);
    process.exit(1);
  });
}
