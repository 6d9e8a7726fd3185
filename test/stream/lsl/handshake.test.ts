// The protocol-1.10 TCP handshake bytes, the server's negotiation and the client's checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LineReader, buildFeedRequest, buildFeedResponse, buildShortinfoQuery, checkFeedResponse, createStreamInfo, negotiateFeed, parseFeedRequestLine,
  parseShortinfoQuery, parseShortinfoReply,
} from '../../../src/stream/lsl/index.js';
import { ProtocolError, StreamLostError } from '../../../src/errors.js';

const uid = 'aa11bb22-0000-4000-8000-123456789abc';
const info = createStreamInfo({ name: 'EEG', channelCount: 8, channelFormat: 'int16', uid, sourceId: 'src', hostname: 'h', nominalSrate: 250 });

test('feed request: request line and header block, byte for byte', () => {
  const r = buildFeedRequest(info, { maxBufferLength: 90000, maxChunkLength: 0, hostname: 'me', endianPerformance: 12345.9 });
  assert.equal(r, [
    `LSL:streamfeed/110 ${uid}`, 'Native-Byte-Order: 1234', 'Endian-Performance: 12345', 'Has-IEEE754-Floats: 1', 'Supports-Subnormals: 1',
    'Value-Size: 2', 'Data-Protocol-Version: 110', 'Max-Buffer-Length: 90000', 'Max-Chunk-Length: 0', 'Hostname: me', 'Source-Id: src',
    'Session-Id: default', '', '',
  ].join('\r\n'));
  const s = buildFeedRequest({ ...info, channelFormat: 'string' }, { maxBufferLength: 1 });
  assert.match(s, /\r\nValue-Size: 32\r\n/);
});

test('feed response: 200 header byte for byte', () => {
  assert.equal(buildFeedResponse(uid), `LSL/110 200 OK\r\nUID: ${uid}\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n`);
});

test('server negotiation: 1.10 accepted; 1.00, other byte order, value-size mismatch -> 505; foreign uid -> 404', () => {
  const lines = (extra: string[] = []) => buildFeedRequest(info, { maxBufferLength: 500, maxChunkLength: 4 }).split('\r\n').slice(1, -2).concat(extra);
  const ok = negotiateFeed(info, parseFeedRequestLine(`LSL:streamfeed/110 ${uid}`)!, lines());
  assert.ok(ok.ok);
  assert.equal(ok.ok && ok.maxBufferLength, 500);
  assert.equal(ok.ok && ok.maxChunkLength, 4);
  const v100 = parseFeedRequestLine('LSL:streamfeed')!;
  assert.deepEqual(v100, { version: 100, uid: '' });
  assert.equal(negotiateFeed(info, v100, []).response, 'LSL/110 505 Version not supported\r\n\r\n');
  assert.equal(negotiateFeed(info, parseFeedRequestLine('LSL:streamfeed/210')!, lines()).ok, false);
  const swap = lines().map((l) => l.replace('Native-Byte-Order: 1234', 'Native-Byte-Order: 4321'));
  assert.match(negotiateFeed(info, parseFeedRequestLine(`LSL:streamfeed/110 ${uid}`)!, swap).response, /^LSL\/110 505/);
  const vs = lines().map((l) => l.replace('Value-Size: 2', 'Value-Size: 4'));
  const d = negotiateFeed(info, parseFeedRequestLine(`LSL:streamfeed/110 ${uid}`)!, vs);
  assert.ok(!d.ok && /value size 4/.test(d.reason));
  assert.equal(negotiateFeed(info, parseFeedRequestLine('LSL:streamfeed/110 other-uid')!, lines()).response, 'LSL/110 404 Not found\r\n\r\n');
  assert.equal(parseFeedRequestLine('GET / HTTP/1.1'), null);
});

test('client checks: data protocol 100, malformed line, refusals, wrong uid, other byte order -> typed errors', () => {
  const hdr = (dpv: number, id = uid, order = '1234') => [`UID: ${id}`, `Byte-Order: ${order}`, `Data-Protocol-Version: ${dpv}`];
  checkFeedResponse('LSL/110 200 OK', hdr(110), uid, 't');
  assert.throws(() => checkFeedResponse('LSL/110 200 OK', hdr(100), uid, 't'), (e: Error) => e instanceof ProtocolError && /protocol 1.00 is not supported/.test(e.message));
  assert.throws(() => checkFeedResponse('HTTP/1.1 200 OK', hdr(110), uid, 't'), (e: Error) => e instanceof ProtocolError && /malformed response line/.test(e.message));
  assert.throws(() => checkFeedResponse('LSL/110 200', hdr(110), uid, 't'), ProtocolError);
  assert.throws(() => checkFeedResponse('LSL/210 200 OK', hdr(110), uid, 't'), /newer than 1.10/);
  assert.throws(() => checkFeedResponse('LSL/110 505 Version not supported', [], uid, 't'), ProtocolError);
  assert.throws(() => checkFeedResponse('LSL/110 404 Not found', [], uid, 't'), StreamLostError);
  assert.throws(() => checkFeedResponse('LSL/110 200 OK', hdr(110, 'someone-else'), uid, 't'), StreamLostError);
  assert.throws(() => checkFeedResponse('LSL/110 200 OK', hdr(110, uid, '4321'), uid, 't'), /byte order 4321/);
});

test('line reader: CRLF and LF lines, remainder kept, endless line and oversized header refused', () => {
  const r = new LineReader('t', 16, 64);
  r.push(new TextEncoder().encode('LSL/110 200 OK\r\nA: b\n\r\nxyz'));
  assert.equal(r.nextLine(), 'LSL/110 200 OK');
  assert.equal(r.nextLine(), 'A: b');
  assert.equal(r.nextLine(), '');
  assert.equal(r.nextLine(), null);
  assert.deepEqual(Array.from(r.rest()), [120, 121, 122]);
  const endless = new LineReader('peer x', 16, 64);
  endless.push(new Uint8Array(17).fill(65));
  assert.throws(() => endless.nextLine(), (e: Error) => e instanceof ProtocolError && /peer x: header line longer than 16/.test(e.message));
  const many = new LineReader('t', 16, 64);
  many.push(new TextEncoder().encode('abcdefghij\n'.repeat(10)));
  assert.throws(() => { while (many.nextLine() !== null); }, /header longer than 64/);
});

test('discovery datagrams: query and reply layout', () => {
  const q = buildShortinfoQuery("name='EEG'", 40000, '12345');
  assert.equal(q, "LSL:shortinfo\r\nname='EEG'\r\n40000 12345\r\n");
  assert.deepEqual(parseShortinfoQuery(q), { query: "name='EEG'", returnPort: 40000, queryId: '12345' });
  for (const bad of ['LSL:shortinfo\r\nq\r\n', 'LSL:shortinfo\r\nq\r\n99999 1\r\n', 'LSL:fullinfo\r\nq\r\n1 2\r\n', '\u0000\u0001garbage']) {
    assert.equal(parseShortinfoQuery(bad), null, JSON.stringify(bad));
  }
  assert.deepEqual(parseShortinfoReply('12345\r\n<info/>'), { queryId: '12345', xml: '<info/>' });
  assert.equal(parseShortinfoReply('no newline'), null);
});
