// Hostile or broken peers: garbage datagrams, bad discovery replies, bad response lines, wrong
// test patterns, protocol 1.00, oversized strings and endless header lines -> typed errors or
// silence, never a crash; the outlet keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { StreamInlet, StreamOutlet, resolveStreams } from '../../../src/node/lsl/index.js';
import { encodeSamples, encodeTestPatterns, testPattern } from '../../../src/stream/lsl/index.js';
import { FormatError, ProtocolError, StreamLostError } from '../../../src/errors.js';
import { afterRequest, collect, fakeServer, uniqueName, exitWhenDone } from './helpers.js';

exitWhenDone();

const OK = (uid: string) => `LSL/110 200 OK\r\nUID: ${uid}\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n`;

test('garbage UDP datagrams to the outlet service and discovery ports are ignored; discovery still works', { timeout: 8000 }, async () => {
  const name = uniqueName('garbage');
  const outlet = await StreamOutlet.create({ name, channelCount: 1 }, { host: '127.0.0.1' });
  const u = createSocket('udp4');
  try {
    const junk = [
      Buffer.from([0, 1, 2, 255, 254]), Buffer.from('LSL:shortinfo\r\n'), Buffer.from('LSL:shortinfo\r\nname=\r\n1 2\r\n'),
      Buffer.from("LSL:shortinfo\r\nname='x' or 1\r\n40000 1\r\n"), Buffer.from('LSL:timedata\r\nabc\r\n'), Buffer.alloc(60000, 65),
      Buffer.from('LSL:shortinfo\r\n\r\n0 1\r\n'),
    ];
    for (const j of junk) for (const port of [outlet.info.v4servicePort, 16571]) u.send(j, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    const found = await resolveStreams({ name, timeoutMs: 3000, minimum: 1 });
    assert.equal(found[0]!.uid, outlet.info.uid);
  } finally {
    u.close();
    await outlet.close();
  }
});

test('resolver ignores garbage, foreign-id and invalid-XML replies and counts them', { timeout: 8000 }, async () => {
  const fake = createSocket('udp4');
  await new Promise<void>((r) => fake.bind(0, '127.0.0.1', () => r()));
  fake.on('message', (m, from) => {
    const id = m.toString().split('\r\n')[2]!.split(' ')[1]!;
    for (const reply of ['\u0000\u0001', `999\r\n<info/>`, `${id}\r\n<info><name>x</name>`, `${id}\r\n<info><name>x</name></info>`, `${id}\r\n${'<a>'.repeat(5000)}`]) {
      fake.send(reply, from.port, from.address);
    }
  });
  try {
    const stats = { replies: 0, malformed: 0, sendErrors: 0 };
    const found = await resolveStreams({ timeoutMs: 300, targets: [{ address: '127.0.0.1', port: fake.address().port }], stats });
    assert.deepEqual(found, []);
    assert.ok(stats.replies >= 5 && stats.malformed === stats.replies, JSON.stringify(stats));
  } finally {
    fake.close();
  }
});

test('inlet handshake: bad response line, 505, data protocol 100, wrong test pattern, endless header line -> typed errors', { timeout: 8000 }, async () => {
  const scenarios: [string, (uid: string) => (string | Uint8Array)[], (e: Error) => boolean][] = [
    ['bad response line', () => ['HTTP/1.1 200 OK\r\n\r\n'], (e) => e instanceof ProtocolError && /malformed response line/.test(e.message)],
    ['505', () => ['LSL/110 505 Version not supported\r\n\r\n'], (e) => e instanceof ProtocolError && /505/.test(e.message)],
    ['1.00', (uid) => [OK(uid).replace('Data-Protocol-Version: 110', 'Data-Protocol-Version: 100')], (e) => e instanceof ProtocolError && /protocol 1.00 is not supported/.test(e.message)],
    ['wrong pattern', (uid) => [OK(uid), encodeSamples('float32', 2, testPattern('float32', 2, 3).data, [123456.789]), encodeTestPatterns('float32', 2)], (e) => e instanceof ProtocolError && /test-pattern samples do not match/.test(e.message)],
    ['endless header line', () => ['LSL/110 200 OK\r\nX-Long: ', 'a'.repeat(200_000)], (e) => e instanceof ProtocolError && /header line longer than/.test(e.message)],
    ['endless header', () => ['LSL/110 200 OK\r\n', 'X: y\r\n'.repeat(20_000)], (e) => e instanceof ProtocolError && /header longer than/.test(e.message)],
    ['bad tag in pattern', (uid) => [OK(uid), new Uint8Array([9, 9, 9])], (e) => e instanceof FormatError && /sample tag 9/.test(e.message)],
  ];
  for (const [label, reply, check] of scenarios) {
    let uid = '';
    const f = await fakeServer((s) => afterRequest(s, () => reply(uid).forEach((p) => s.write(p))));
    uid = f.info.uid;
    try {
      await assert.rejects(StreamInlet.open(f.info, { openTimeoutMs: 3000 }), check, label);
    } finally {
      await f.close();
    }
  }
});

test('a peer that sends an oversized string after a good handshake ends the inlet with FormatError, not a reconnect loop', { timeout: 8000 }, async () => {
  const f = await fakeServer((s) =>
    afterRequest(s, () => {
      s.write(OK(f.info.uid));
      s.write(encodeTestPatterns('string', 1));
      s.write(encodeSamples('string', 1, ['fine'], [1]));
      s.write(Buffer.from('01' + '08' + 'ffffffffffffff7f', 'hex'));
    }), { channelFormat: 'string', channelCount: 1 });
  try {
    const inlet = await StreamInlet.open(f.info, { maxStringBytes: 4096 });
    const got: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of inlet.chunks()) got.push(...(c.data as string[]));
      })(),
      (e: Error) => e instanceof FormatError && /exceeds the limit of 4096/.test(e.message),
    );
    assert.deepEqual(got, ['fine']);
    assert.equal(inlet.reconnects, 0);
    assert.throws(() => inlet.pullChunk(), FormatError);
    inlet.close();
  } finally {
    await f.close();
  }
});

test('outlet refuses protocol 1.00 with 505, drops endless or unknown requests, and keeps serving', { timeout: 8000 }, async () => {
  const outlet = await StreamOutlet.create({ name: uniqueName('srv'), channelCount: 2, nominalSrate: 100 }, { host: '127.0.0.1', handshakeTimeoutMs: 500 });
  const talk = (payload: string | Buffer) =>
    new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: outlet.info.v4dataPort }, () => s.write(payload));
      let out = '';
      s.on('data', (b) => (out += b.toString('latin1')));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
    });
  try {
    assert.equal(await talk('LSL:streamfeed\r\n\r\n'), 'LSL/110 505 Version not supported\r\n\r\n');
    assert.equal(await talk(`LSL:streamfeed/100 ${outlet.info.uid}\r\n\r\n`), 'LSL/110 505 Version not supported\r\n\r\n');
    assert.equal(await talk(`LSL:streamfeed/110 wrong-uid\r\nValue-Size: 4\r\n\r\n`), 'LSL/110 404 Not found\r\n\r\n');
    assert.equal(await talk(Buffer.alloc(100_000, 66)), '');
    assert.equal(await talk('GET / HTTP/1.1\r\n\r\n'), '');
    assert.equal(await talk(`LSL:streamfeed/110 ${outlet.info.uid}\r\n`), ''); // never finishes: handshake timeout
    assert.ok(outlet.rejectedConnections >= 6, `rejected ${outlet.rejectedConnections}`);
    const [info] = await resolveStreams({ name: outlet.info.name, timeoutMs: 3000, minimum: 1 });
    const inlet = await StreamInlet.open(info!);
    await outlet.waitForConsumers(1);
    outlet.pushSample([1, 2], 3);
    assert.deepEqual((await collect(inlet, 1)).data, [1, 2]);
    inlet.close();
  } finally {
    await outlet.close();
  }
});

test('a connection refused or closed during the handshake is a StreamLostError', { timeout: 8000 }, async () => {
  const f = await fakeServer((s) => s.destroy());
  try {
    await assert.rejects(StreamInlet.open(f.info, { openTimeoutMs: 2000 }), StreamLostError);
  } finally {
    await f.close();
  }
  await assert.rejects(StreamInlet.open({ ...f.info, v4dataPort: 1 }, { openTimeoutMs: 2000 }), StreamLostError);
});
