// "LSL:fullinfo" over TCP (tcp_server.cpp): the outlet answers with its whole info XML, <desc>
// included (discovery replies carry an empty one), then closes. Bounded in size and time.
import { connect } from 'node:net';
import { StreamLostError } from '../../errors.js';
import { parseInfoXml, type StreamInfo } from '../../stream/lsl/index.js';

const MAX_BYTES = 4 << 20;

/** The stream's full info (with desc), asked of its outlet at v4address:v4dataPort. */
export function fetchFullInfo(info: StreamInfo, timeoutMs = 3000): Promise<StreamInfo> {
  const host = info.v4address || '127.0.0.1';
  const what = `lsl fullinfo of '${info.name}' (${host}:${info.v4dataPort})`;
  return new Promise<StreamInfo>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (e: Error | null, v?: StreamInfo) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (e) reject(e);
      else resolve(v!);
    };
    const sock = connect({ host, port: info.v4dataPort }, () => sock.write('LSL:fullinfo\r\n'));
    const timer = setTimeout(() => done(new StreamLostError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_BYTES) return done(new StreamLostError(`${what}: the answer exceeds ${MAX_BYTES} bytes`));
      parts.push(b);
    });
    sock.on('error', (e) => done(new StreamLostError(`${what}: ${e.message}`)));
    sock.on('close', () => {
      if (settled) return;
      try {
        const full = parseInfoXml(Buffer.concat(parts).toString('utf8'), what);
        if (full.uid !== info.uid) return done(new StreamLostError(`${what}: the outlet now serves another stream (uid ${full.uid}, expected ${info.uid})`));
        done(null, full);
      } catch (e) {
        done(e as Error);
      }
    });
  });
}
