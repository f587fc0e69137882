// The prompt picker's input is one line: a suggested request over several lines is shown joined and sent
// whole when accepted unchanged (a browser input would otherwise glue "names" and "Remove" together).
import * as assert from 'node:assert/strict';
import { diagnosticsRequest } from '../../src/delegate/diagnosticRequest';
import { acceptedRequest, suggestRequest } from '../../src/send/suggestedRequest';

describe('suggested requests in the one-line prompt picker', () => {
  it('shows a request over several lines joined by spaces, and sends it whole when accepted unchanged', () => {
    const full = 'Resolve this TODO in src/a.ts (line 2): handle empty names\nRemove the comment once it is resolved.';
    const suggestion = suggestRequest(full);
    assert.equal(suggestion.shown, 'Resolve this TODO in src/a.ts (line 2): handle empty names Remove the comment once it is resolved.');
    assert.ok(!suggestion.shown.includes('\n'));
    assert.equal(acceptedRequest(suggestion.shown, suggestion), full);
    assert.equal(acceptedRequest(`  ${suggestion.shown} `, suggestion), full, 'surrounding spaces do not count as an edit');
  });

  it('sends an edited request as typed, and a request of one line as it is', () => {
    const suggestion = suggestRequest('Fix this\nand that');
    assert.equal(acceptedRequest('Fix this only', suggestion), 'Fix this only');
    assert.equal(acceptedRequest('', suggestion), '');
    const single = suggestRequest('Add tests');
    assert.equal(acceptedRequest('Add tests', single), 'Add tests');
    assert.equal(acceptedRequest('typed', undefined), 'typed');
    assert.equal(acceptedRequest('', suggestRequest('')), '');
  });

  it('keeps the list of a quick fix on several problems, with CRLF or LF', () => {
    const full = diagnosticsRequest(
      [
        { message: 'Cannot find name x', severity: 'error', source: 'ts', code: '2304', startLine: 1, endLine: 1 },
        { message: 'Unused variable y', severity: 'warning', source: 'eslint', startLine: 3, endLine: 3 },
      ],
      'src/a.ts',
    );
    assert.match(full, /\n- /);
    const suggestion = suggestRequest(full);
    assert.ok(!suggestion.shown.includes('\n'));
    assert.equal(acceptedRequest(suggestion.shown, suggestion), full);
    const crlf = suggestRequest(full.replace(/\n/g, '\r\n'));
    assert.equal(crlf.shown, suggestion.shown);
  });
});
