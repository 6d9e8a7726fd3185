// `dendrite stream replay` + `dendrite stream decode` end to end over LSL on loopback: a CSP+LDA
// saved by `decode eeg --save` decodes EEGMMIDB run 4 replayed at 10× real time, and every window
// it decodes carries exactly the probabilities the same saved pipeline gives when fed the
// recording directly (no transport) — so the transport lost, reordered or altered nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEegCli } from '../../src/cli/decode.js';
import { streamReplayCli } from '../../src/cli/stream_replay.js';
import { streamDecodeCli } from '../../src/cli/stream_decode.js';
import { ArgumentError, StreamLostError } from '../../src/errors.js';
import { readBytes } from '../../src/node/fs.js';
import { readSavedModel } from '../../src/node/saved_model.js';
import { recordingSource } from '../../src/stream/replay/index.js';
import { pipelineFromSaved, type ClassPrediction } from '../../src/stream/runtime/saved_decoder.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const r04 = dataPath('eeg/eegmmidb/S001R04.edf');
const r08 = dataPath('eeg/eegmmidb/S001R08.edf');

test('stream replay → stream decode: the live decoder gives the offline pipeline\'s outputs, with a latency report', { skip: skipUnlessData(r04, r08), timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-lsl-cli-'));
  try {
    const model = join(dir, 'model');
    decodeEegCli(['--train', r08, '--test', r04, '--events', 'T1=left,T2=right', '--model', 'csp-lda', '--save', model, '--out', join(dir, 'fit')], () => undefined);
    const name = `dendrite-test-${process.pid}`;
    const replayLog: string[] = [];
    const decodeLog: string[] = [];
    const replaying = streamReplayCli([r04, '--rate', '10x', '--wait', '20', '--name', name], (s) => replayLog.push(s));
    const decoded = await streamDecodeCli(['--model', model, '--in', name, '--timeout', '10', '--queue', '200', '--quiet', '--out', join(dir, 'runs')], (s) => decodeLog.push(s));
    assert.equal(await replaying, 0);
    assert.equal(decoded, 0);
    assert.match(replayLog.at(-1)!, /done, 20000 samples sent/);
    const runs = readdirSync(join(dir, 'runs'));
    assert.equal(runs.length, 1);
    const run = join(dir, 'runs', runs[0]!);
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')) as { samples: number; outputs: number; dropped: number; endToEndMs: { count: number; p99: number } };
    assert.equal(results.samples, 20000, decodeLog.join('\n'));
    assert.equal(results.dropped, 0);
    const report = readFileSync(join(run, 'report.html'), 'utf8');
    assert.match(report, /End-to-end latency/);
    assert.match(report, /<svg/);
    // the same saved pipeline fed the recording straight from the file, in one chunk
    const src = recordingSource(readBytes(r04), r04);
    const ref = pipelineFromSaved(readSavedModel(model), model, { channels: src.channels, sfreq: src.sfreq }, { queueS: 200 });
    const data = new Float32Array(src.nSamples * src.channels.length);
    src.read(0, src.nSamples, data);
    const want = ref.push({ data, timestamps: Float64Array.from({ length: src.nSamples }, (_, i) => i / src.sfreq) }).map((o) => o.value as ClassPrediction);
    const got = readFileSync(join(run, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { label: string; probabilities: number[] });
    assert.equal(results.outputs, want.length);
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) {
      assert.equal(got[i]!.label, want[i]!.label, `window ${i}`);
      assert.deepEqual(got[i]!.probabilities, [...want[i]!.probabilities], `window ${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stream decode: a stream nobody publishes and missing options are clear errors', async () => {
  await assert.rejects(streamDecodeCli(['--in', 'x']), ArgumentError);
  await assert.rejects(streamDecodeCli(['--model', 'm']), ArgumentError);
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-lsl-cli-'));
  try {
    await assert.rejects(streamDecodeCli(['--model', join(dir, 'missing'), '--in', 'x', '--timeout', '0.2', '--out', dir]), /model config/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(streamReplayCli([]), ArgumentError);
  await assert.rejects(streamReplayCli([r04, '--rate', 'fast']), ArgumentError);
  await assert.rejects(streamReplayCli([r04, '--host', '10.0.0.1']), ArgumentError);
  void StreamLostError;
});

test('stream relay: a replayed recording reaches a WebSocket page frame by frame, values intact', { skip: skipUnlessData(r04), timeout: 60_000 }, async () => {
  const { WebSocket } = await import('ws');
  const { streamRelayCli } = await import('../../src/cli/stream_relay.js');
  const { decodeRelayFrame } = await import('../../src/node/lsl/relay.js');
  const name = `dendrite-relay-${process.pid}`;
  const replaying = streamReplayCli([r04, '--rate', '20x', '--wait', '20', '--name', name, '--seconds', '4'], () => undefined);
  const logs: string[] = [];
  let url = '';
  const gotUrl = new Promise<void>((resolve) => {
    void streamRelayCli(['--in', name, '--port', '0', '--timeout', '10', '--seconds', '6'], (s) => {
      logs.push(s);
      const m = /on (ws:\/\/\S+)/.exec(s);
      if (m) { url = m[1]!; resolve(); }
    });
  });
  await gotUrl;
  const ws = new WebSocket(url);
  ws.binaryType = 'nodebuffer';
  const frames: ReturnType<typeof decodeRelayFrame>[] = [];
  await new Promise<void>((resolve) => {
    ws.on('message', (b: Buffer, binary: boolean) => { if (binary) frames.push(decodeRelayFrame(new Uint8Array(b))); });
    ws.on('close', () => resolve());
    setTimeout(() => { ws.close(); }, 3000);
  });
  await replaying;
  assert.ok(frames.length > 0, logs.join('\n'));
  const src = recordingSource(readBytes(r04), r04);
  const C = src.channels.length;
  assert.equal(frames[0]!.channels, C);
  // a page joins mid-stream: find where its first sample sits in the recording, then every later sample must follow it exactly
  const all = frames.flatMap((f) => Array.from({ length: f.count }, (_, i) => f.data.subarray(i * C, (i + 1) * C)));
  const rec = new Float32Array(src.nSamples * C);
  src.read(0, src.nSamples, rec);
  let start = -1;
  for (let k = 0; k < src.nSamples && start < 0; k++) if (all[0]!.every((v, j) => v === rec[k * C + j])) start = k;
  assert.ok(start >= 0, 'the first relayed sample is not in the recording');
  all.forEach((row, i) => assert.deepEqual([...row], [...rec.subarray((start + i) * C, (start + i + 1) * C)], `sample ${start + i}`));
});
