// Protocol-1.10 sample bytes for every channel format and both tags, string length widths, the
// incremental decoder under arbitrary chunk boundaries, and its caps against hostile peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelFormat, DEDUCED_TIMESTAMP, SampleChunk, SampleDecoder, encodeSamples, toChannelData } from '../../../src/stream/lsl/index.js';
import { ArgumentError, FormatError } from '../../../src/errors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const TS = '000000000000' + '0a40'; // 3.25 as float64 LE

test('numeric samples: tag 2 + float64 LE timestamp + raw LE values, tag 1 without timestamp, every format', () => {
  const cases: [ChannelFormat, ArrayLike<number | bigint>, string][] = [
    ['float32', [1.5, -2], '0000c03f000000c0'],
    ['double64', [1.5, -2], '000000000000f83f00000000000000c0'],
    ['int8', [-1, 5], 'ff05'],
    ['int16', [-2, 258], 'feff0201'],
    ['int32', [-2, 0x01020304], 'feffffff04030201'],
    ['int64', [-2n, 0x0102030405060708n], 'feffffffffffffff0807060504030201'],
  ];
  for (const [f, v, vals] of cases) {
    const data = toChannelData(f, v, 'test');
    assert.equal(hex(encodeSamples(f, 2, data, [3.25])), '02' + TS + vals, f);
    assert.equal(hex(encodeSamples(f, 2, data, [DEDUCED_TIMESTAMP])), '01' + vals, f);
    const dec = new SampleDecoder(f, 2).push(encodeSamples(f, 2, data, [3.25]));
    assert.equal(dec.count, 1);
    assert.deepEqual(Array.from(dec.data as ArrayLike<unknown>), Array.from(data as ArrayLike<unknown>), f);
    assert.deepEqual(Array.from(dec.timestamps), [3.25]);
  }
});

test('string samples: length width 1 up to 255 bytes, 4 above; reader takes widths 1, 2, 4, 8 and refuses others', () => {
  assert.equal(hex(encodeSamples('string', 2, ['hi', ''], [DEDUCED_TIMESTAMP])), '01' + '01026869' + '0100');
  const long = 'x'.repeat(300);
  const b = encodeSamples('string', 1, [long], [3.25]);
  assert.equal(hex(b.subarray(0, 14)), '02' + TS + '042c010000');
  assert.equal(b.length, 14 + 300);
  assert.equal(hex(encodeSamples('string', 1, ['é'.repeat(127) + 'a'], [DEDUCED_TIMESTAMP]).subarray(0, 3)), '0101ff');
  const abc = '616263';
  for (const [width, len] of [['01', '03'], ['02', '0300'], ['04', '03000000'], ['08', '0300000000000000']]) {
    const d = new SampleDecoder('string', 1).push(Buffer.from(`01${width}${len}${abc}`, 'hex'));
    assert.deepEqual(d.data, ['abc'], `width ${width}`);
  }
  assert.throws(() => new SampleDecoder('string', 1).push(Buffer.from(`0103030000${abc}`, 'hex')), (e: Error) => e instanceof FormatError && /invalid varlen int: length width 3/.test(e.message));
  assert.deepEqual(new SampleDecoder('string', 1).push(encodeSamples('string', 1, ['ünï'], [1])).data, ['ünï']);
});

test('deduced timestamps count on from the last one by 1/srate (or repeat it at irregular rate)', () => {
  const enc = encodeSamples('int8', 1, new Int8Array([1, 2, 3, 4]), [10, DEDUCED_TIMESTAMP, DEDUCED_TIMESTAMP, 20]);
  assert.deepEqual(Array.from(new SampleDecoder('int8', 1, { nominalSrate: 4 }).push(enc).timestamps), [10, 10.25, 10.5, 20]);
  assert.deepEqual(Array.from(new SampleDecoder('int8', 1).push(enc).timestamps), [10, 10, 10, 20]);
});

/** A stream of mixed samples for the given format (2 channels). */
function stream(f: ChannelFormat, n: number): { bytes: Uint8Array; values: unknown[]; ts: number[] } {
  const values: unknown[] = [];
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    ts.push(i % 3 === 1 ? DEDUCED_TIMESTAMP : 100 + i / 8);
    for (let c = 0; c < 2; c++) {
      const v = (i * 7 + c * 3) % 100 - 50;
      values.push(f === 'string' ? 'é'.repeat(i % 5) + String(v) + 'z'.repeat(i === 3 ? 400 : 0) : f === 'int64' ? BigInt(v) * 10_000_000_000n : v + (f.startsWith('float') || f === 'double64' ? 0.5 : 0));
    }
  }
  const data = toChannelData(f, values as ArrayLike<number>, 't');
  return { bytes: encodeSamples(f, 2, data, ts), values: Array.from(data as ArrayLike<unknown>), ts };
}

function feed(dec: SampleDecoder, bytes: Uint8Array, cuts: number[]): SampleChunk[] {
  const out: SampleChunk[] = [];
  let p = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(dec.push(bytes.subarray(p, c)));
    assert.ok(dec.bufferedBytes <= dec.maxBufferedBytes, `buffered ${dec.bufferedBytes} > ${dec.maxBufferedBytes}`);
    p = c;
  }
  return out;
}

test('incremental decoder: byte-by-byte and random splits give the same samples as one push', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const f of ['float32', 'double64', 'int8', 'int16', 'int32', 'int64', 'string'] as ChannelFormat[]) {
    const s = stream(f, 40);
    const whole = new SampleDecoder(f, 2, { nominalSrate: 8 }).push(s.bytes);
    assert.equal(whole.count, 40);
    assert.deepEqual(Array.from(whole.data as ArrayLike<unknown>), s.values, f);
    const bytewise = feed(new SampleDecoder(f, 2, { nominalSrate: 8 }), s.bytes, Array.from({ length: s.bytes.length - 1 }, (_, i) => i + 1));
    for (let trial = 0; trial < 5; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * s.bytes.length)).sort((a, b) => a - b);
      for (const parts of [bytewise, feed(new SampleDecoder(f, 2, { nominalSrate: 8 }), s.bytes, cuts)]) {
        assert.equal(parts.reduce((a, c) => a + c.count, 0), 40);
        assert.deepEqual(parts.flatMap((c) => Array.from(c.data as ArrayLike<unknown>)), s.values, f);
        assert.deepEqual(parts.flatMap((c) => Array.from(c.timestamps)), Array.from(whole.timestamps), f);
      }
    }
  }
});

test('hostile input: oversized string length refused before buffering, bad tag refused, invalid UTF-8 refused', () => {
  const dec = new SampleDecoder('string', 1, { maxStringBytes: 1000, what: 'peer 1.2.3.4' });
  assert.throws(() => dec.push(Buffer.from('0108' + 'ffffffffffffff7f', 'hex')), (e: Error) => e instanceof FormatError && /peer 1.2.3.4: string of \d+ bytes in channel 0 exceeds the limit of 1000/.test(e.message));
  assert.throws(() => new SampleDecoder('string', 1, { maxStringBytes: 1000 }).push(Buffer.from('0104e9030000', 'hex')), /string of 1001 bytes/);
  const ok = new SampleDecoder('string', 1, { maxStringBytes: 1000 });
  ok.push(Buffer.from('0104e8030000', 'hex'));
  assert.ok(ok.bufferedBytes <= ok.maxBufferedBytes);
  assert.throws(() => new SampleDecoder('float32', 1).push(Buffer.from('0700000000', 'hex')), (e: Error) => e instanceof FormatError && /sample tag 7/.test(e.message));
  assert.throws(() => new SampleDecoder('string', 1).push(Buffer.from('010102c328', 'hex')), /not valid UTF-8/);
  assert.throws(() => new SampleDecoder('float32', 0), ArgumentError);
});

test('caller values are checked against the format: no silent wrap-around or truncation', () => {
  assert.throws(() => toChannelData('int8', [1, 200], 'push'), (e: Error) => e instanceof ArgumentError && /value 200 at index 1/.test(e.message));
  assert.throws(() => toChannelData('int16', [1.5], 'push'), ArgumentError);
  assert.throws(() => toChannelData('int64', [2 ** 60], 'push'), /safe integer/);
  assert.throws(() => toChannelData('string', ['a', 1] as unknown as string[], 'push'), /not a string/);
  assert.throws(() => encodeSamples('float32', 2, new Float32Array(3), [1, 2]), ArgumentError);
  assert.deepEqual(Array.from(toChannelData('int64', [1, 2n], 'push') as BigInt64Array), [1n, 2n]);
});

test('good samples before a malformed one are returned; the error comes with the next push', () => {
  const good = encodeSamples('float32', 1, new Float32Array([1, 2]), [1, 2]);
  const bytes = new Uint8Array([...good, 7, 0, 0]);
  const dec = new SampleDecoder('float32', 1);
  const c = dec.push(bytes);
  assert.deepEqual(Array.from(c.data as Float32Array), [1, 2]);
  assert.ok(dec.error instanceof FormatError);
  assert.throws(() => dec.push(new Uint8Array([1])), /sample tag 7/);
});

test('a large sample cut into many small pushes costs O(bytes): the partial sample is not re-copied or re-decoded per push', () => {
  // 64 channels x 64 KiB strings = 4 MiB in one sample, arriving 1 KiB at a time (4096 pushes):
  // re-copying the partial sample on every push moves ~8 GiB, appending moves 4 MiB
  const ch = 64;
  const vals = Array.from({ length: ch }, (_, c) => String.fromCharCode(97 + (c % 26)).repeat(65536));
  const bytes = encodeSamples('string', ch, vals, [12.5]);
  for (const f of ['string', 'float32'] as ChannelFormat[]) {
    const dec = new SampleDecoder(f, f === 'string' ? ch : bytes.length >> 2, { maxStringBytes: 1 << 17 });
    const src = f === 'string' ? bytes : encodeSamples('float32', bytes.length >> 2, new Float32Array(bytes.length >> 2).fill(0.5), [12.5]);
    const t0 = performance.now();
    let got: SampleChunk | null = null;
    for (let p = 0; p < src.length; p += 1024) {
      const c = dec.push(src.subarray(p, Math.min(p + 1024, src.length)));
      assert.ok(dec.bufferedBytes <= dec.maxBufferedBytes);
      if (c.count) got = c;
    }
    const ms = performance.now() - t0;
    assert.equal(got?.count, 1, f);
    assert.deepEqual(Array.from(got!.timestamps), [12.5]);
    if (f === 'string') assert.deepEqual(got!.data, vals);
    else assert.ok((got!.data as Float32Array).every((v) => v === 0.5));
    assert.equal(dec.bufferedBytes, 0);
    assert.ok(ms < 1500, `${f}: ${src.length} bytes in 1 KiB pushes took ${ms.toFixed(0)} ms`);
  }
});
