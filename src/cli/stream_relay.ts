// `dendrite stream relay --in <stream>`: forwards a live LSL stream to web pages over a WebSocket
// (browsers cannot open the raw UDP/TCP sockets LSL uses). Frames are binary, laid out as
// src/node/lsl/relay.ts documents; each page has a bounded send buffer, frames beyond it are
// dropped and counted. Local pages only unless --host says otherwise.

import { ArgumentError } from '../errors.js';
import { startRelay } from '../node/lsl/index.js';
import { numberOption, parseCommandLine } from './args.js';

export const STREAM_RELAY_HELP = `usage: dendrite stream relay --in <stream name> [options]

Forwards a live Lab Streaming Layer stream to web pages as binary WebSocket frames (a 24-byte
header, float32 timestamps relative to a float64 base, float32 values; see src/node/lsl/relay.ts),
so a page can plot or decode it. Runs until the stream is lost for good, --seconds or Ctrl-C.

options:
  --in NAME        name of the LSL stream to relay
  --port N         WebSocket port (default 8765; 0 picks a free one)
  --host ADDR      bind address: 127.0.0.1 (default, pages on this machine) or 0.0.0.0
  --timeout S      how long to look for the stream (default 10)
  --seconds S      stop after S seconds
`;

export async function streamRelayCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const op = 'stream relay';
  const { values } = parseCommandLine(op, {
    args: argv, allowPositionals: false, strict: true,
    options: { in: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, timeout: { type: 'string' }, seconds: { type: 'string' } },
  });
  if (values.in === undefined) throw new ArgumentError(`${op}: --in NAME is required (the LSL stream to relay)`);
  const port = numberOption(op, 'port', values.port, 8765, { integer: true, min: 0, max: 65535 });
  const host = values.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '0.0.0.0') throw new ArgumentError(`${op}: --host must be 127.0.0.1 or 0.0.0.0, got '${host}'`);
  const timeout = numberOption(op, 'timeout', values.timeout, 10, { min: 0.1, max: 3600 });
  const seconds = numberOption(op, 'seconds', values.seconds, Infinity, { min: 0.001, max: 2_147_483 });
  const relay = await startRelay({ streamName: values.in, port, host, resolveTimeoutMs: timeout * 1000, inlet: { recover: true } });
  log(`${op}: '${relay.info.name}' (${relay.info.channelCount} ch at ${relay.info.nominalSrate} Hz) on ws://${host}:${relay.port}/`);
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((r) => { stop = r; });
  process.once('SIGINT', stop);
  const timer = setTimeout(stop, Number.isFinite(seconds) ? seconds * 1000 : 2 ** 31 - 1);
  let lost: Error | null = null;
  try {
    await Promise.race([stopped, relay.done.catch((e: Error) => { lost = e; })]);
  } finally {
    clearTimeout(timer);
    process.removeListener('SIGINT', stop);
    await relay.close();
  }
  log(`${op}: ${lost ? `stream lost (${(lost as Error).message}); ` : ''}${relay.framesSent} frames sent, ${relay.framesDropped} dropped for slow pages`);
  return 0;
}
