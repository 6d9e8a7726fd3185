// Raw, eventsFromAnnotations and Epochs against MNE on the real EEGMMIDB run S001R04
// (test/golden/neuro/epochs_S001R04.json from scripts/golden/epochs_reference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dataPath, skipMissing } from '../helpers/data.js';
import { readEdf } from '../../src/io/edf/index.js';
import { Raw, Epochs, eventsFromAnnotations, type EpochsOptions } from '../../src/neuro/index.js';
import { ArgumentError } from '../../src/errors.js';

const file = dataPath('eeg/eegmmidb/S001R04.edf');
const ref = JSON.parse(readFileSync('test/golden/neuro/epochs_S001R04.json', 'utf8'));

function load(): Raw {
  return Raw.fromRecording(readEdf(new Uint8Array(readFileSync(file)), file));
}

test('Raw from EDF and eventsFromAnnotations match MNE', (t) => {
  if (skipMissing(t, file)) return;
  const raw = load();
  assert.equal(raw.info.sfreq, ref.sfreq);
  assert.equal(raw.nTimes, ref.n_times);
  assert.deepEqual(raw.info.chNames, ref.ch_names);
  const { events, eventId } = eventsFromAnnotations(raw);
  assert.deepEqual(eventId, ref.event_id);
  assert.deepEqual(events.map((e) => [e.sample, e.previous, e.id]), ref.events);
});

interface Case { name: string; kwargs: Record<string, unknown>; shape: number[]; tmin: number; kept_events: number[][]; drop_log: string[][]; epoch_sums: number[]; spots: number[][] }

for (const c of ref.cases as Case[]) {
  test(`Epochs ${c.name} match MNE (shape, drop log, every epoch's sum, spot values)`, (t) => {
    if (skipMissing(t, file)) return;
    const raw = load();
    const { events, eventId } = eventsFromAnnotations(raw);
    const k = c.kwargs as { tmin: number; tmax: number; baseline: [number | null, number | null] | null; decim?: number; reject?: { eeg: number }; flat?: { eeg: number } };
    const opts: EpochsOptions = { tmin: k.tmin, tmax: k.tmax, baseline: k.baseline, ...(k.decim ? { decim: k.decim } : {}), ...(k.reject ? { reject: k.reject } : {}), ...(k.flat ? { flat: k.flat } : {}) };
    const ep = new Epochs(raw, events, eventId, opts);
    assert.deepEqual(ep.shape, c.shape);
    assert.ok(Math.abs(ep.tmin - c.tmin) < 1e-12);
    assert.deepEqual(ep.events.map((e) => [e.sample, e.previous, e.id]), c.kept_events);
    // MNE names the offending channels in the drop log as we do; NO_DATA for epochs off the edges
    assert.deepEqual(ep.dropLog, c.drop_log);
    const n = ep.nChannels * ep.nTimes;
    c.epoch_sums.forEach((want, e) => {
      let s = 0;
      for (let i = e * n; i < (e + 1) * n; i++) s += ep.data[i]!;
      assert.ok(Math.abs(s - want) <= 1e-9 + 1e-9 * Math.abs(want), `epoch ${e} sum ${s} vs MNE ${want}`);
    });
    for (const [e, ch, tt, want] of c.spots) {
      const got = ep.data[(e! * ep.nChannels + ch!) * ep.nTimes + tt!]!;
      assert.ok(Math.abs(got - want!) <= 1e-12 + 1e-9 * Math.abs(want!), `epoch ${e} channel ${ch} sample ${tt}: ${got} vs MNE ${want}`);
    }
  });
}

test('Epochs reject bad arguments with clear errors', (t) => {
  if (skipMissing(t, file)) return;
  const raw = load();
  const { events, eventId } = eventsFromAnnotations(raw);
  assert.throws(() => new Epochs(raw, events, eventId, { tmin: 1, tmax: 0 }), ArgumentError);
  assert.throws(() => new Epochs(raw, events, { T9: 9 }), /event id T9=9 not found/);
  assert.throws(() => new Epochs(raw, events, eventId, { baseline: [2, 3], tmin: 0, tmax: 1 }), /baseline/);
  assert.throws(() => raw.pick(['Nope']), /no channel "Nope"/);
});

test('Raw.filter, notchFilter and resample match MNE on S001R04', (t) => {
  if (skipMissing(t, file)) return;
  const raw = load();
  const ops: Record<string, () => Raw> = {
    filter_7_30: () => raw.filter(7, 30),
    highpass_1: () => raw.filter(1, null),
    notch_60: () => raw.notchFilter(60),
    resample_100: () => raw.resample(100),
  };
  for (const [name, make] of Object.entries(ops)) {
    const want = ref.raw_ops[name];
    const r = make();
    assert.equal(r.nTimes, want.n_times, `${name}: n_times`);
    assert.equal(r.info.sfreq, want.sfreq, `${name}: sfreq`);
    const d = r.getData({ picks: [0, 10, 63] });
    d.forEach((row, c) => {
      const s = row.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - want.sums[c]) <= 1e-9 * want.abs_sums[c], `${name}: channel ${c} sum ${s} vs MNE ${want.sums[c]}`);
    });
    for (const [c, i, v] of want.values as number[][]) {
      const got = d[c!]![i!]!;
      assert.ok(Math.abs(got - v!) <= 1e-12 + 1e-8 * Math.abs(v!), `${name}: channel ${c} sample ${i}: ${got} vs MNE ${v}`);
    }
  }
});
