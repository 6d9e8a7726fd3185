// resolveStreams: LSL discovery (resolve_attempt_udp.cpp). Sends "LSL:shortinfo" queries to the
// targets in waves (every 500 ms by default) and collects the shortinfo replies, keyed by uid,
// until the timeout or until `minimum` streams are found. Malformed or foreign replies are
// counted and ignored.
import { createSocket } from 'node:dgram';
import { ArgumentError } from '../../errors.js';
import {
  StreamInfo, buildQuery, buildShortinfoQuery, matchesQuery, parseInfoXml, parseQuery, parseShortinfoReply, queryId,
} from '../../stream/lsl/index.js';
import { UdpTarget, defaultTargets } from './net_util.js';

export interface ResolveOptions {
  /** Match streams by name and/or type (joined with the query by 'and'). */
  name?: string;
  type?: string;
  /** A query in the supported subset: field='value' [and ...], starts-with(field,'x'). */
  query?: string;
  /** How long to wait (ms). */
  timeoutMs: number;
  /** Return as soon as this many streams are found (default: wait the whole timeout). */
  minimum?: number;
  /** Where to send queries (default: 127.0.0.1 on 16571 and the port range 16572..16603, and the multicast groups). */
  targets?: UdpTarget[];
  /** Interval between query waves (ms, default 500). */
  waveIntervalMs?: number;
  /** Filled with counts as replies arrive (for diagnostics). */
  stats?: ResolveStats;
}

export interface ResolveStats {
  replies: number;
  /** Replies that were not a valid shortinfo for this query (bad id line, bad XML, invalid info, not matching). */
  malformed: number;
  /** Datagrams that could not be sent (unreachable multicast, ...). */
  sendErrors: number;
}

/** The streams that answer the query within the timeout; their v4address is the replying host when the outlet left it empty. */
export async function resolveStreams(opts: ResolveOptions): Promise<StreamInfo[]> {
  const { timeoutMs } = opts;
  if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw new ArgumentError(`lsl resolveStreams: timeoutMs ${timeoutMs} must be a finite number >= 0`);
  if (opts.minimum !== undefined && !(Number.isInteger(opts.minimum) && opts.minimum >= 1)) throw new ArgumentError(`lsl resolveStreams: minimum ${opts.minimum} must be an integer >= 1`);
  const text = [buildQuery({ name: opts.name, type: opts.type }), opts.query?.trim() ?? ''].filter((s) => s).join(' and ');
  const query = parseQuery(text);
  const id = queryId(text);
  const targets = opts.targets ?? defaultTargets();
  const stats: ResolveStats = opts.stats ?? { replies: 0, malformed: 0, sendErrors: 0 };
  const found = new Map<string, StreamInfo>();
  const sock = createSocket('udp4');
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.bind(0, () => r()));
  try {
    sock.setBroadcast(true);
  } catch {
    // broadcast is optional
  }
  const port = sock.address().port;
  return new Promise<StreamInfo[]>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(wave);
      clearTimeout(timer);
      sock.close();
      resolve([...found.values()]);
    };
    sock.on('message', (msg, from) => {
      stats.replies++;
      const reply = parseShortinfoReply(msg.toString('utf8'));
      if (!reply || reply.queryId !== id) {
        stats.malformed++;
        return;
      }
      let info: StreamInfo;
      try {
        info = parseInfoXml(reply.xml, `lsl shortinfo from ${from.address}:${from.port}`);
      } catch {
        stats.malformed++;
        return;
      }
      if (!matchesQuery(info, query)) {
        stats.malformed++;
        return;
      }
      if (!info.v4address) info.v4address = from.address;
      found.set(info.uid, info);
      if (opts.minimum !== undefined && found.size >= opts.minimum) finish();
    });
    const datagram = Buffer.from(buildShortinfoQuery(text, port, id), 'utf8');
    const send = () => {
      for (const t of targets) {
        try {
          sock.send(datagram, t.port, t.address, (e) => {
            if (e) stats.sendErrors++;
          });
        } catch {
          stats.sendErrors++;
        }
      }
    };
    const wave = setInterval(send, opts.waveIntervalMs ?? 500);
    const timer = setTimeout(finish, timeoutMs);
    send();
  });
}
