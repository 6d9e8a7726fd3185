// A peer that stalls (watchdog) and one that disappears and comes back (re-resolve + reconnect).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamInlet, StreamOutlet, resolveStreams } from '../../../src/node/lsl/index.js';
import { encodeSamples, encodeTestPatterns } from '../../../src/stream/lsl/index.js';
import { StreamLostError } from '../../../src/errors.js';
import { afterRequest, collect, fakeServer, sleep, uniqueName, exitWhenDone } from './helpers.js';

exitWhenDone();

test('watchdog: a peer that goes silent is declared lost (StreamLostError with recovery off)', { timeout: 8000 }, async () => {
  const f = await fakeServer((s) =>
    afterRequest(s, () => {
      s.write(`LSL/110 200 OK\r\nUID: ${f.info.uid}\r\nByte-Order: 1234\r\nData-Protocol-Version: 110\r\n\r\n`);
      s.write(encodeTestPatterns('float32', 2));
      s.write(encodeSamples('float32', 2, new Float32Array([1, 2]), [5]));
      // ... then nothing, with the connection left open.
    }));
  try {
    const inlet = await StreamInlet.open(f.info, { watchdogMs: 300, recover: false });
    const t = Date.now();
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of inlet.chunks()) got.push(...(c.data as Float32Array));
      })(),
      (e: Error) => e instanceof StreamLostError && /no data for 300 ms \(watchdog\)/.test(e.message),
    );
    assert.deepEqual(got, [1, 2]);
    assert.ok(Date.now() - t >= 250 && Date.now() - t < 2000, `${Date.now() - t} ms`);
    inlet.close();
  } finally {
    await f.close();
  }
});

test('with recovery off, an outlet that closes ends the inlet with StreamLostError', { timeout: 8000 }, async () => {
  const name = uniqueName('norec');
  const outlet = await StreamOutlet.create({ name, channelCount: 1, nominalSrate: 100 }, { host: '127.0.0.1' });
  const [info] = await resolveStreams({ name, timeoutMs: 3000, minimum: 1 });
  const inlet = await StreamInlet.open(info!, { recover: false });
  await outlet.waitForConsumers(1);
  await outlet.close();
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    try {
      inlet.pullChunk();
    } catch (e) {
      assert.ok(e instanceof StreamLostError && /closed the connection/.test(e.message), String(e));
      return;
    }
    await sleep(10);
  }
  assert.fail('no StreamLostError');
});

test('an outlet that disappears and comes back (same source_id, new uid and port): the inlet reconnects and resumes', { timeout: 8000 }, async () => {
  const name = uniqueName('rec');
  const a = await StreamOutlet.create({ name, channelCount: 4, nominalSrate: 100, sourceId: 'amp-7' }, { host: '127.0.0.1' });
  const [info] = await resolveStreams({ name, timeoutMs: 3000, minimum: 1 });
  const inlet = await StreamInlet.open(info!, { reconnectDelayMs: 100, watchdogMs: 0 });
  let b: StreamOutlet | undefined;
  try {
    await a.waitForConsumers(1);
    a.pushSample([1, 2, 3, 4], 1);
    assert.deepEqual((await collect(inlet, 1)).data, [1, 2, 3, 4]);
    await a.close();
    await sleep(300);
    assert.equal(inlet.connected, false);
    b = await StreamOutlet.create({ name, channelCount: 4, nominalSrate: 100, sourceId: 'amp-7' }, { host: '127.0.0.1', basePort: 16590 });
    await b.waitForConsumers(1, 5000);
    b.pushSample([5, 6, 7, 8], 2);
    const got = await collect(inlet, 1);
    assert.deepEqual(got.data, [5, 6, 7, 8]);
    assert.deepEqual(got.timestamps, [2]);
    assert.equal(inlet.reconnects, 1);
    assert.equal(inlet.info.uid, b.info.uid);
    assert.notEqual(b.info.uid, a.info.uid);
  } finally {
    inlet.close();
    await a.close();
    await b?.close();
  }
});
