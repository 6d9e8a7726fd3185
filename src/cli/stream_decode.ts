// `dendrite stream decode --model <saved> --in <stream>`: finds an LSL stream by name, reads its
// channel labels from the outlet's full info, builds the saved decoder's streaming pipeline
// (pipelineFromSaved: channel pick, the training band-pass run causally, sliding windows or bin
// history, the classifier or regressor), and decodes chunks as they arrive. Prints one line per
// output; writes predictions.jsonl, results.json and report.html (end-to-end latency from the
// sample's LSL timestamp to the decoded output, per-stage latency, drops) into a run folder.

import { join } from 'node:path';
import { ArgumentError, StreamLostError } from '../errors.js';
import { readSavedModel } from '../node/saved_model.js';
import { writeFileAtomic } from '../node/fs.js';
import { StreamInlet, fetchFullInfo, lslClock, resolveStreams } from '../node/lsl/index.js';
import { channelLabels } from '../stream/lsl/index.js';
import { pipelineFromSaved, type ClassPrediction, type KinematicsPrediction } from '../stream/runtime/saved_decoder.js';
import { LatencyHistogram } from '../stream/runtime/latency.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { histogramSvg } from '../report/histogram.js';
import { esc } from '../report/svg.js';
import { numberOption, parseCommandLine } from './args.js';
import { checkOutDir, makeRunDir } from './out_dir.js';

export const STREAM_DECODE_HELP = `usage: dendrite stream decode --model <saved model dir> --in <stream name> [options]

Decodes a live Lab Streaming Layer stream with a model saved by \`dendrite decode eeg --save\`
(CSP+LDA, CSP+sLDA, trialwise deep nets) or \`dendrite decode spikes --save\` (Wiener, Kalman).
EEG channels are matched by the labels in the stream's desc; the training band-pass runs causally.
Prints a label and class probabilities per window (EEG) or a velocity per bin (spikes); at the
end, latency from each output's newest sample to its decoded output (p50/p99/max), drops and
late outputs, with predictions.jsonl, results.json and report.html in the run folder.

options:
  --model DIR      folder written by --save (config.json + model.safetensors)
  --in NAME        name of the LSL stream to decode
  --timeout S      how long to look for the stream (default 10)
  --seconds S      stop after S seconds (default: until the stream ends or Ctrl-C)
  --hop S          EEG: window hop in seconds (default 0.1)
  --filter F       EEG: fir (default, the training filter exactly) or iir (no added delay)
  --budget MS      outputs later than this count as late (default 100)
  --queue S        samples waiting for the decoder, in seconds of stream, before the oldest are
                   dropped (default 10)
  --quiet          do not print each output
  --out DIR        where <time>/ goes (default ./reports)
`;

type Output = { t: number; latencyMs: number } & ({ label: string; probabilities: number[]; warmup: boolean } | { values: number[] });

export async function streamDecodeCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const op = 'stream decode';
  const { values } = parseCommandLine(op, {
    args: argv, allowPositionals: false, strict: true,
    options: {
      model: { type: 'string' }, in: { type: 'string' }, timeout: { type: 'string' }, seconds: { type: 'string' }, hop: { type: 'string' },
      filter: { type: 'string' }, budget: { type: 'string' }, queue: { type: 'string' }, quiet: { type: 'boolean' }, out: { type: 'string' },
    },
  });
  if (values.model === undefined) throw new ArgumentError(`${op}: --model DIR is required (a folder written by decode eeg --save or decode spikes --save)`);
  if (values.in === undefined) throw new ArgumentError(`${op}: --in NAME is required (the LSL stream to decode)`);
  const timeout = numberOption(op, 'timeout', values.timeout, 10, { min: 0.1, max: 3600 });
  // setTimeout holds at most 2^31 − 1 ms: a longer stop time would fire at once
  const seconds = numberOption(op, 'seconds', values.seconds, Infinity, { min: 0.001, max: 2_147_483 });
  const hopS = numberOption(op, 'hop', values.hop, 0.1, { min: 1e-4, max: 60 });
  const budgetMs = numberOption(op, 'budget', values.budget, 100, { min: 0 });
  const queueS = numberOption(op, 'queue', values.queue, 10, { min: 0.01, max: 3600 });
  const filter = values.filter ?? 'fir';
  if (filter !== 'fir' && filter !== 'iir') throw new ArgumentError(`${op}: --filter must be fir or iir, got '${filter}'`);
  const outRoot = values.out ?? 'reports';
  checkOutDir(op, outRoot);
  const saved = readSavedModel(values.model);

  const found = await resolveStreams({ name: values.in, timeoutMs: timeout * 1000, minimum: 1 });
  if (found.length === 0) throw new StreamLostError(`${op}: no LSL stream named '${values.in}' answered within ${timeout} s`);
  const info = await fetchFullInfo(found[0]!);
  // the decoders take numbers: a string or int64 (BigInt) stream has nothing they can read
  if (info.channelFormat === 'string' || info.channelFormat === 'int64') throw new ArgumentError(`${op}: stream '${info.name}' carries ${info.channelFormat} samples; a decoder needs float32, double64 or int8/16/32 channels`);
  const labels = channelLabels(info.desc, info.channelCount, `${op}: stream '${info.name}'`) ?? Array.from({ length: info.channelCount }, (_, i) => `ch${i + 1}`);
  const decoder = pipelineFromSaved(saved, values.model, { channels: labels, sfreq: info.nominalSrate }, { hopS, filter, budgetMs, queueS });
  const inlet = await StreamInlet.open(info, { recover: true, recoverTimeoutMs: 5000 });
  // outlet timestamps → this machine's LSL clock (0 on the same machine, a few µs of noise)
  let correction = 0;
  try {
    correction = await inlet.timeCorrection({ timeoutMs: 2000 });
  } catch {
    log(`${op}: no time-probe answer; assuming the outlet shares this machine's clock`);
  }
  log(`${op}: '${info.name}' ${info.channelCount} ch at ${info.nominalSrate} Hz from ${info.hostname || info.v4address}; ${decoder.kind === 'eeg' ? `${decoder.classes.join('/')} on ${decoder.window}-sample windows every ${decoder.hop}` : `${decoder.outputs.join(', ')} per bin`}; time correction ${(correction * 1000).toFixed(3)} ms`);

  const e2e = new LatencyHistogram();
  const latencies: number[] = [];
  const classCounts = new Map<string, number>();
  const lines: string[] = [];
  const ac = new AbortController();
  const onSigint = () => { ac.abort(); inlet.close(); };
  process.once('SIGINT', onSigint);
  const stopAt = setTimeout(onSigint, Number.isFinite(seconds) ? seconds * 1000 : 2 ** 31 - 1);
  let samples = 0;
  let ended = 'stopped';
  try {
    for await (const chunk of inlet.chunks()) {
      samples += chunk.count;
      for (const o of decoder.push({ data: chunk.data as ArrayLike<number>, timestamps: chunk.timestamps })) {
        const latencyMs = Math.max(0, (lslClock() - (o.timestamp + correction)) * 1000);
        e2e.record(latencyMs);
        let rec: Output;
        if (decoder.kind === 'eeg') {
          const v = o.value as ClassPrediction;
          rec = { t: o.timestamp, latencyMs, label: v.label, probabilities: [...v.probabilities], warmup: v.warmup };
          if (!values.quiet) log(`${o.timestamp.toFixed(3)}  ${v.label.padEnd(8)} ${[...v.probabilities].map((p) => p.toFixed(3)).join(' ')}${v.warmup ? '  (warm-up)' : ''}  ${latencyMs.toFixed(2)} ms`);
        } else {
          const v = o.value as KinematicsPrediction;
          rec = { t: o.timestamp, latencyMs, values: [...v.values] };
          if (!values.quiet) log(`${o.timestamp.toFixed(3)}  ${[...v.values].map((x) => x.toFixed(3)).join(' ')}  ${latencyMs.toFixed(2)} ms`);
        }
        latencies.push(latencyMs);
        if ('label' in rec && !rec.warmup) classCounts.set(rec.label, (classCounts.get(rec.label) ?? 0) + 1);
        lines.push(JSON.stringify(rec));
      }
    }
  } catch (e) {
    if (!(e instanceof StreamLostError)) throw e;
    ended = `stream ended: ${e.message}`;
  } finally {
    clearTimeout(stopAt);
    process.removeListener('SIGINT', onSigint);
    inlet.close();
  }
  const st = decoder.stats();
  const s = e2e.summary();
  log(`${op}: ${ended}; ${samples} samples, ${st.emitted} outputs; end-to-end latency p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms; dropped ${st.dropped}, late > ${budgetMs} ms ${st.late}`);

  const dir = makeRunDir(op, outRoot);
  const results = {
    stream: { name: info.name, type: info.type, channels: labels, sfreq: info.nominalSrate, hostname: info.hostname, uid: info.uid },
    model: values.model, kind: decoder.kind, samples, outputs: st.emitted, timeCorrectionS: correction,
    endToEndMs: s, stages: st.stages, dropped: st.dropped, late: st.late, budgetMs, ended,
  };
  writeFileAtomic(join(dir, 'predictions.jsonl'), lines.join('\n') + (lines.length ? '\n' : ''));
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  // the histogram's range: the largest latency, clipped at 5 × p99 (a loop: a spread of 10^5 values overflows the stack)
  let hi = 1;
  for (const v of latencies) hi = Math.max(hi, Math.min(v, 5 * (s.p99 || 1)));
  const edges = Array.from({ length: 41 }, (_, i) => (i * hi) / 40);
  const stageRows = Object.entries(st.stages).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v.count}</td><td>${v.p50.toFixed(3)}</td><td>${v.p99.toFixed(3)}</td><td>${v.max.toFixed(3)}</td></tr>`).join('');
  const counts = decoder.kind === 'eeg'
    ? `<h2>Decoded classes</h2><table><tr><th>class</th><th>windows</th></tr>${[...classCounts].map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</table>`
    : '';
  const body = settingsTable([
    ['stream', `${info.name} (${info.type}, ${info.channelCount} ch at ${info.nominalSrate} Hz, ${info.hostname || info.v4address})`],
    ['model', values.model], ['samples received', String(samples)], ['outputs', String(st.emitted)], ['ended', ended],
    ['time correction', `${(correction * 1000).toFixed(3)} ms`],
  ]) + `<h2>End-to-end latency</h2><p>From the LSL timestamp of an output's newest sample to the decoded output on this machine: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms over ${s.count} outputs; dropped ${st.dropped} samples, ${st.late} outputs later than ${budgetMs} ms.</p>`
    + histogramSvg({ edges, series: [{ name: 'outputs', color: '#1f77b4', values: latencies }], xLabel: 'latency (ms)' })
    + `<h2>Per stage (ms, from the push that delivered the sample)</h2><table><tr><th>stage</th><th>count</th><th>p50</th><th>p99</th><th>max</th></tr>${stageRows}</table>${counts}`;
  writeFileAtomic(join(dir, 'report.html'), htmlPage(`dendrite stream decode: ${info.name}`, body));
  log(`${op}: wrote ${dir}/report.html, results.json, predictions.jsonl`);
  return 0;
}
