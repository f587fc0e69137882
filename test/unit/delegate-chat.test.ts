// The @codegen chat participant's core (src/delegate/chatCommands): commands, the run a follow-up goes
// to, the lines streamed while a run goes on, /status.
import * as assert from 'node:assert/strict';
import type { AgentRun } from '../../src/api/types';
import {
  helpLines,
  parseChatRequest,
  RUN_ID_METADATA_KEY,
  RunProgressNarrator,
  runIdFromHistory,
  runMetadata,
  statusListLines,
  type NarrationItem,
} from '../../src/delegate/chatCommands';

const PARTICIPANT = 'codegen.chat';

function run(status: string | undefined, overrides: Partial<AgentRun> = {}): AgentRun {
  return { id: 7, organizationId: 1, status, pullRequests: [], ...overrides };
}

describe('delegate: chat requests', () => {
  it('parses /run, /status, /help, plain messages and mistakes', () => {
    assert.deepEqual(parseChatRequest({ command: 'run', prompt: '  add tests for parseConfig ' }), { kind: 'run', request: 'add tests for parseConfig' });
    assert.equal(parseChatRequest({ command: 'run', prompt: '  ' }).kind, 'invalid');
    assert.deepEqual(parseChatRequest({ command: 'status', prompt: '' }), { kind: 'status' });
    assert.deepEqual(parseChatRequest({ command: 'help', prompt: 'x' }), { kind: 'help' });
    assert.deepEqual(parseChatRequest({ prompt: 'also update the docs' }), { kind: 'followUp', prompt: 'also update the docs' });
    assert.deepEqual(parseChatRequest({ prompt: '' }), { kind: 'help' });
    const unknown = parseChatRequest({ command: 'deploy\u202e', prompt: 'x' });
    assert.deepEqual(unknown, { kind: 'invalid', message: 'Unknown command /deploy. Use /run, /status or /help.' });
    assert.equal(parseChatRequest({ command: 'run', prompt: 'x'.repeat(20_001) }).kind, 'invalid');
    assert.equal(helpLines().length, 3);
  });

  it('a follow-up goes to the run of the participant\'s latest answer about one', () => {
    const history = [
      { participant: PARTICIPANT },
      { participant: PARTICIPANT, metadata: runMetadata(11) },
      { participant: 'other.participant', metadata: { [RUN_ID_METADATA_KEY]: 99 } },
      { participant: PARTICIPANT, metadata: runMetadata(12) },
      { participant: PARTICIPANT, metadata: {} }, // a /status answer: no run
      { participant: PARTICIPANT, metadata: { [RUN_ID_METADATA_KEY]: '13' } }, // not a run id
      { participant: PARTICIPANT, metadata: { [RUN_ID_METADATA_KEY]: -1 } },
    ];
    assert.equal(runIdFromHistory(history, PARTICIPANT), 12);
    assert.equal(runIdFromHistory(history.slice(0, 3), PARTICIPANT), 11);
    assert.equal(runIdFromHistory([{ participant: 'other.participant', metadata: runMetadata(5) }], PARTICIPANT), undefined);
    assert.equal(runIdFromHistory([], PARTICIPANT), undefined);
    assert.equal(runIdFromHistory([{ participant: PARTICIPANT, metadata: null }], PARTICIPANT), undefined);
  });
});

describe('delegate: run progress in chat', () => {
  it('one line per status change, PR buttons once each (https only), the summary at the end, then nothing', () => {
    const narrator = new RunProgressNarrator(7, { now: () => 0 });
    const streamed: NarrationItem[] = [];
    const pr = { title: 'Fix names', url: 'https://github.com/o/r/pull/3' };
    const snapshots = [
      run('PENDING'),
      run('PENDING'),
      run('RUNNING'),
      run('RUNNING', { pullRequests: [pr, { title: 'Plain http', url: 'http://github.com/o/r/pull/4' }, { url: 'javascript:alert(1)' }] }),
      run('RUNNING', { pullRequests: [pr] }),
      run('other', { id: 8 }),
      run('COMPLETE', { pullRequests: [pr, { url: 'https://github.com/o/r/pull/5' }], summary: 'Done.\n\nAdded a guard\u202e for empty names.' }),
      run('FAILED', { summary: 'late' }),
    ];
    for (const snapshot of snapshots) streamed.push(...narrator.update(snapshot));
    assert.deepEqual(streamed, [
      { kind: 'line', text: 'Status: Pending' },
      { kind: 'line', text: 'Status: Running' },
      { kind: 'button', title: 'Fix names', url: 'https://github.com/o/r/pull/3' },
      { kind: 'line', text: 'Status: Completed' },
      { kind: 'summary', text: 'Done.\n\nAdded a guard for empty names.' },
      { kind: 'button', title: 'Pull request #5', url: 'https://github.com/o/r/pull/5' },
    ]);
    assert.equal(narrator.done, true);
    assert.equal(narrator.end, 'final');
  });

  it('stops when the run waits for the user, with its question', () => {
    const narrator = new RunProgressNarrator(7, { now: () => 0 });
    const items = [...narrator.update(run('RUNNING')), ...narrator.update(run('PAUSED', { summary: 'Which database?' }))];
    assert.deepEqual(items.map((item) => item.kind), ['line', 'line', 'summary', 'line']);
    assert.equal(narrator.end, 'waiting');
    assert.deepEqual(narrator.update(run('RUNNING')), []);
  });

  it('stops after the time limit or the number of snapshots', () => {
    let now = 1_000;
    const timed = new RunProgressNarrator(7, { now: () => now, maxFollowMs: 60_000 });
    timed.update(run('RUNNING'));
    now += 30_000;
    assert.deepEqual(timed.checkTime(), []);
    assert.equal(timed.remainingMs(), 30_000);
    now += 30_000;
    const stopped = timed.checkTime();
    assert.equal(stopped.length, 1);
    assert.match((stopped[0] as { text: string }).text, /Stopped following run 7/);
    assert.equal(timed.end, 'timeLimit');
    assert.deepEqual(timed.checkTime(), [], 'says it once');
    assert.deepEqual(timed.update(run('COMPLETE')), []);

    const counted = new RunProgressNarrator(7, { now: () => 0, maxUpdates: 3 });
    const items = [run('RUNNING'), run('RUNNING'), run('RUNNING'), run('RUNNING')].flatMap((snapshot) => counted.update(snapshot));
    assert.deepEqual(items.map((item) => item.kind), ['line', 'line']);
    assert.equal(counted.end, 'updateLimit');
  });

  it('cleans hostile status text and clamps a huge summary', () => {
    const narrator = new RunProgressNarrator(7, { now: () => 0, maxSummaryChars: 100 });
    const items = narrator.update(run('CANCELLED\u0007', { summary: 'x'.repeat(10_000) }));
    assert.deepEqual(items[0], { kind: 'line', text: 'Status: CANCELLED' }, 'an unknown status shown as sent, cleaned');
    assert.equal(narrator.done, false, 'an unknown status is not an end');
    const ended = narrator.update(run('CANCELLED', { summary: 'x'.repeat(10_000) }));
    const summary = ended.find((item) => item.kind === 'summary');
    assert.ok(summary && summary.kind === 'summary' && summary.text.length === 100);
  });
});

describe('delegate: /status', () => {
  it('lists runs needing the user first, then running, other and finished, bounded', () => {
    const runs = [run('COMPLETE', { id: 1 }), run('RUNNING', { id: 2, metadata: { title: 'Add tests' } }), run('PAUSED', { id: 3, pullRequests: [{ url: 'https://x/pull/1' }] }), run('WEIRD', { id: 4 })];
    assert.deepEqual(statusListLines(runs), ['Run 3 · Paused · Run #3 · 1 PR', 'Run 2 · Running · Add tests', 'Run 4 · WEIRD · Run #4', 'Run 1 · Completed · Run #1']);
    assert.deepEqual(statusListLines(runs, 2).at(-1), '… and 2 more in the Codegen view.');
    assert.deepEqual(statusListLines([]), ['No Codegen runs yet. Start one with /run.']);
  });
});
