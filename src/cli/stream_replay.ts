// `dendrite stream replay <file>`: publishes a recording as LSL streams, paced on the LSL clock
// at real time or N× — the main stream (EEG in volts, or binned spike counts), the kinematics of
// a spike recording and the file's annotations as a marker stream — so that any LSL inlet
// (dendrite's, liblsl's, a page through the relay) sees it as it would a live amplifier.

import { basename, extname } from 'node:path';
import { ArgumentError, StreamLostError } from '../errors.js';
import { readBytes } from '../node/fs.js';
import { StreamOutlet, lslClock } from '../node/lsl/index.js';
import { parseRate, recordingSource, replay } from '../stream/replay/index.js';
import { channelsDesc } from '../stream/lsl/index.js';
import { numberOption, parseCommandLine } from './args.js';

export const STREAM_REPLAY_HELP = `usage: dendrite stream replay <recording.edf|.bdf|.gdf|.mat> [options]

Publishes a recording as Lab Streaming Layer streams, paced against the LSL clock: an EEG file at
its own rate (every signal channel in volts, labels in the stream's desc) with its annotations as
a marker stream; a chewie-style spike .mat one sample of counts per bin with the hand velocity as
a second stream. Stops at the end of the recording (or with --loop, at --seconds or Ctrl-C).

options:
  --rate R         realtime (default) or a speed such as 10x or 0.5x
  --name NAME      stream name (default: the file name without extension); the kinematics and
                   marker streams are NAME-kinematics and NAME-markers
  --picks A,B,...  EEG channels to stream, in this order (default: every signal channel)
  --bin-width S    spike recordings: bin width in seconds (default 0.05)
  --chunk N        samples per push (default: 20 ms of data)
  --loop           start again at the end of the recording
  --seconds S      stop after S seconds of wall time
  --wait S         wait up to S seconds for an inlet to connect before streaming (default 0)
  --host ADDR      address the outlets bind to: 127.0.0.1 (default, this machine only) or
                   0.0.0.0 (reachable on the network, discovery by multicast)
`;

export async function streamReplayCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const op = 'stream replay';
  const { values, positionals } = parseCommandLine(op, {
    args: argv, allowPositionals: true, strict: true,
    options: {
      rate: { type: 'string' }, name: { type: 'string' }, picks: { type: 'string' }, 'bin-width': { type: 'string' },
      chunk: { type: 'string' }, loop: { type: 'boolean' }, seconds: { type: 'string' }, host: { type: 'string' }, wait: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (file === undefined) throw new ArgumentError(`${op}: give a recording, e.g. ../shared/data/eeg/eegmmidb/S001/S001R04.edf`);
  if (positionals.length > 1) throw new ArgumentError(`${op}: one recording at a time, got ${positionals.length}`);
  const host = values.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '0.0.0.0') throw new ArgumentError(`${op}: --host must be 127.0.0.1 or 0.0.0.0, got '${host}'`);
  const seconds = values.seconds === undefined ? Infinity : numberOption(op, 'seconds', values.seconds, 0, { min: 0.001, max: 2_147_483 });
  const binWidth = values['bin-width'] === undefined ? undefined : numberOption(op, 'bin-width', values['bin-width'], 0.05, { min: 1e-4, max: 60 });
  const picks = values.picks?.split(',').map((s) => s.trim()).filter(Boolean);
  const src = recordingSource(readBytes(file), file, { ...(picks ? { picks } : {}), ...(binWidth !== undefined ? { binWidth } : {}) });
  const chunkSamples = values.chunk === undefined ? undefined : numberOption(op, 'chunk', values.chunk, 1, { integer: true, min: 1, max: 1 << 20 });
  const rate = parseRate(values.rate ?? 'realtime', op);
  const wait = numberOption(op, 'wait', values.wait, 0, { min: 0, max: 3600 });
  const name = values.name ?? basename(file, extname(file));
  const sourceId = `dendrite-replay:${basename(file)}`;
  const outlets: StreamOutlet[] = [];
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const stopAt = setTimeout(() => ac.abort(), Number.isFinite(seconds) ? seconds * 1000 : 2 ** 31 - 1);
  let sent = 0;
  let maxLag = 0;
  let main: StreamOutlet | null = null;
  try {
    main = await StreamOutlet.create({
      name, type: src.kind === 'eeg' ? 'EEG' : 'Spikes', channelCount: src.channels.length, channelFormat: 'float32',
      nominalSrate: src.sfreq, sourceId,
      desc: channelsDesc(src.channels.map((label, i) => ({ label, unit: src.units[i] ?? '', type: src.types[i] ?? '' }))),
    }, { host });
    outlets.push(main);
    const aux = src.aux ? await StreamOutlet.create({
      name: `${name}-kinematics`, type: 'Kinematics', channelCount: src.aux.channels.length, channelFormat: 'float32', nominalSrate: src.sfreq,
      sourceId: `${sourceId}:kinematics`, desc: channelsDesc(src.aux.channels.map((label, i) => ({ label, unit: src.aux!.units[i] ?? '' }))),
    }, { host }) : null;
    if (aux) outlets.push(aux);
    const markers = src.markers?.length ? await StreamOutlet.create({
      name: `${name}-markers`, type: 'Markers', channelCount: 1, channelFormat: 'string', nominalSrate: 0, sourceId: `${sourceId}:markers`,
    }, { host }) : null;
    if (markers) outlets.push(markers);
    log(`${op}: '${name}' ${src.channels.length} ch × ${src.nSamples} samples at ${src.sfreq} Hz (${(src.nSamples / src.sfreq).toFixed(1)} s), rate ×${rate}, on ${host}${aux ? `; '${name}-kinematics' ${src.aux!.channels.length} ch` : ''}${markers ? `; '${name}-markers' ${src.markers!.length} events` : ''}`);
    // an LSL outlet keeps nothing for inlets that connect later: optionally wait for the first one
    if (wait > 0) {
      try {
        await main.waitForConsumers(1, wait * 1000);
      } catch (e) {
        if (!(e instanceof StreamLostError)) throw e;
        log(`${op}: no inlet connected within ${wait} s; streaming anyway`);
      }
    }
    const handle = replay(src, {
      rate, loop: values.loop === true, signal: ac.signal, ...(chunkSamples ? { chunkSamples } : {}),
      clock: { now: lslClock, sleep: (s) => new Promise((r) => setTimeout(r, Math.max(0, s * 1000))) },
    });
    let lastReport = lslClock();
    for await (const c of handle) {
      main.pushChunk(c.data, c.timestamps);
      if (aux && c.aux) aux.pushChunk(c.aux, c.timestamps);
      if (markers) for (const m of c.markers ?? []) markers.pushSample([m.description], m.timestamp);
      sent += c.timestamps.length;
      maxLag = Math.max(maxLag, c.lag);
      if (lslClock() - lastReport >= 5) {
        lastReport = lslClock();
        log(`${op}: ${sent} samples sent (${(sent / src.sfreq).toFixed(1)} s of recording), max lag ${(maxLag * 1000).toFixed(1)} ms, dropped for slow inlets ${main.dropped}`);
      }
    }
  } finally {
    clearTimeout(stopAt);
    process.removeListener('SIGINT', onSigint);
    for (const o of outlets) await o.close();
  }
  log(`${op}: done, ${sent} samples sent, max lag ${(maxLag * 1000).toFixed(1)} ms, dropped for slow inlets ${main?.dropped ?? 0}`);
  return 0;
}
