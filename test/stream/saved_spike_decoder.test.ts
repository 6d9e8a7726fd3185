// Saved spike decoders as streaming pipelines, end to end without sockets: a Wiener filter and a
// Kalman filter saved as `decode spikes --save` does it decode the replayed chewie test bins
// exactly as offline (bit for bit: integer counts survive float32); mismatched streams are
// typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSavedModel, writeSavedModel } from '../../src/node/saved_model.js';
import { decodeSpikesCli } from '../../src/cli/decode_spikes.js';
import { runSpikeDecoding } from '../../src/decode/spike_pipeline.js';
import { encodeSpikeDecoder } from '../../src/decode/spike_model_io.js';
import { pipelineFromSaved, type KinematicsPrediction } from '../../src/stream/runtime/index.js';
import { recordingSource, replay, type ReplayClock } from '../../src/stream/replay/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const CHEWIE = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
const fastClock = (): ReplayClock => { const c = { t: 0, now: () => c.t, sleep: async (s: number) => { c.t += s; } }; return c; };

async function streamSpikes(dir: string, format: 'float32' | 'float64'): Promise<Map<number, Float64Array>> {
  const src = recordingSource(new Uint8Array(readFileSync(CHEWIE)), CHEWIE, { binWidth: 0.05 });
  const sd = pipelineFromSaved(readSavedModel(dir), dir, { channels: src.channels, sfreq: src.sfreq });
  assert.equal(sd.kind, 'spikes');
  const out = new Map<number, Float64Array>();
  for await (const chunk of replay(src, { rate: '1000x', chunkSamples: 7, format, clock: fastClock() })) {
    for (const o of sd.push(chunk)) { const v = o.value as KinematicsPrediction; out.set(v.bin, v.values); }
  }
  const st = sd.stats();
  assert.ok(st.stages[sd.kind === 'spikes' ? (readSavedModel(dir).config as { decoder: string }).decoder : '']!.count === out.size);
  return out;
}

test('stream decode (spikes): a Wiener filter with 3 bins of history saved by decode spikes gives the offline predictions on the replayed chewie test bins, bit for bit', { skip: skipUnlessData(CHEWIE) }, async () => {
  const bytes = new Uint8Array(readFileSync(CHEWIE));
  const r = runSpikeDecoding(bytes, CHEWIE, { decoder: 'wiener', binsBefore: 3, alpha: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-spk-'));
  try {
    const { config, weights } = encodeSpikeDecoder(r.fitted!, r.config, r.outputs, 0.05);
    writeSavedModel(dir, config, weights);
    const out = await streamSpikes(dir, 'float32');
    assert.equal(out.size, 1818 - 3); // a row per bin once 3 bins of history arrived
    r.scoredBins.forEach((b, i) => {
      const v = out.get(b)!;
      for (let k = 0; k < 2; k++) assert.equal(v[k], r.pred.data[i * 2 + k], `bin ${b} output ${k}`);
    });
    // saved at 50 ms bins: a stream at another rate is refused
    assert.throws(() => pipelineFromSaved(readSavedModel(dir), dir, { channels: Array.from({ length: 71 }, (_, j) => `u${j}`), sfreq: 100 }), (e: unknown) => e instanceof ShapeError && /100 Hz/.test(e.message) && /20 Hz/.test(e.message));
    assert.throws(() => pipelineFromSaved(readSavedModel(dir), dir, { channels: ['a', 'b'], sfreq: 20 }), (e: unknown) => e instanceof ShapeError && /71 units/.test(e.message));
    const sd = pipelineFromSaved(readSavedModel(dir), dir, { channels: Array.from({ length: 71 }, (_, j) => `u${j}`), sfreq: 20 });
    const neg = new Float32Array(71);
    neg[5] = -1;
    assert.throws(() => sd.push({ data: neg, timestamps: Float64Array.of(0) }), (e: unknown) => e instanceof ArgumentError && /unit 5/.test(e.message) && /-1/.test(e.message));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('stream decode (spikes): `decode spikes --decoder kalman --save` writes a filter whose stream run over the chewie test bins equals the offline one, bit for bit', { skip: skipUnlessData(CHEWIE) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-spk-'));
  try {
    const lines: string[] = [];
    const r = decodeSpikesCli([CHEWIE, '--decoder', 'kalman', '--save', join(dir, 'model'), '--bin-width', '0.05', '--out', join(dir, 'reports')], (s) => lines.push(s));
    assert.ok(lines.some((l) => l.startsWith('saved the model to')));
    const out = await streamSpikes(join(dir, 'model'), 'float64');
    assert.equal(out.size, 1818);
    r.scoredBins.forEach((b, i) => {
      const v = out.get(b)!;
      for (let k = 0; k < 2; k++) assert.equal(v[k], r.pred.data[i * 2 + k], `bin ${b} output ${k}`);
    });
    assert.throws(() => decodeSpikesCli([CHEWIE, '--decoder', 'lstm', '--save', join(dir, 'x')]), (e: unknown) => e instanceof ArgumentError && /wiener and kalman/.test(e.message));
    assert.throws(() => decodeSpikesCli([CHEWIE, '--decoder', 'wiener', '--bins-after', '1', '--save', join(dir, 'x')]), (e: unknown) => e instanceof ArgumentError && /bins-after 0/.test(e.message));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
