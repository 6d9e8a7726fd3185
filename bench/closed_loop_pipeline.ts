// `node dist/bench/closed_loop_pipeline.js`: the streaming pipeline on EEGMMIDB S001 — CSP+LDA
// (4 log-power components) trained on run R08 (imagined fists, 21 sensorimotor channels, 8-30 Hz
// causal Butterworth, 2 s windows 0.5 s after each cue), then run R04 replayed in 100 ms chunks
// (16 samples at 160 Hz) through queue → online filter → 2 s windows every 100 ms → CSP+LDA.
// Per-stage p50/p99/max come from the runtime's histograms (upper edges of 12 %-wide bins);
// late = push-to-output over the 100 ms hop. A warm-up pass first, then 5 passes. The overload
// row pushes 20 chunks (2 s) per step into a 1 s drop-oldest queue: it drops, never grows.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readEdf } from '../src/io/edf/index.js';
import { Raw } from '../src/neuro/raw.js';
import { butter } from '../src/signal/butter.js';
import { sosfilt } from '../src/signal/sosfilt.js';
import { CSP } from '../src/decode/estimators/csp.js';
import { LDA } from '../src/decode/estimators/lda.js';
import { CspLdaStage, OnlineSosFilter, Pipeline, SlidingWindower, type PipelineStats } from '../src/stream/runtime/index.js';

const DATA = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data');
const TRAIN = resolve(DATA, 'eeg/eegmmidb/S001R08.edf');
const TEST = resolve(DATA, 'eeg/eegmmidb/S001R04.edf');
const PICKS = Array.from({ length: 21 }, (_, i) => i);
const SFREQ = 160, W = 320, HOP = 16, CHUNK = 16;
const SOS = butter(4, [8, 30], 'bandpass', { fs: SFREQ, output: 'sos' });

const load = (p: string) => Raw.fromRecording(readEdf(new Uint8Array(readFileSync(p)), p), { picks: PICKS });

function train(): { csp: CSP; lda: LDA } {
  const raw = load(TRAIN);
  const chs = raw.data.map((x) => sosfilt(SOS, x));
  const a = raw.annotations;
  const starts: number[] = [];
  const y: number[] = [];
  a.onset.forEach((t, i) => {
    const k = a.description[i] === 'T1' ? 0 : a.description[i] === 'T2' ? 1 : -1;
    const s = Math.round((t + 0.5) * SFREQ);
    if (k >= 0 && s + W <= raw.nTimes) { starts.push(s); y.push(k); }
  });
  const c = chs.length;
  const x = new Float64Array(starts.length * c * W);
  starts.forEach((s, e) => { for (let j = 0; j < c; j++) x.set(chs[j]!.subarray(s, s + W), (e * c + j) * W); });
  const csp = new CSP({ nComponents: 4, log: true });
  return { csp, lda: new LDA().fit(csp.fitTransform({ data: x, shape: [starts.length, c, W] }, y), y) };
}

function replay(dec: { csp: CSP; lda: LDA }, raw: Raw, passes: number, perStep: number, capacity: number): PipelineStats {
  const c = raw.nChannels, n = raw.nTimes;
  const x = new Float64Array(n * c);
  for (let j = 0; j < c; j++) for (let i = 0; i < n; i++) x[i * c + j] = raw.data[j]![i]!;
  const p = new Pipeline({
    nChannels: c, queueCapacity: capacity, policy: 'drop-oldest', budgetMs: HOP / SFREQ * 1000,
    filter: new OnlineSosFilter(SOS, c),
    scheduler: { kind: 'windows', windower: new SlidingWindower(c, W, HOP) },
    decoder: new CspLdaStage(dec.csp, dec.lda, c, W),
  });
  let k = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i + CHUNK <= n; i += CHUNK) {
      const t0 = (pass * n + i) / SFREQ;
      p.push(x.subarray(i * c, (i + CHUNK) * c), Float64Array.from({ length: CHUNK }, (_, r) => t0 + r / SFREQ));
      if (++k % perStep === 0) p.step();
    }
  }
  p.step();
  return p.stats();
}

export async function main(): Promise<void> {
  if (!existsSync(TRAIN) || !existsSync(TEST)) { console.log(`EEGMMIDB S001 R04/R08 not found under ${DATA} (set DENDRITE_DATA)`); return; }
  const dec = train();
  const raw = load(TEST);
  const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  replay(dec, raw, 1, 1, 4 * W); // warm-up
  const rows: [string, PipelineStats][] = [
    ['real time: 1 chunk per step, queue 1280', replay(dec, raw, 5, 1, 4 * W)],
    ['overload: 20 chunks per step, queue 160', replay(dec, raw, 5, 20, SFREQ)],
  ];
  console.log(`EEGMMIDB S001R04 (21 ch, 160 Hz) × 5 passes, 100 ms chunks, CSP+LDA on 2 s windows every 100 ms`);
  console.log('| run | stage | count | p50 | p99 | max |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, s] of rows) {
    for (const [stage, h] of Object.entries(s.stages)) console.log(`| ${name} | ${stage} | ${h.count} | ${fmt(h.p50)} | ${fmt(h.p99)} | ${fmt(h.max)} |`);
    console.log(`| ${name} | counters | emitted ${s.emitted} | dropped ${s.dropped} | late > ${HOP / SFREQ * 1000} ms ${s.late} | queue ${s.queued}/${s.capacity} |`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
