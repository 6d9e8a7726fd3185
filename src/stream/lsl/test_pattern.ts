// The two test-pattern samples an LSL server sends after its handshake (sample.cpp
// assign_test_pattern, offsets 4 then 2, timestamp 123456.789): the client compares them with its
// own to prove both sides agree on format, byte order and layout.
import { ProtocolError } from '../../errors.js';
import type { ChannelFormat } from './info.js';
import { allocData, encodeSamples, SampleChunk } from './sample.js';

export const TEST_PATTERN_TIMESTAMP = 123456.789;
/** The offsets of the first and second test-pattern samples. */
export const TEST_PATTERN_OFFSETS = [4, 2] as const;

/** One test-pattern sample for the format and channel count. */
export function testPattern(format: ChannelFormat, channels: number, offset: number): SampleChunk {
  const data = allocData(format, channels);
  for (let k = 0; k < channels; k++) {
    const sign = k % 2 === 0 ? 1 : -1;
    switch (format) {
      case 'float32': (data as Float32Array)[k] = (k + offset) * sign; break;
      case 'double64': (data as Float64Array)[k] = (k + offset + 16777217) * sign; break;
      case 'int32': (data as Int32Array)[k] = ((k + offset + 65537) % 2147483647) * sign; break;
      case 'int16': (data as Int16Array)[k] = ((k + offset + 257) % 32767) * sign; break;
      case 'int8': (data as Int8Array)[k] = ((k + offset + 1) % 127) * sign; break;
      case 'int64': (data as BigInt64Array)[k] = BigInt(k + 2147483649 + offset) * BigInt(sign); break;
      case 'string': (data as string[])[k] = String((k + 10) * sign); break;
    }
  }
  return { data, timestamps: Float64Array.of(TEST_PATTERN_TIMESTAMP), count: 1 };
}

/** The bytes of both test-pattern samples, as a server sends them after its response header. */
export function encodeTestPatterns(format: ChannelFormat, channels: number): Uint8Array {
  const parts = TEST_PATTERN_OFFSETS.map((o) => {
    const s = testPattern(format, channels, o);
    return encodeSamples(format, channels, s.data, s.timestamps);
  });
  const out = new Uint8Array(parts[0]!.length + parts[1]!.length);
  out.set(parts[0]!);
  out.set(parts[1]!, parts[0]!.length);
  return out;
}

/** Throws ProtocolError unless sample `index` of `got` equals the test pattern with `offset`. */
export function checkTestPattern(format: ChannelFormat, channels: number, got: SampleChunk, index: number, offset: number, what: string): void {
  const want = testPattern(format, channels, offset);
  const ts = got.timestamps[index];
  let same = ts === TEST_PATTERN_TIMESTAMP;
  for (let k = 0; same && k < channels; k++) {
    const a = got.data[index * channels + k];
    const b = want.data[k];
    same = a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
  }
  if (!same) {
    const shown = Array.from({ length: Math.min(channels, 4) }, (_, k) => String(got.data[index * channels + k])).join(', ');
    throw new ProtocolError(`${what}: test-pattern samples do not match (pattern ${index + 1}, offset ${offset}: got timestamp ${ts} and values [${shown}${channels > 4 ? ', ...' : ''}]); the peer's protocol is incompatible`);
  }
}
