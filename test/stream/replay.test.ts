// Replaying recordings as timed chunks: pacing by absolute target times against an injected
// clock (a late timer or a slow consumer never shifts later chunks), chunk boundaries, loop,
// end of data, the rate parser, and the real EEGMMIDB and chewie files read through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Raw } from '../../src/neuro/raw.js';
import { readEdf } from '../../src/io/edf/index.js';
import { readGdf } from '../../src/io/gdf/index.js';
import { loadChewie } from '../../src/datasets/spikes.js';
import { parseRate, rawSource, recordingSource, replay, type ReplayChunk, type ReplayClock } from '../../src/stream/replay/index.js';
import { ArgumentError, FormatError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const EDF = dataPath('eeg/eegmmidb/S001R04.edf');
const CHEWIE = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
const BDF = dataPath('eeg/edf-conformance/mne-python/test.bdf');
const GDF = dataPath('eeg/edf-conformance/mne-testing-data/test_1ch.gdf');

/** A fake monotonic clock: sleep advances time by what was asked plus `over` (a late timer). */
function fakeClock(over = 0): ReplayClock & { t: number; sleeps: number[] } {
  const c = {
    t: 1000, sleeps: [] as number[],
    now: () => c.t,
    sleep: async (s: number) => { c.sleeps.push(s); c.t += s + over; },
  };
  return c;
}

/** C channels, N samples: channel j, sample i holds 1000 j + i. */
function ramp(C: number, N: number, sfreq: number): Raw {
  const data = Array.from({ length: C }, (_, j) => Float64Array.from({ length: N }, (_, i) => 1000 * j + i));
  return new Raw(data, { sfreq, chNames: Array.from({ length: C }, (_, j) => `ch${j}`), chTypes: data.map(() => 'eeg' as const), units: data.map(() => 'V'), bads: [], measDate: null });
}

async function collect(it: AsyncIterable<ReplayChunk>, onChunk?: (c: ReplayChunk) => void, max = Infinity): Promise<ReplayChunk[]> {
  const out: ReplayChunk[] = [];
  for await (const c of it) { out.push(c); onChunk?.(c); if (out.length >= max) break; }
  return out;
}

test('replay: chunk boundaries, row-major data, timestamps at each sample\'s due time, end of data with a short last chunk', async () => {
  const clock = fakeClock();
  const src = rawSource(ramp(3, 50, 100), 'ramp');
  const chunks = await collect(replay(src, { rate: 'realtime', chunkSamples: 16, clock }));
  assert.deepEqual(chunks.map((c) => c.timestamps.length), [16, 16, 16, 2]);
  assert.deepEqual(chunks.map((c) => c.first), [0, 16, 32, 48]);
  const all = chunks.flatMap((c) => [...c.data]);
  assert.equal(all.length, 150);
  for (let i = 0; i < 50; i++) for (let j = 0; j < 3; j++) assert.equal(all[i * 3 + j], 1000 * j + i);
  const ts = chunks.flatMap((c) => [...c.timestamps]);
  ts.forEach((t, i) => assert.ok(Math.abs(t - (1000 + (i + 1) / 100)) < 1e-9, `sample ${i}: ${t}`));
  assert.ok(chunks.every((c) => c.data instanceof Float32Array));
});

test('replay: paced by absolute targets — a timer late by 3 ms each time never accumulates, and the clock ends at the last due time', async () => {
  const clock = fakeClock(0.003);
  const src = rawSource(ramp(2, 1600, 160), 'ramp'); // 10 s
  const release: number[] = [];
  const chunks = await collect(replay(src, { rate: 1, chunkSamples: 16, clock }), () => release.push(clock.t));
  assert.equal(chunks.length, 100);
  release.forEach((t, k) => {
    const due = 1000 + (k + 1) * 0.1;
    assert.ok(t - due >= -1e-9 && t - due <= 0.003 + 1e-9, `chunk ${k} released ${((t - due) * 1e3).toFixed(3)} ms after its due time`);
  });
  // each sleep asked for less than a chunk's 100 ms: the 3 ms overshoot was taken off the next one
  assert.ok(clock.sleeps.slice(1).every((s) => Math.abs(s - 0.097) < 1e-9), `sleeps ${clock.sleeps.slice(0, 4).join(', ')}`);
});

test('replay: a timer that fires early (half the asked time) never releases a chunk before its due time', async () => {
  const c = { t: 0, now: () => c.t, sleep: async (s: number) => { c.t += s / 2; } };
  const release: number[] = [];
  await collect(replay(rawSource(ramp(1, 100, 100), 'ramp'), { chunkSamples: 10, clock: c }), () => release.push(c.t));
  release.forEach((t, k) => { const due = (k + 1) * 0.1; assert.ok(t >= due - 1e-12 && t - due < 1e-3, `chunk ${k}: ${t} vs due ${due}`); });
});

test('replay: a slow consumer (250 ms stall) is caught up without sleeping, then the pace resumes on the original grid; 10x divides every interval', async () => {
  const clock = fakeClock();
  const src = rawSource(ramp(1, 1600, 160), 'ramp');
  const release: number[] = [];
  const chunks = await collect(replay(src, { rate: '10x', chunkSamples: 16, clock }), (c) => {
    release.push(clock.t);
    if (c.first === 160) clock.t += 0.25; // the consumer stalls on chunk 10
  });
  assert.equal(chunks.length, 100);
  const due = (k: number) => 1000 + (k + 1) * 0.01;
  // chunks 11.. are due 10 ms apart: those due during the stall go out at once, flagged late
  for (let k = 11; k < 100; k++) {
    if (due(k) < 1000 + 0.11 + 0.25) assert.ok(release[k]! > due(k) && chunks[k]!.lag > 0, `chunk ${k} should be late`);
    else assert.ok(Math.abs(release[k]! - due(k)) < 1e-9 && chunks[k]!.lag === 0, `chunk ${k} back on the grid: ${release[k]} vs ${due(k)}`);
  }
  assert.ok(Math.abs(chunks[99]!.timestamps[15]! - (1000 + 1600 / 1600)) < 1e-9);
});

test('replay: loop wraps the recording inside a chunk, indices and timestamps keep increasing; abort stops it', async () => {
  const clock = fakeClock();
  const src = rawSource(ramp(2, 10, 100), 'ramp');
  const ac = new AbortController();
  const chunks = await collect(replay(src, { rate: 1000, chunkSamples: 4, loop: true, clock, signal: ac.signal }), (c) => { if (c.first >= 20) ac.abort(); });
  assert.deepEqual(chunks.map((c) => c.first), [0, 4, 8, 12, 16, 20]);
  assert.deepEqual(chunks.map((c) => c.recordingIndex), [0, 4, 8, 2, 6, 0]);
  // chunk 2 holds samples 8, 9 then 0, 1 of the recording
  assert.deepEqual([...chunks[2]!.data].filter((_, i) => i % 2 === 0), [8, 9, 0, 1]);
  const ts = chunks.flatMap((c) => [...c.timestamps]);
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! > ts[i - 1]!);
});

test('parseRate: realtime, Nx, N; anything else is an ArgumentError naming it', () => {
  assert.equal(parseRate('realtime'), 1);
  assert.equal(parseRate('2x'), 2);
  assert.equal(parseRate('0.5x'), 0.5);
  assert.equal(parseRate('10'), 10);
  assert.equal(parseRate(4), 4);
  for (const bad of ['fast', '-2x', '0x', 'x', '2xx', '1e9x', 'NaNx', '']) assert.throws(() => parseRate(bad), (e: unknown) => e instanceof ArgumentError && e.message.includes(`'${bad}'`) || (e instanceof ArgumentError && e.message.includes(bad)), bad);
  assert.throws(() => parseRate(Infinity), ArgumentError);
  assert.throws(() => replay(rawSource(ramp(1, 4, 10), 'r'), { chunkSamples: 0 }), (e: unknown) => e instanceof ArgumentError && /chunkSamples/.test(e.message));
});

test('recordingSource: EEGMMIDB S001R04.edf replays all 64 channels at 160 Hz, float32 of the volts, channel pick in order', { skip: skipUnlessData(EDF) }, async () => {
  const bytes = new Uint8Array(readFileSync(EDF));
  const raw = Raw.fromRecording(readEdf(bytes, EDF));
  const src = recordingSource(bytes, EDF);
  assert.equal(src.kind, 'eeg');
  assert.equal(src.sfreq, 160);
  assert.equal(src.channels.length, 64);
  assert.equal(src.nSamples, raw.nTimes);
  assert.ok(src.markers!.some((m) => m.description === 'T1'));
  const chunks = await collect(replay(src, { rate: 1e6, chunkSamples: 333, clock: fakeClock() }));
  assert.equal(chunks.reduce((a, c) => a + c.timestamps.length, 0), raw.nTimes);
  // the annotations ride along as markers stamped with their sample's timestamp
  const marks = chunks.flatMap((c) => c.markers ?? []);
  const ann = raw.annotations;
  assert.equal(marks.length, ann.onset.length);
  marks.forEach((m, i) => {
    assert.equal(m.description, ann.description[i]);
    assert.ok(Math.abs(m.timestamp - (1000 + (Math.round(ann.onset[i]! * 160) + 1) / 160 / 1e6)) < 1e-9);
  });
  const c5 = chunks[5]!;
  for (let i = 0; i < c5.timestamps.length; i += 37) for (let j = 0; j < 64; j += 7) assert.equal(c5.data[i * 64 + j], Math.fround(raw.data[j]![c5.first + i]!));
  const picked = recordingSource(bytes, EDF, { picks: ['Cz..', 'C3..', 'C4..'] });
  assert.deepEqual(picked.channels, ['Cz..', 'C3..', 'C4..']);
  const out = new Float64Array(6);
  picked.read(100, 2, out);
  const idx = ['Cz..', 'C3..', 'C4..'].map((n) => raw.info.chNames.indexOf(n));
  assert.deepEqual([...out], [100, 101].flatMap((t) => idx.map((j) => raw.data[j]![t]!)));
  assert.throws(() => recordingSource(bytes, EDF, { picks: ['Cz..', 'Nope'] }), (e: unknown) => e instanceof ArgumentError && /Nope/.test(e.message));
});

test('recordingSource: chewie_demo.mat replays Yte as 71 count channels, one sample per bin, and Xte as the vx, vy aux stream', { skip: skipUnlessData(CHEWIE) }, async () => {
  const bytes = new Uint8Array(readFileSync(CHEWIE));
  const d = loadChewie(bytes);
  const src = recordingSource(bytes, CHEWIE, { binWidth: 0.05 });
  assert.equal(src.kind, 'spikes');
  assert.equal(src.sfreq, 20);
  assert.equal(src.nSamples, 1818);
  assert.equal(src.channels.length, 71);
  assert.deepEqual(src.aux!.channels, ['vx', 'vy']);
  const chunks = await collect(replay(src, { rate: '100x', chunkSamples: 50, format: 'float64', clock: fakeClock() }));
  const data = Float64Array.from(chunks.flatMap((c) => [...c.data]));
  const aux = Float64Array.from(chunks.flatMap((c) => [...c.aux!]));
  assert.deepEqual(data, d.spikesTest.data);
  assert.deepEqual(aux, d.velocityTest.data);
  const tr = recordingSource(bytes, CHEWIE, { spikes: 'Ytr' });
  assert.equal(tr.nSamples, 1200);
});

test('recordingSource: BDF and GDF recordings replay through the same path as EDF (the readers\' samples, row-major)', { skip: skipUnlessData(BDF, GDF) }, async () => {
  for (const [path, read] of [[BDF, readEdf], [GDF, readGdf]] as const) {
    const bytes = new Uint8Array(readFileSync(path));
    const raw = Raw.fromRecording(read(bytes, path));
    const src = recordingSource(bytes, path);
    assert.equal(src.sfreq, raw.info.sfreq);
    assert.deepEqual(src.channels, raw.info.chNames);
    const chunks = await collect(replay(src, { rate: 1e6, format: 'float64', clock: fakeClock() }));
    const C = raw.nChannels;
    const flat = Float64Array.from(chunks.flatMap((c) => [...c.data]));
    assert.equal(flat.length, C * raw.nTimes);
    for (let i = 0; i < raw.nTimes; i += 97) for (let j = 0; j < C; j++) assert.equal(flat[i * C + j], raw.data[j]![i], `${path} sample ${i} channel ${j}`);
  }
});

test('recordingSource: a file that is not a recording is a FormatError naming it; spike options on EEG are refused', { skip: skipUnlessData(EDF) }, () => {
  assert.throws(() => recordingSource(new TextEncoder().encode('hello, not a recording at all'), 'notes.txt'), (e: unknown) => e instanceof FormatError && /notes\.txt/.test(e.message));
  assert.throws(() => recordingSource(new Uint8Array(readFileSync(EDF)), EDF, { binWidth: 0.02 }), (e: unknown) => e instanceof ArgumentError && /binWidth/.test(e.message));
});
