// TAL parsing on hand-made byte strings: UTF-8 text, Latin-1 text where it is not valid UTF-8
// (decided per TAL, so one old-style text does not garble the UTF-8 ones), and time stamps that
// are malformed or beyond the largest double.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTals } from '../../../src/io/edf/index.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

test('UTF-8 and Latin-1 TALs side by side decode each as what it is', () => {
  const warnings: string[] = [];
  const tals = parseTals(bytes('+0\x14\x14\x00', '+0.5\x14Grüße\x14\x00', '+1\x151.5\x14', [0x47, 0x72, 0xfc, 0xdf, 0x65], '\x14\x00', '+2\x14', [0xce, 0xbc, 0x56], '\x14\x00\x00\x00'), (m) => warnings.push(m));
  assert.deepEqual(tals, [
    { onset: 0, duration: 0, texts: [''] },
    { onset: 0.5, duration: 0, texts: ['Grüße'] },
    { onset: 1, duration: 1.5, texts: ['Grüße'], latin1: true },
    { onset: 2, duration: 0, texts: ['μV'] },
  ]);
  assert.deepEqual(warnings, []);
});

test('a time stamp that is malformed or overflows a double skips its TAL, with a warning', () => {
  const warnings: string[] = [];
  const huge = `+${'9'.repeat(400)}`;
  const tals = parseTals(bytes(`${huge}\x14late\x14\x00`, '+1\x15-2\x14neg\x14\x00', '+3\x14ok\x14\x00'), (m) => warnings.push(m));
  assert.deepEqual(tals, [{ onset: 3, duration: 0, texts: ['ok'] }]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^TAL with a malformed time stamp skipped: "\+9{59}\.\.\."$/);
  assert.match(warnings[1]!, /malformed time stamp skipped: "\+1\\u0015-2"/);
});
