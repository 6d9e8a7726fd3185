// The WebSocket relay: a ws client gets the info frame and binary chunk frames with exact values;
// a client that disconnects mid-stream does not disturb the others; a slow client gets frames
// dropped and counted instead of growing the relay's memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { StreamOutlet, decodeRelayFrame, encodeRelayFrame, resolveStreams, startRelay } from '../../../src/node/lsl/index.js';
import { relayFramesFor } from '../../../src/node/lsl/relay.js';
import { ArgumentError } from '../../../src/errors.js';
import { sleep, uniqueName, exitWhenDone } from './helpers.js';

exitWhenDone();

function client(port: number): Promise<{ ws: WebSocket; texts: string[]; frames: ReturnType<typeof decodeRelayFrame>[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const texts: string[] = [];
  const frames: ReturnType<typeof decodeRelayFrame>[] = [];
  ws.on('message', (m, binary) => {
    if (binary) frames.push(decodeRelayFrame(new Uint8Array(m as Buffer)));
    else texts.push(m.toString());
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, texts, frames }));
    ws.once('error', reject);
  });
}

test('relay frame layout: 24-byte header, float32 relative timestamps, float32 row-major values', () => {
  const f = encodeRelayFrame({ data: new Int16Array([1, -2, 3, -4]), timestamps: Float64Array.of(1000.5, 1000.75), count: 2 }, 2, 3);
  const dv = new DataView(f.buffer);
  assert.equal(f.length, 24 + 8 + 16);
  assert.deepEqual([dv.getUint32(0, true), dv.getUint32(4, true), dv.getUint32(8, true), dv.getUint32(12, true), dv.getFloat64(16, true)], [1, 2, 2, 3, 1000.5]);
  assert.deepEqual(Array.from(new Float32Array(f.buffer, 24, 2)), [0, 0.25]);
  assert.deepEqual(Array.from(new Float32Array(f.buffer, 32, 4)), [1, -2, 3, -4]);
  const d = decodeRelayFrame(f);
  assert.deepEqual(Array.from(d.timestamps), [1000.5, 1000.75]);
  assert.throws(() => decodeRelayFrame(f.subarray(0, 30)), ArgumentError);
});

test('relay frames: a chunk is encoded once per message; clients with the same dropped count share it, others get a patched copy', () => {
  const chunk = { data: new Float32Array([1, 2, 3, 4]), timestamps: Float64Array.of(5, 6), count: 2 };
  const frames = relayFramesFor(chunk, 2, [0, 0, 4, 0, 4, 9]);
  assert.equal(frames[0], frames[1]);
  assert.equal(frames[0], frames[3]);
  assert.equal(frames[2], frames[4]);
  assert.notEqual(frames[2], frames[0]);
  assert.deepEqual(frames.map((f) => decodeRelayFrame(f).dropped), [0, 0, 4, 0, 4, 9]);
  for (const f of frames) assert.deepEqual(Array.from(decodeRelayFrame(f).data), [1, 2, 3, 4]);
  // the shared frame was not patched by the later counts
  assert.deepEqual(Buffer.from(frames[0]!), Buffer.from(encodeRelayFrame(chunk, 2, 0)));
  assert.deepEqual(relayFramesFor(chunk, 2, []), []);
});

test('relay forwards a stream to ws clients and survives a client leaving mid-stream', { timeout: 8000 }, async () => {
  const name = uniqueName('relay');
  const outlet = await StreamOutlet.create({ name, channelCount: 8, nominalSrate: 500 }, { host: '127.0.0.1' });
  const relay = await startRelay({ streamName: name, resolveTimeoutMs: 3000 });
  try {
    const a = await client(relay.port);
    const b = await client(relay.port);
    await outlet.waitForConsumers(1);
    const values = Float32Array.from({ length: 8 * 300 }, (_, i) => Math.fround(i * 0.37 - 100));
    const ts = Float64Array.from({ length: 300 }, (_, i) => 86400.001 + i / 500);
    for (let i = 0; i < 150; i += 5) outlet.pushChunk(values.subarray(i * 8, (i + 5) * 8), ts.subarray(i, i + 5));
    await sleep(100);
    b.ws.terminate(); // leaves mid-stream
    for (let i = 150; i < 300; i += 5) outlet.pushChunk(values.subarray(i * 8, (i + 5) * 8), ts.subarray(i, i + 5));
    const end = Date.now() + 3000;
    while (a.frames.reduce((s, f) => s + f.count, 0) < 300 && Date.now() < end) await sleep(10);
    assert.equal(JSON.parse(a.texts[0]!).name, name);
    assert.equal(JSON.parse(a.texts[0]!).channelCount, 8);
    assert.deepEqual(a.frames.flatMap((f) => Array.from(f.data)), Array.from(values));
    const t = a.frames.flatMap((f) => Array.from(f.timestamps));
    assert.equal(t.length, 300);
    for (let i = 0; i < 300; i++) assert.ok(Math.abs(t[i]! - ts[i]!) < 1e-6, `timestamp ${i}: ${t[i]} vs ${ts[i]}`);
    assert.ok(b.frames.length > 0);
    assert.equal(relay.clients, 1);
    assert.equal(relay.framesDropped, 0);
    a.ws.close();
  } finally {
    await relay.close();
    await outlet.close();
  }
});

test('relay drops and counts frames for a client that stops reading', { timeout: 8000 }, async () => {
  const name = uniqueName('slow');
  const outlet = await StreamOutlet.create({ name, channelCount: 64, nominalSrate: 1000 }, { host: '127.0.0.1' });
  const [info] = await resolveStreams({ name, timeoutMs: 3000, minimum: 1 });
  const relay = await startRelay({ info: info!, maxClientBufferedBytes: 256 * 1024 });
  try {
    const slow = await client(relay.port);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await outlet.waitForConsumers(1);
    const chunk = new Float32Array(100 * 64);
    const end = Date.now() + 5000;
    for (let i = 0; relay.framesDropped === 0 && Date.now() < end; i++) {
      outlet.pushChunk(chunk, Float64Array.from({ length: 100 }, (_, k) => i + k / 100));
      await sleep(1);
    }
    assert.ok(relay.framesDropped > 0, 'no frame dropped');
    assert.equal(relay.clients, 1);
    slow.ws.terminate();
  } finally {
    await relay.close();
    await outlet.close();
  }
});

test('relay: a stream whose <channels> desc disagrees with its channel count is relayed without labels', { timeout: 8000 }, async () => {
  const name = uniqueName('relay-desc');
  const desc = '<channels><channel><label>C3</label></channel><channel><label>C4</label></channel></channels>'; // 2 of 3
  const outlet = await StreamOutlet.create({ name, channelCount: 3, nominalSrate: 100, desc }, { host: '127.0.0.1' });
  const relay = await startRelay({ streamName: name, resolveTimeoutMs: 3000 });
  try {
    const a = await client(relay.port);
    await outlet.waitForConsumers(1);
    outlet.pushChunk(Float32Array.from([1, 2, 3, 4, 5, 6]), Float64Array.from([10, 10.01]));
    const end = Date.now() + 3000;
    while (a.frames.length === 0 && Date.now() < end) await sleep(10);
    const hello = JSON.parse(a.texts[0]!) as { channelCount: number; channels: unknown };
    assert.equal(hello.channelCount, 3);
    assert.equal(hello.channels, null);
    assert.deepEqual(a.frames.flatMap((f) => Array.from(f.data)), [1, 2, 3, 4, 5, 6]);
    a.ws.close();
  } finally {
    await relay.close();
    await outlet.close();
  }
});
