import * as assert from 'node:assert/strict';
import { categoryLabel, isFinal, isInProgress, statusCategory, statusLabel, type StatusCategory } from '../../src/api/status';

describe('api status model', () => {
  const expected: [string, StatusCategory][] = [
    ['PENDING', 'inProgress'],
    ['ACTIVE', 'inProgress'],
    ['RUNNING', 'inProgress'],
    ['EVALUATION', 'inProgress'],
    ['PAUSED', 'needsUser'],
    ['COMPLETE', 'succeeded'],
    ['COMPLETED', 'succeeded'],
    ['FAILED', 'failed'],
    ['ERROR', 'failed'],
    ['TIMEOUT', 'failed'],
    ['MAX_ITERATIONS_REACHED', 'failed'],
    ['OUT_OF_TOKENS', 'failed'],
    ['CANCELLED', 'cancelled'],
    ['STOPPED', 'cancelled'],
  ];

  it('maps every documented status to its category', () => {
    for (const [raw, category] of expected) assert.equal(statusCategory(raw), category, raw);
  });

  it('compares case-insensitively (older docs use lowercase)', () => {
    assert.equal(statusCategory('running'), 'inProgress');
    assert.equal(statusCategory('completed'), 'succeeded');
    assert.equal(statusCategory('Failed'), 'failed');
    assert.equal(statusCategory('cancelled'), 'cancelled');
    assert.equal(statusCategory(' paused '), 'needsUser');
  });

  it('gives unknown for anything else, including undefined and null', () => {
    assert.equal(statusCategory('SOMETHING_NEW'), 'unknown');
    assert.equal(statusCategory(''), 'unknown');
    assert.equal(statusCategory(undefined), 'unknown');
    assert.equal(statusCategory(null), 'unknown');
  });

  it('isInProgress follows the category', () => {
    assert.equal(isInProgress({ status: 'ACTIVE' }), true);
    assert.equal(isInProgress({ status: 'PAUSED' }), false);
    assert.equal(isInProgress({ status: undefined }), false);
  });

  it('isFinal is true only for succeeded, failed and cancelled', () => {
    const finals = (['inProgress', 'needsUser', 'succeeded', 'failed', 'cancelled', 'unknown'] as StatusCategory[]).filter(isFinal);
    assert.deepEqual(finals, ['succeeded', 'failed', 'cancelled']);
  });

  it('labels known statuses in sentence case and shows unknown ones as they are', () => {
    assert.equal(statusLabel('MAX_ITERATIONS_REACHED'), 'Max iterations reached');
    assert.equal(statusLabel('running'), 'Running');
    assert.equal(statusLabel('COMPLETE'), 'Completed');
    assert.equal(statusLabel('OUT_OF_TOKENS'), 'Out of tokens');
    assert.equal(statusLabel('QUANTUM_FLUX'), 'QUANTUM_FLUX');
    assert.equal(statusLabel(undefined), 'Unknown');
  });

  it('labels every category', () => {
    assert.equal(categoryLabel('needsUser'), 'Waiting for you');
    assert.equal(categoryLabel('unknown'), 'Unknown status');
  });
});
