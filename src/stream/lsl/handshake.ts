// The protocol-1.10 TCP handshake (tcp_server.cpp / data_receiver.cpp). dendrite speaks 1.10 only:
// a client asking for 1.00 (plain "LSL:streamfeed", Value-Size mismatch, non-IEEE floats, another
// byte order) is answered 505, and a server answering with data protocol 100 is refused.
import { ProtocolError, StreamLostError } from '../../errors.js';
import { CHANNEL_BYTES, LSL_PROTOCOL_VERSION, StreamInfo } from './info.js';

const CRLF = '\r\n';

/**
 * Splits bytes into lines (LF or CRLF) with hard caps: a line longer than maxLineBytes or a
 * header longer than maxTotalBytes -> ProtocolError, so a peer sending an endless line cannot
 * grow memory. The bytes after the last line taken stay available (they start the sample stream).
 */
export class LineReader {
  private buf = new Uint8Array(0);
  private pos = 0;
  private consumed = 0;

  constructor(readonly what: string, readonly maxLineBytes = 4096, readonly maxTotalBytes = 65536) {}

  push(bytes: Uint8Array): void {
    const rest = this.buf.subarray(this.pos);
    const b = new Uint8Array(rest.length + bytes.length);
    b.set(rest);
    b.set(bytes, rest.length);
    this.buf = b;
    this.pos = 0;
  }

  /** The next complete line without its terminator, or null until more bytes arrive. */
  nextLine(): string | null {
    const nl = this.buf.indexOf(10, this.pos);
    const len = (nl < 0 ? this.buf.length : nl) - this.pos;
    if (len > this.maxLineBytes) throw new ProtocolError(`${this.what}: header line longer than ${this.maxLineBytes} bytes`);
    if (nl < 0) return null;
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === 13) end--;
    let s = '';
    for (let i = this.pos; i < end; i++) s += String.fromCharCode(this.buf[i]!);
    this.consumed += nl + 1 - this.pos;
    this.pos = nl + 1;
    if (this.consumed > this.maxTotalBytes) throw new ProtocolError(`${this.what}: header longer than ${this.maxTotalBytes} bytes`);
    return s;
  }

  /** The bytes not yet taken as lines. */
  rest(): Uint8Array {
    return this.buf.subarray(this.pos);
  }
}

/** Parses "Key: value" header lines the way liblsl does: key lower-cased, value trimmed and lower-cased, ';' starts a comment. */
export function parseHeaderLines(lines: readonly string[]): Map<string, string> {
  const h = new Map<string, string>();
  for (const line of lines) {
    const noComment = line.split(';')[0]!;
    const colon = noComment.indexOf(':');
    if (colon < 0) continue;
    h.set(noComment.slice(0, colon).trim().toLowerCase(), noComment.slice(colon + 1).trim().toLowerCase());
  }
  return h;
}

export interface FeedRequestOptions {
  /** Samples the server should queue for this client at most (Max-Buffer-Length). */
  maxBufferLength: number;
  /** Samples per chunk, 0 = the server's choice. */
  maxChunkLength?: number;
  /** Endian-Performance: a rough speed figure liblsl uses to pick who converts byte order. */
  endianPerformance?: number;
  hostname?: string;
}

/** The client's request for a stream's data feed. */
export function buildFeedRequest(info: StreamInfo, opts: FeedRequestOptions): string {
  return [
    `LSL:streamfeed/${LSL_PROTOCOL_VERSION} ${info.uid}`,
    'Native-Byte-Order: 1234',
    `Endian-Performance: ${Math.floor(opts.endianPerformance ?? 1e9)}`,
    'Has-IEEE754-Floats: 1',
    'Supports-Subnormals: 1',
    `Value-Size: ${CHANNEL_BYTES[info.channelFormat]}`,
    `Data-Protocol-Version: ${LSL_PROTOCOL_VERSION}`,
    `Max-Buffer-Length: ${Math.floor(opts.maxBufferLength)}`,
    `Max-Chunk-Length: ${Math.floor(opts.maxChunkLength ?? 0)}`,
    `Hostname: ${opts.hostname ?? info.hostname}`,
    `Source-Id: ${info.sourceId}`,
    `Session-Id: ${info.sessionId}`,
    '',
    '',
  ].join(CRLF);
}

/** A parsed request line "LSL:streamfeed[/ver] [uid]". */
export interface FeedRequestLine {
  /** Protocol version x100; 100 for the bare 1.00 form. */
  version: number;
  uid: string;
}

/** Parses the request line; null when it is not a streamfeed request. */
export function parseFeedRequestLine(line: string): FeedRequestLine | null {
  const m = /^LSL:streamfeed(?:\/(\d+))?(?:\s+(\S+))?\s*$/.exec(line.trim());
  if (!m) return null;
  return { version: m[1] ? Number(m[1]) : 100, uid: m[2] ?? '' };
}

/** What the server answers: either the 200 response (then test patterns and data) or a refusal line, then close. */
export type FeedDecision =
  | { ok: true; response: string; maxBufferLength: number; maxChunkLength: number }
  | { ok: false; response: string; reason: string };

const refuse = (code: number, msg: string, reason: string): FeedDecision => ({
  ok: false, response: `LSL/${LSL_PROTOCOL_VERSION} ${code} ${msg}${CRLF}${CRLF}`, reason,
});

/** The server's decision on a request (its line and header lines, the empty line excluded). */
export function negotiateFeed(info: StreamInfo, req: FeedRequestLine, headerLines: readonly string[]): FeedDecision {
  if (Math.floor(req.version / 100) > Math.floor(LSL_PROTOCOL_VERSION / 100) || req.version < LSL_PROTOCOL_VERSION) {
    return refuse(505, 'Version not supported', `client asked for protocol ${req.version / 100}; only 1.10 is served`);
  }
  if (req.uid && req.uid !== info.uid) return refuse(404, 'Not found', `uid ${req.uid} is not this stream's (${info.uid})`);
  const h = parseHeaderLines(headerLines);
  const byteOrder = h.get('native-byte-order') ?? '1234';
  if (byteOrder !== '1234') return refuse(505, 'Version not supported', `byte order ${byteOrder}: only little endian (1234) is served`);
  if ((h.get('has-ieee754-floats') ?? '1') !== '1') return refuse(505, 'Version not supported', 'client floats are not IEEE 754');
  const vs = Number(h.get('value-size') ?? CHANNEL_BYTES[info.channelFormat]);
  if (info.channelFormat !== 'string' && vs !== CHANNEL_BYTES[info.channelFormat]) {
    return refuse(505, 'Version not supported', `value size ${vs} differs from ${CHANNEL_BYTES[info.channelFormat]} (liblsl would fall back to protocol 1.00)`);
  }
  const dpv = Number(h.get('data-protocol-version') ?? 100);
  if (!(Math.min(dpv, LSL_PROTOCOL_VERSION) >= LSL_PROTOCOL_VERSION)) {
    return refuse(505, 'Version not supported', `data protocol ${dpv}: only 110 is served`);
  }
  const num = (k: string) => {
    const v = Number(h.get(k) ?? 0);
    return Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
  };
  return {
    ok: true,
    response: buildFeedResponse(info.uid),
    maxBufferLength: num('max-buffer-length'),
    maxChunkLength: num('max-chunk-length'),
  };
}

/** The server's 200 response header. */
export function buildFeedResponse(uid: string): string {
  return [
    `LSL/${LSL_PROTOCOL_VERSION} 200 OK`,
    `UID: ${uid}`,
    'Byte-Order: 1234',
    'Suppress-Subnormals: 0',
    `Data-Protocol-Version: ${LSL_PROTOCOL_VERSION}`,
    '',
    '',
  ].join(CRLF);
}

/** Parses a response status line "LSL/<ver> <code> <msg>"; malformed -> ProtocolError. */
export function parseStatusLine(line: string, what: string): { version: number; code: number; message: string } {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 3 || !parts[0]!.startsWith('LSL/')) throw new ProtocolError(`${what}: malformed response line "${line.slice(0, 80)}"`);
  const version = Math.round(Number(parts[0]!.slice(4)));
  const code = Number(parts[1]);
  if (!Number.isFinite(version) || !Number.isInteger(code)) throw new ProtocolError(`${what}: malformed response line "${line.slice(0, 80)}"`);
  return { version, code, message: parts.slice(2).join(' ') };
}

/**
 * Checks the server's response (status line and header lines) against the requested uid.
 * 404 or a 3xx -> StreamLostError (the stream is gone or moved: re-resolve); other refusals,
 * a newer protocol, another byte order or data protocol 100 -> ProtocolError.
 */
export function checkFeedResponse(statusLine: string, headerLines: readonly string[], uid: string, what: string): void {
  const s = parseStatusLine(statusLine, what);
  if (Math.floor(s.version / 100) > Math.floor(LSL_PROTOCOL_VERSION / 100)) throw new ProtocolError(`${what}: server speaks protocol ${s.version / 100}, newer than 1.10`);
  if (s.code === 404) throw new StreamLostError(`${what}: the server no longer has stream ${uid} (404 ${s.message})`);
  if (s.code === 505) throw new ProtocolError(`${what}: the server refused protocol 1.10 (505 ${s.message})`);
  if (s.code >= 400) throw new ProtocolError(`${what}: the server refused the feed (${s.code} ${s.message})`);
  if (s.code >= 300) throw new StreamLostError(`${what}: the server redirected the feed (${s.code} ${s.message})`);
  if (s.code !== 200) throw new ProtocolError(`${what}: unexpected response code ${s.code}`);
  const h = parseHeaderLines(headerLines);
  const got = h.get('uid');
  if (got !== undefined && got !== uid.toLowerCase()) throw new StreamLostError(`${what}: the server sent uid ${got}, expected ${uid}`);
  const order = h.get('byte-order') ?? '1234';
  if (order !== '1234') throw new ProtocolError(`${what}: byte order ${order} is not supported (only 1234, little endian)`);
  const dpv = Number(h.get('data-protocol-version') ?? 100);
  if (dpv <= 100) throw new ProtocolError(`${what}: the server answered with data protocol ${dpv}: protocol 1.00 is not supported`);
  if (dpv > LSL_PROTOCOL_VERSION) throw new ProtocolError(`${what}: data protocol ${dpv} is newer than 110`);
  if (dpv !== LSL_PROTOCOL_VERSION) throw new ProtocolError(`${what}: data protocol ${dpv} is not supported (only 110)`);
}

/** Discovery query datagram (also accepted over TCP without the port line). */
export function buildShortinfoQuery(query: string, returnPort: number, queryId: string): string {
  return `LSL:shortinfo${CRLF}${query}${CRLF}${returnPort} ${queryId}${CRLF}`;
}

/** Parses a discovery datagram; null when it is not a well-formed shortinfo query. */
export function parseShortinfoQuery(text: string): { query: string; returnPort: number; queryId: string } | null {
  const lines = text.split('\n');
  if (lines.length < 3 || lines[0]!.trim() !== 'LSL:shortinfo') return null;
  const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(lines[2]!);
  if (!m) return null;
  const returnPort = Number(m[1]);
  if (returnPort < 1 || returnPort > 65535) return null;
  return { query: lines[1]!.trim(), returnPort, queryId: m[2]! };
}

/** The reply to a discovery query: the query id line, then the shortinfo XML. */
export function buildShortinfoReply(queryId: string, shortinfoXml: string): string {
  return `${queryId}${CRLF}${shortinfoXml}`;
}

/** Splits a discovery reply into its id and XML; null when it has no id line. */
export function parseShortinfoReply(text: string): { queryId: string; xml: string } | null {
  const nl = text.indexOf('\n');
  if (nl < 0) return null;
  return { queryId: text.slice(0, nl).trim(), xml: text.slice(nl + 1) };
}

/** A query id as liblsl makes it: a hash of the query string, in decimal. */
export function queryId(query: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < query.length; i++) h = Math.imul(h ^ query.charCodeAt(i), 0x01000193) >>> 0;
  return String(h);
}
