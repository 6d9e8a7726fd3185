// The real-time page's logic without a browser: relay frames written by the Node relay read back
// by the page's decoder (and malformed ones refused), the info message checked, latency
// percentiles by nearest rank over a bounded window, a spike decoder session fed frames giving the
// saved pipeline's outputs bit for bit, and the cursor task scoring hits and misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRelayFrame } from '../../src/node/lsl/relay.js';
import { decodeRelayFrame, parseRelayHello } from '../../src/dashboard/client/realtime_frame.js';
import { LatencyWindow, nearestRank } from '../../src/dashboard/client/realtime_latency.js';
import { RealtimeSession, checkWeights } from '../../src/dashboard/client/realtime_session.js';
import { CursorTask } from '../../src/dashboard/client/realtime_view.js';
import { decoderFromFiles } from '../../src/dashboard/client/realtime_api.js';
import { ArgumentError, FormatError } from '../../src/errors.js';
import { runSpikeDecoding } from '../../src/decode/spike_pipeline.js';
import { encodeSpikeDecoder } from '../../src/decode/spike_model_io.js';
import { readSavedModel, writeSavedModel } from '../../src/node/saved_model.js';
import { recordingSource } from '../../src/stream/replay/index.js';
import { pipelineFromSaved, type KinematicsPrediction } from '../../src/stream/runtime/saved_decoder.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const CHEWIE = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
const ab = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

test('relay frames: what the Node relay writes the page reads back; malformed frames and info messages are FormatErrors', () => {
  const data = Float32Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i) * 1e-5);
  const timestamps = Float64Array.from({ length: 5 }, (_, i) => 81234.5 + i / 160);
  const f = decodeRelayFrame(ab(encodeRelayFrame({ count: 5, data, timestamps } as never, 3, 7)), 3);
  assert.equal(f.count, 5);
  assert.equal(f.dropped, 7);
  assert.deepEqual(f.data, data);
  f.timestamps.forEach((t, i) => assert.ok(Math.abs(t - timestamps[i]!) < 1e-6, `timestamp ${i}`));
  const good = encodeRelayFrame({ count: 5, data, timestamps } as never, 3, 0);
  assert.throws(() => decodeRelayFrame(new ArrayBuffer(10), 3), (e: unknown) => e instanceof FormatError && /10 bytes/.test(e.message));
  assert.throws(() => decodeRelayFrame(ab(good), 4), (e: unknown) => e instanceof FormatError && /3 channels.*announced 4/.test(e.message));
  assert.throws(() => decodeRelayFrame(ab(good.subarray(0, good.length - 4)), 3), (e: unknown) => e instanceof FormatError && /need 104 bytes, got 100/.test(e.message));
  const tag = good.slice();
  tag[0] = 9;
  assert.throws(() => decodeRelayFrame(ab(tag), 3), (e: unknown) => e instanceof FormatError && /tag 9/.test(e.message));

  const hello = { type: 'info', name: 's', streamType: 'EEG', channelCount: 2, channelFormat: 'float32', nominalSrate: 160, channels: ['C3', 'C4'] };
  assert.deepEqual(parseRelayHello(JSON.stringify(hello)).channels, ['C3', 'C4']);
  assert.equal(parseRelayHello(JSON.stringify({ ...hello, channels: null })).channels, null);
  for (const bad of ['not json', JSON.stringify({ ...hello, type: 'x' }), JSON.stringify({ ...hello, channelCount: 0 }), JSON.stringify({ ...hello, nominalSrate: 'fast' }), JSON.stringify({ ...hello, channels: ['C3'] })]) {
    assert.throws(() => parseRelayHello(bad), FormatError, bad);
  }
});

test('latency window: nearest-rank percentiles over the newest `capacity` latencies', () => {
  const w = new LatencyWindow(100);
  for (let i = 100; i >= 1; i--) w.record(i);
  assert.deepEqual(w.summary(), { count: 100, total: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  for (let i = 0; i < 50; i++) w.record(1000); // the 50 oldest (100 ... 51) leave the window
  const s = w.summary();
  assert.deepEqual([s.count, s.total, s.p50, s.p95, s.max], [100, 150, 50, 1000, 1000]);
  assert.ok(Number.isNaN(new LatencyWindow(4).summary().p50));
  assert.equal(nearestRank([1, 2, 3], 100), 3);
  assert.throws(() => w.record(NaN), ArgumentError);
  assert.throws(() => new LatencyWindow(0), ArgumentError);
  assert.throws(() => nearestRank([1], 0), ArgumentError);
});

test('cursor task: a confident "right" decoder misses the left target, then hits the right one', () => {
  const task = new CursorTask(['left', 'right'], 'eeg');
  const out = { start: 0, label: 'right', classIndex: 1, probabilities: [0, 1], values: null, warmup: false, pageMs: 1, endToEndMs: 2 };
  for (let i = 0; i < 10; i++) task.step(out);
  assert.ok(Math.abs(task.state.x - 0.8) < 1e-12);
  task.step(out); // past the rim away from the target
  assert.deepEqual([task.state.hits, task.state.misses, task.state.target, task.state.x], [0, 1, 1, 0]);
  for (let i = 0; i < 9; i++) task.step(out);
  assert.deepEqual([task.state.hits, task.state.misses, task.state.target], [1, 1, 0]);
});

test('realtime session: a Wiener decoder fed relay frames gives the saved pipeline\'s outputs bit for bit, with exact page latencies', { skip: skipUnlessData(CHEWIE) }, async () => {
  const bytes = new Uint8Array(readFileSync(CHEWIE));
  const r = runSpikeDecoding(bytes, CHEWIE, { decoder: 'wiener', binsBefore: 3, alpha: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-rt-session-'));
  try {
    const { config, weights } = encodeSpikeDecoder(r.fitted!, r.config, r.outputs, 0.05);
    writeSavedModel(dir, config, weights);
    const files = readSavedModel(dir);
    await checkWeights(files, dir);
    // a decoder the user picks from disk reads as the server's copy does
    const picked = [new File([readFileSync(join(dir, 'config.json'))], 'config.json'), new File([ab(files.weights)], 'model.safetensors'), new File(['x'], 'notes.txt')];
    assert.deepEqual(await decoderFromFiles(picked), files);
    await assert.rejects(decoderFromFiles(picked.slice(1)), (e: unknown) => e instanceof FormatError && /config\.json/.test(e.message));
    await assert.rejects(decoderFromFiles([picked[0]!]), (e: unknown) => e instanceof FormatError && /model\.safetensors/.test(e.message));
    await assert.rejects(checkWeights({ config: files.config, weights: files.weights.subarray(1) }, dir), (e: unknown) => e instanceof FormatError && /SHA-256/.test(e.message));
    const src = recordingSource(bytes, CHEWIE, { binWidth: 0.05 });
    const C = src.channels.length;
    const hello = { name: 'chewie', streamType: 'Spikes', channelCount: C, channelFormat: 'float32', nominalSrate: src.sfreq, channels: [...src.channels] };
    assert.throws(() => new RealtimeSession(files, dir, { ...hello, channels: null }), (e: unknown) => e instanceof ArgumentError && /no channel labels/.test(e.message));
    let clock = 0;
    const session = new RealtimeSession(files, dir, hello, { now: () => (clock += 0.25) });
    const all = new Float32Array(src.nSamples * C);
    src.read(0, src.nSamples, all);
    const got: number[][] = [];
    for (let at = 0; at < src.nSamples; at += 13) {
      const n = Math.min(13, src.nSamples - at);
      const frame = encodeRelayFrame({ count: n, data: all.subarray(at * C, (at + n) * C), timestamps: Float64Array.from({ length: n }, (_, i) => 1000 + (at + i) / src.sfreq) } as never, C, 0);
      const arrived = clock;
      for (const o of session.onFrame(ab(frame), arrived)) {
        got.push(o.values!);
        assert.ok(o.pageMs > 0 && Number.isInteger(o.pageMs / 0.25), `page latency ${o.pageMs} is not whole clock ticks`);
      }
    }
    const ref = pipelineFromSaved(files, dir, { channels: src.channels, sfreq: src.sfreq }, { queueS: 1000 }).push({ data: all, timestamps: Float64Array.from({ length: src.nSamples }, (_, i) => i / src.sfreq) });
    assert.equal(got.length, ref.length);
    ref.forEach((o, i) => assert.deepEqual(got[i], [...(o.value as KinematicsPrediction).values], `bin ${i}`));
    const st = session.status();
    assert.deepEqual([st.samples, st.outputs, st.page.count], [src.nSamples, ref.length, ref.length]);

    // end-to-end with known delays: frame k (one bin) is stamped T_k and arrives 5 s (the clock
    // offset) + d_k ms later on the page's clock, which stands still while it is decoded. The
    // offset is the smallest recent (arrival - stamp): frame 0 (d = 1) sets it until it leaves
    // the 10 s window at frame 200, then d = 4 is the floor; frame 100 is delayed to 40 ms.
    let t = 0;
    const timed = new RealtimeSession(files, dir, hello, { now: () => t, keep: 50 });
    const delay = (k: number) => (k === 0 ? 1 : k === 100 ? 40 : 4);
    const want = (k: number) => (k === 0 ? 0 : k < 200 ? delay(k) - 1 : delay(k) - 4);
    const e2e: number[] = [];
    const wanted: number[] = [];
    const K = 300;
    for (let k = 0; k < K; k++) {
      const T = 1000 + k * 0.05;
      t = 5000 + 1000 * T + delay(k);
      const frame = encodeRelayFrame({ count: 1, data: all.subarray(k * C, (k + 1) * C), timestamps: Float64Array.of(T) } as never, C, 0);
      for (const o of timed.onFrame(ab(frame), t)) {
        assert.equal(o.pageMs, 0);
        e2e.push(o.endToEndMs);
        wanted.push(want(k));
      }
      if (k === 150) {
        // a frame with a NaN stamp and one going back in time are refused and leave the offset alone
        const before = timed.clockOffsetMs;
        const nan = encodeRelayFrame({ count: 1, data: all.subarray(0, C), timestamps: Float64Array.of(Number.NaN) } as never, C, 0);
        assert.throws(() => timed.onFrame(ab(nan), t), (e: unknown) => e instanceof FormatError && /timestamp 0 is NaN/.test(e.message));
        const back = encodeRelayFrame({ count: 1, data: all.subarray(0, C), timestamps: Float64Array.of(900) } as never, C, 0);
        assert.throws(() => timed.onFrame(ab(back), 0)); // would set the offset to -900 s if taken
        assert.equal(timed.clockOffsetMs, before);
      }
    }
    assert.ok(wanted.length > 250, `${wanted.length} outputs`);
    e2e.forEach((v, i) => assert.ok(Math.abs(v - wanted[i]!) < 1e-6, `output ${i}: end-to-end ${v} ms, want ${wanted[i]}`));
    const sorted = [...wanted].sort((a, b) => a - b);
    const ts = timed.status().endToEnd;
    assert.deepEqual([ts.count, ts.max], [wanted.length, 39]);
    for (const [q, got] of [[50, ts.p50], [95, ts.p95], [99, ts.p99]] as const) assert.ok(Math.abs(got - nearestRank(sorted, q)) < 1e-6, `p${q}: ${got} vs ${nearestRank(sorted, q)}`);
    assert.deepEqual([ts.p50, ts.p99].map((v) => Math.round(v)), [3, 3]);
    // the newest `keep` outputs are kept, oldest first; the count covers the whole session
    assert.equal(timed.outputCount, wanted.length);
    assert.deepEqual(timed.outputs.map((o) => o.endToEndMs), e2e.slice(-50));
    const task = new CursorTask(session.decoder.kind === 'spikes' ? session.decoder.outputs : [], 'spikes');
    for (const o of session.outputs) task.step(o);
    assert.ok(task.state.hits + task.state.misses > 0, 'the decoded velocity never moved the cursor to the rim');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
