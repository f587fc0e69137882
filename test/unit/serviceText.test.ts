// The one sanitizer of service text for plain-text surfaces (tree, notifications, pickers, titles).
import * as assert from 'node:assert/strict';
import { runTitle } from '../../src/runs/runModel';
import { cleanServiceText, serviceLabel } from '../../src/util/serviceText';

const HOSTILE = 'Fix\u202egnp.exe\u202c the\u0000 bug\u0007\u001b[31m\u200e\u200f\u2066x\u2069\u0085\u009b\ufeff\u200b done';

describe('service text sanitizer', () => {
  it('strips control and bidi characters (tab kept as space), and clamps the length', () => {
    const label = serviceLabel(HOSTILE);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(label, /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u200b]/);
    assert.equal(label, 'Fix gnp.exe the bug [31m x done');
    assert.equal(serviceLabel('a\tb'), 'a b');
    const long = serviceLabel('x'.repeat(5_000), 80);
    assert.equal(long.length, 80);
    assert.ok(long.endsWith('…'));
    // A surrogate pair is never cut in half.
    const emoji = serviceLabel(`${'a'.repeat(78)}😀😀`, 80);
    assert.ok(!/[\ud800-\udbff]…$/.test(emoji), emoji);
  });

  it('keeps line breaks only when asked (tooltips), never other controls', () => {
    assert.equal(cleanServiceText('one\r\ntwo\n\n\n\nthree\u202e', { multiline: true }), 'one\ntwo\n\nthree');
    assert.equal(cleanServiceText('one\ntwo'), 'one two');
    assert.equal(cleanServiceText(undefined), '');
    assert.equal(cleanServiceText(42), '');
  });

  it('titles runs through it', () => {
    assert.equal(runTitle({ id: 1, organizationId: 1, pullRequests: [], metadata: { title: HOSTILE } }), 'Fix gnp.exe the bug [31m x done');
    assert.equal(runTitle({ id: 7, organizationId: 1, pullRequests: [], metadata: { title: '\u202e\u0000' } }), 'Run #7');
  });
});
