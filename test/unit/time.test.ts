import * as assert from 'assert';
import { formatClock, formatRelative, formatWait } from '../../src/util/time';

describe('time formatting', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it('formats relative times', () => {
    assert.strictEqual(formatRelative('2026-11-28T11:59:58Z', now), 'just now');
    assert.strictEqual(formatRelative('2026-11-28T11:55:00Z', now), '5 min ago');
    assert.strictEqual(formatRelative('2026-11-28T09:00:00Z', now), '3 h ago');
    assert.strictEqual(formatRelative('2026-11-26T12:00:00Z', now), '2 d ago');
    assert.strictEqual(formatRelative('2026-12-28T12:00:00Z', now), 'in the future');
    assert.strictEqual(formatRelative('garbage', now), undefined);
    assert.strictEqual(formatRelative(undefined, now), undefined);
  });
  it('formats waits and clock times', () => {
    assert.strictEqual(formatWait(19_001), '20 s');
    assert.strictEqual(formatWait(0), '1 s');
    assert.strictEqual(formatWait(300_000), '5 min');
    assert.match(formatClock(now), /^\d\d:\d\d$/);
  });
});
