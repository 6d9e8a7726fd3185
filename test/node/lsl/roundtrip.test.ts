// Loopback round trips outlet -> resolver -> inlet: float32 x 64 (values and timestamps exact),
// strings, int16, int64; discovery filters; bounded buffers on both sides; time correction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { StreamInlet, StreamOutlet, lslClock, resolveStreams } from '../../../src/node/lsl/index.js';
import { ArgumentError } from '../../../src/errors.js';
import { DEDUCED_TIMESTAMP, buildFeedRequest } from '../../../src/stream/lsl/index.js';
import { collect, sleep, uniqueName, exitWhenDone } from './helpers.js';

exitWhenDone();

test('float32 x 64 at 1 kHz: resolve by name, values and timestamps arrive exact and in order', { timeout: 8000 }, async () => {
  const name = uniqueName('f32');
  const outlet = await StreamOutlet.create({ name, type: 'EEG', channelCount: 64, nominalSrate: 1000, sourceId: 'rt-f32' }, { host: '127.0.0.1' });
  try {
    const found = await resolveStreams({ name, timeoutMs: 3000, minimum: 1 });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.uid, outlet.info.uid);
    assert.equal(found[0]!.v4address, '127.0.0.1');
    const inlet = await StreamInlet.open(found[0]!);
    await outlet.waitForConsumers(1);
    const n = 500;
    const values = Float32Array.from({ length: n * 64 }, (_, i) => Math.fround(Math.sin(i) * 1e-4 * (i % 7)));
    const ts = Float64Array.from({ length: n }, (_, i) => 5000.123456789 + i / 1000);
    for (let i = 0; i < n; i += 10) outlet.pushChunk(values.subarray(i * 64, (i + 10) * 64), ts.subarray(i, i + 10));
    const got = await collect(inlet, n);
    assert.equal(got.timestamps.length, n);
    assert.deepEqual(got.timestamps, Array.from(ts));
    assert.deepEqual(got.data, Array.from(values));
    assert.equal(inlet.dropped, 0);
    assert.equal(outlet.dropped, 0);
    inlet.close();
  } finally {
    await outlet.close();
  }
});

test('strings (UTF-8, long values), int16 and int64 round-trip; deduced timestamps are filled in', { timeout: 8000 }, async () => {
  const cases = [
    { f: 'string' as const, v: ['α', '', 'x'.repeat(70_000), 'end'], check: (d: unknown[]) => d },
    { f: 'int16' as const, v: [-32768, 32767, 0, -1], check: (d: unknown[]) => d },
    { f: 'int64' as const, v: [-(2n ** 63n), 2n ** 63n - 1n, 0n, 42n], check: (d: unknown[]) => d },
  ];
  for (const { f, v } of cases) {
    const name = uniqueName(f);
    const outlet = await StreamOutlet.create({ name, channelCount: 2, channelFormat: f, nominalSrate: 10 }, { host: '127.0.0.1' });
    try {
      const [info] = await resolveStreams({ query: `name='${name}' and channel_format='${f}'`, timeoutMs: 3000, minimum: 1 });
      const inlet = await StreamInlet.open(info!);
      await outlet.waitForConsumers(1);
      outlet.pushChunk(v as never, [77.5, DEDUCED_TIMESTAMP]);
      const got = await collect(inlet, 2);
      assert.deepEqual(got.data, v, f);
      assert.deepEqual(got.timestamps, [77.5, 77.6], f);
      inlet.close();
    } finally {
      await outlet.close();
    }
  }
});

test('discovery filters by type and query; unmatched queries find nothing', { timeout: 8000 }, async () => {
  const name = uniqueName('disc');
  const a = await StreamOutlet.create({ name, type: 'EEG', channelCount: 1, sourceId: 'A' }, { host: '127.0.0.1' });
  const b = await StreamOutlet.create({ name, type: 'Markers', channelCount: 1, channelFormat: 'string', sourceId: 'B' }, { host: '127.0.0.1' });
  try {
    const both = await resolveStreams({ name, timeoutMs: 3000, minimum: 2 });
    assert.deepEqual(both.map((i) => i.sourceId).sort(), ['A', 'B']);
    const m = await resolveStreams({ name, type: 'Markers', timeoutMs: 400 });
    assert.deepEqual(m.map((i) => i.uid), [b.info.uid]);
    assert.deepEqual(await resolveStreams({ query: `name='${name}' and source_id='nope'`, timeoutMs: 300 }), []);
  } finally {
    await a.close();
    await b.close();
  }
});

test('inlet receive buffer is bounded: the oldest samples are dropped and counted', { timeout: 8000 }, async () => {
  const name = uniqueName('ibuf');
  const outlet = await StreamOutlet.create({ name, channelCount: 3, channelFormat: 'int32', nominalSrate: 100 }, { host: '127.0.0.1' });
  try {
    const [info] = await resolveStreams({ name, timeoutMs: 3000, minimum: 1 });
    const inlet = await StreamInlet.open(info!, { maxBuffered: 100 });
    await outlet.waitForConsumers(1);
    for (let i = 0; i < 500; i++) outlet.pushSample([i, i, i], i);
    const end = Date.now() + 3000;
    while (inlet.dropped + inlet.available < 500 && Date.now() < end) await sleep(5);
    assert.equal(inlet.available, 100);
    assert.equal(inlet.dropped, 400);
    const c = inlet.pullChunk();
    assert.deepEqual(Array.from(c.timestamps).slice(0, 2), [400, 401]);
    assert.equal(c.timestamps[99], 499);
    inlet.close();
  } finally {
    await outlet.close();
  }
});

test('outlet per-consumer queue is bounded: a consumer that stops reading loses its oldest samples, counted', { timeout: 8000 }, async () => {
  const outlet = await StreamOutlet.create({ name: uniqueName('obuf'), channelCount: 64, nominalSrate: 1000 }, { host: '127.0.0.1', maxBufferedSamples: 1000 });
  const s = connect({ host: '127.0.0.1', port: outlet.info.v4dataPort });
  s.on('error', () => undefined);
  try {
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write(buildFeedRequest(outlet.info, { maxBufferLength: 0 }));
    await outlet.waitForConsumers(1);
    s.pause(); // a consumer that never reads
    const chunk = new Float32Array(100 * 64);
    for (let i = 0; i < 2000; i++) outlet.pushChunk(chunk, Float64Array.from({ length: 100 }, (_, k) => i + k / 100));
    // 200 000 samples x 257 B = 51 MB pushed; the kernel holds a few MB, the queue at most 1000 samples.
    assert.ok(outlet.dropped > 150_000, `dropped ${outlet.dropped}`);
    assert.ok(process.memoryUsage().rss < 600 * 2 ** 20);
  } finally {
    s.destroy();
    await outlet.close();
  }
});

test('time correction over UDP probes: same host clock, |correction| under 5 ms with a small rtt', { timeout: 8000 }, async () => {
  const outlet = await StreamOutlet.create({ name: uniqueName('tc'), channelCount: 1, nominalSrate: 10 }, { host: '127.0.0.1' });
  try {
    const [info] = await resolveStreams({ name: outlet.info.name, timeoutMs: 3000, minimum: 1 });
    const inlet = await StreamInlet.open(info!);
    const t = lslClock();
    const corr = await inlet.timeCorrection({ intervalMs: 5 });
    assert.ok(Math.abs(corr) < 0.005, `correction ${corr}`);
    assert.ok(inlet.lastTimeEstimate!.rtt >= 0 && inlet.lastTimeEstimate!.rtt < 0.05);
    assert.ok(lslClock() - t < 1.5);
    inlet.close();
  } finally {
    await outlet.close();
  }
});

test('time correction refuses probes 0, minReplies 0 and a non-finite timeout with ArgumentError', { timeout: 8000 }, async () => {
  const outlet = await StreamOutlet.create({ name: uniqueName('tcbad'), channelCount: 1, nominalSrate: 10 }, { host: '127.0.0.1' });
  try {
    const [info] = await resolveStreams({ name: outlet.info.name, timeoutMs: 3000, minimum: 1 });
    const inlet = await StreamInlet.open(info!);
    for (const bad of [{ probes: 0 }, { probes: 2.5 }, { minReplies: 0 }, { timeoutMs: Number.NaN }, { intervalMs: -1 }]) {
      await assert.rejects(inlet.timeCorrection(bad), (e: unknown) => e instanceof ArgumentError && /timeCorrection/.test(e.message), JSON.stringify(bad));
    }
    inlet.close();
  } finally {
    await outlet.close();
  }
});

test('TCP shortinfo and fullinfo requests are answered', { timeout: 8000 }, async () => {
  const outlet = await StreamOutlet.create({ name: uniqueName('tcpinfo'), channelCount: 1, desc: '<channels><channel><label>Cz</label></channel></channels>' }, { host: '127.0.0.1' });
  const ask = (req: string) =>
    new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: outlet.info.v4dataPort }, () => s.write(req));
      let out = '';
      s.on('data', (b) => (out += b.toString()));
      s.on('close', () => resolve(out));
      s.on('error', () => undefined);
    });
  try {
    assert.match(await ask('LSL:fullinfo\r\n'), /<desc><channels><channel><label>Cz<\/label>/);
    const short = await ask(`LSL:shortinfo\r\nname='${outlet.info.name}'\r\n`);
    assert.match(short, /<desc \/>/);
    assert.match(short, new RegExp(`<uid>${outlet.info.uid}</uid>`));
    assert.equal(await ask("LSL:shortinfo\r\nname='other'\r\n"), '');
  } finally {
    await outlet.close();
  }
});

test('multicast discovery: an outlet on 0.0.0.0 joins 239.255.172.215:16571 and answers there', { timeout: 8000 }, async (t) => {
  const outlet = await StreamOutlet.create({ name: uniqueName('mcast'), channelCount: 1 });
  try {
    if (outlet.discoveryWarnings.length) {
      t.skip(`no multicast here: ${outlet.discoveryWarnings.join('; ')}`);
      return;
    }
    const stats = { replies: 0, malformed: 0, sendErrors: 0 };
    const found = await resolveStreams({ name: outlet.info.name, timeoutMs: 1500, minimum: 1, targets: [{ address: '239.255.172.215', port: 16571 }], stats });
    if (stats.sendErrors && !found.length) {
      t.skip('multicast datagrams cannot be sent here (no route)');
      return;
    }
    assert.deepEqual(found.map((i) => i.uid), [outlet.info.uid]);
  } finally {
    await outlet.close();
  }
});
