// The webview's saved state as the panel serializer reads it after a reload, and command arguments
// that name a run. Both come from outside (a stored state, a tree item, a URI): parsed, never trusted.

/** The run id in a restored panel's state ({runId, ...} as the webview saved it), or undefined. */
export function parseRunDetailsState(state: unknown): number | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const runId = (state as { runId?: unknown }).runId;
  return typeof runId === 'number' && Number.isSafeInteger(runId) && runId > 0 ? runId : undefined;
}

/**
 * Parses a command argument into a run id: a number, a numeric string, or an object (a tree item or
 * node) with a numeric `runId`, `id` or `run.id`.
 */
export function runIdFromArgument(argument: unknown): number | undefined {
  if (typeof argument === 'object' && argument !== null) {
    const holder = argument as { runId?: unknown; id?: unknown; run?: unknown };
    const run = typeof holder.run === 'object' && holder.run !== null ? (holder.run as { id?: unknown }).id : undefined;
    for (const candidate of [holder.runId, run, holder.id]) {
      const runId = primitiveRunId(candidate);
      if (runId !== undefined) return runId;
    }
    return undefined;
  }
  return primitiveRunId(argument);
}

function primitiveRunId(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}
