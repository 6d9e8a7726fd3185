// Test-pattern samples (assign_test_pattern) and time-probe datagrams with the min-RTT estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SampleDecoder, checkTestPattern, encodeTestPatterns, estimateOffset, formatG16, formatTimeReply, formatTimeRequest, parseTimeReply, parseTimeRequest,
  testPattern,
} from '../../../src/stream/lsl/index.js';
import { ProtocolError } from '../../../src/errors.js';

test('test patterns: values per format (offset 4 and 2, sign alternating by channel)', () => {
  assert.deepEqual(Array.from(testPattern('float32', 4, 4).data as Float32Array), [4, -5, 6, -7]);
  assert.deepEqual(Array.from(testPattern('float32', 3, 2).data as Float32Array), [2, -3, 4]);
  assert.deepEqual(Array.from(testPattern('double64', 2, 4).data as Float64Array), [16777221, -16777222]);
  assert.deepEqual(Array.from(testPattern('int32', 2, 2).data as Int32Array), [65539, -65540]);
  assert.deepEqual(Array.from(testPattern('int16', 2, 4).data as Int16Array), [261, -262]);
  assert.deepEqual(Array.from(testPattern('int8', 3, 4).data as Int8Array), [5, -6, 7]);
  assert.deepEqual(Array.from(testPattern('int8', 130, 2).data as Int8Array).slice(124, 127), [0, -1, 2]); // (k + 3) % 127
  assert.deepEqual(Array.from(testPattern('int64', 2, 4).data as BigInt64Array), [2147483653n, -2147483654n]);
  assert.deepEqual(testPattern('string', 3, 4).data, ['10', '-11', '12']);
  assert.deepEqual(testPattern('string', 3, 2).data, ['10', '-11', '12']);
  assert.deepEqual(Array.from(testPattern('int16', 1, 2).timestamps), [123456.789]);
});

test('test patterns: bytes of both samples for float32 x 2 and string x 1', () => {
  const ts = Buffer.from(new Float64Array([123456.789]).buffer).toString('hex');
  assert.equal(ts, 'c976be9f0c24fe40');
  assert.equal(Buffer.from(encodeTestPatterns('float32', 2)).toString('hex'), `02${ts}00008040` + '0000a0c0' + `02${ts}00000040` + '000040c0');
  assert.equal(Buffer.from(encodeTestPatterns('string', 1)).toString('hex'), `02${ts}01023130` + `02${ts}01023130`);
});

test('test-pattern check: accepts the real ones, refuses a wrong value or timestamp with ProtocolError', () => {
  for (const f of ['float32', 'double64', 'int8', 'int16', 'int32', 'int64', 'string'] as const) {
    const c = new SampleDecoder(f, 5).push(encodeTestPatterns(f, 5));
    checkTestPattern(f, 5, c, 0, 4, 't');
    checkTestPattern(f, 5, c, 1, 2, 't');
    if (f !== 'string') assert.throws(() => checkTestPattern(f, 5, c, 0, 2, 'peer'), (e: Error) => e instanceof ProtocolError && /peer: test-pattern samples do not match/.test(e.message));
  }
  const c = new SampleDecoder('float32', 2).push(encodeTestPatterns('float32', 2));
  c.timestamps[0] = 1;
  assert.throws(() => checkTestPattern('float32', 2, c, 0, 4, 't'), ProtocolError);
});

test('time probes: request and reply datagrams with 16 significant digits (%.16g)', () => {
  assert.equal(formatTimeRequest(7, 12345.678901234567), 'LSL:timedata\r\n7 12345.67890123457\r\n');
  assert.equal(formatTimeReply(7, 1.5, 2e-5, 123456.789), ' 7 1.5 2e-05 123456.789');
  for (const [x, s] of [[0.1, '0.1'], [1.5e20, '1.5e+20'], [-3.25e-7, '-3.25e-07'], [2, '2'], [1 / 3, '0.3333333333333333']] as const) assert.equal(formatG16(x), s);
  assert.deepEqual(parseTimeRequest('LSL:timedata\r\n7 12345.5\r\n'), { waveId: 7, t0: 12345.5 });
  assert.deepEqual(parseTimeReply(' 7 1.5 2e-05 123456.789'), { waveId: 7, t0: 1.5, t1: 2e-5, t2: 123456.789 });
  for (const bad of ['LSL:timedata\r\nx y\r\n', 'LSL:timedata', 'LSL:timedata\r\n1 nan\r\n']) assert.equal(parseTimeRequest(bad), null);
  for (const bad of [' 7 1 2', ' x 1 2 3', ' 7 1 2 abc', '']) assert.equal(parseTimeReply(bad), null);
});

test('time estimate: the least-rtt probe wins; offset = ((t1-t0)+(t2-t3))/2, correction = -offset', () => {
  // Outlet clock = inlet clock + 100 s. Probe A: 2 ms out, 8 ms back (rtt 10 ms); probe B: 1 ms each way (rtt 2 ms).
  const A = { t0: 10, t1: 110.002, t2: 110.003, t3: 10.011 };
  const B = { t0: 20, t1: 120.001, t2: 120.0015, t3: 20.0025 };
  const e = estimateOffset([A, B])!;
  assert.ok(Math.abs(e.rtt - 0.002) < 1e-9);
  assert.ok(Math.abs(e.offset - 100) < 1e-9);
  assert.equal(e.correction, -e.offset);
  const a = estimateOffset([A])!;
  assert.ok(Math.abs(a.offset - 99.997) < 1e-9 && Math.abs(a.rtt - 0.01) < 1e-9);
  assert.equal(estimateOffset([]), null);
});
