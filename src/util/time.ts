// Relative and clock times for the views.

const UNITS: Array<[limitSeconds: number, divisor: number, unit: string]> = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86400, 3600, 'h'],
  [86400 * 30, 86400, 'd'],
  [86400 * 365, 86400 * 30, 'mo'],
  [Infinity, 86400 * 365, 'y'],
];

/** "just now", "5 min ago", "3 h ago", "2 d ago"; undefined for a missing or unreadable timestamp. */
export function formatRelative(iso: string | undefined, nowMs: number): string | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  const seconds = Math.round((nowMs - at) / 1000);
  if (seconds < 10 && seconds > -60) return 'just now';
  if (seconds < 0) return 'in the future';
  for (const [limit, divisor, unit] of UNITS) {
    if (seconds < limit) return `${Math.floor(seconds / divisor)} ${unit} ago`;
  }
  return undefined;
}

/** "10:42" (24 h, local time) for a timestamp in ms. */
export function formatClock(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** "20 s", "2 min" for a wait in ms (rounded up). */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
