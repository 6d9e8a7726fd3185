// Braindecode-style augmentations on synthetic signals with exact expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelsDropout, Compose, FTSurrogate, FrequencyShift, GaussianNoise, SignFlip, SmoothTimeMask, TimeReverse, augmentation, type Transform } from '../../src/decode/augment.js';
import { rfft } from '../../src/signal/fft.js';
import { Generator } from '../../src/tensor/random.js';
import { fromValues, type Tensor } from '../../src/tensor/tensor.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const B = 4, C = 3, T = 128;
function batch(seed = 1): { t: Tensor; v: Float32Array } {
  const g = new Generator(seed);
  const v = Float32Array.from({ length: B * C * T }, () => g.normal());
  return { t: fromValues(v, [B, C, T], 'float32'), v };
}
const arr = (t: Tensor) => Float64Array.from(t.dataSync());

test('p = 0 is the identity (new tensor, same values) for every transform', () => {
  const { t, v } = batch();
  const all: Transform[] = [new TimeReverse({ probability: 0 }), new SignFlip({ probability: 0 }), new GaussianNoise({ probability: 0 }), new ChannelsDropout({ probability: 0 }), new FrequencyShift({ probability: 0, sfreq: 100 }), new FTSurrogate({ probability: 0 }), new SmoothTimeMask({ probability: 0, maskLenSamples: 10 })];
  for (const tr of all) {
    const [out] = tr.forward(t);
    assert.notEqual(out, t);
    assert.equal(out.dtype, 'float32');
    assert.deepEqual(out.shape, [B, C, T]);
    assert.deepEqual(out.dataSync(), v, tr.constructor.name);
  }
});

test('time reverse flips the time axis; twice is the identity', () => {
  const { t, v } = batch();
  const tr = new TimeReverse({ probability: 1 });
  const [r] = tr.forward(t);
  const d = r.dataSync();
  for (let row = 0; row < B * C; row++) for (let i = 0; i < T; i++) assert.equal(d[row * T + i], v[row * T + T - 1 - i]);
  const [rr] = tr.forward(r);
  assert.deepEqual(rr.dataSync(), v);
});

test('sign flip negates; y passes through', () => {
  const { t, v } = batch();
  const y = [0, 1, 0, 1];
  const [r, y2] = new SignFlip({ probability: 1 }).forward(t, y);
  assert.equal(y2, y);
  assert.deepEqual(r.dataSync(), v.map((x) => -x));
});

test('probability selects whole samples; seeded transforms are reproducible', () => {
  const { t, v } = batch();
  const [a] = new SignFlip({ probability: 0.5, seed: 3 }).forward(t);
  const [b] = new SignFlip({ probability: 0.5, seed: 3 }).forward(t);
  assert.deepEqual(a.dataSync(), b.dataSync());
  const d = a.dataSync();
  let flipped = 0;
  for (let s = 0; s < B; s++) {
    const same = d.subarray(s * C * T, (s + 1) * C * T).every((x, i) => x === v[s * C * T + i]);
    const neg = d.subarray(s * C * T, (s + 1) * C * T).every((x, i) => x === -v[s * C * T + i]!);
    assert.ok(same !== neg, `sample ${s} is either untouched or flipped`);
    if (neg) flipped++;
  }
  // over many draws the fraction transformed is p
  const big = fromValues(new Float32Array(1000 * 1 * 2).fill(1), [1000, 1, 2], 'float32');
  const [o] = new SignFlip({ probability: 0.3, seed: 9 }).forward(big);
  const frac = Array.from(o.dataSync()).filter((x) => x < 0).length / 2000;
  assert.ok(Math.abs(frac - 0.3) < 0.05, `fraction ${frac}`);
  assert.ok(flipped >= 0);
  // apply(x, y, gen) draws from the given generator
  const [c] = new SignFlip({ probability: 0.5 }).apply(t, null, new Generator(3));
  assert.deepEqual(c.dataSync(), a.dataSync());
});

test('gaussian noise has the requested std and zero mean', () => {
  const x = fromValues(new Float32Array(8 * 4 * 1000), [8, 4, 1000], 'float32');
  const [r] = new GaussianNoise({ probability: 1, std: 0.5, seed: 2 }).forward(x);
  const d = arr(r);
  const m = d.reduce((a, b) => a + b, 0) / d.length;
  const s = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length);
  assert.ok(Math.abs(m) < 0.01 && Math.abs(s - 0.5) < 0.01, `mean ${m} std ${s}`);
});

test('channels dropout zeroes whole channels at rate pDrop and leaves the others intact', () => {
  const x = fromValues(new Float32Array(200 * 10 * 4).fill(2), [200, 10, 4], 'float32');
  const [r] = new ChannelsDropout({ probability: 1, pDrop: 0.25, seed: 5 }).forward(x);
  const d = r.dataSync();
  let dropped = 0;
  for (let row = 0; row < 2000; row++) {
    const ch = Array.from(d.subarray(row * 4, row * 4 + 4));
    assert.ok(ch.every((u) => u === 0) || ch.every((u) => u === 2));
    if (ch[0] === 0) dropped++;
  }
  assert.ok(Math.abs(dropped / 2000 - 0.25) < 0.03, `dropped ${dropped / 2000}`);
});

function peakBin(x: ArrayLike<number>): number {
  const f = rfft(x);
  let best = 0;
  for (let k = 1; k < f.re.length; k++) if (Math.hypot(f.re[k]!, f.im[k]!) > Math.hypot(f.re[best]!, f.im[best]!)) best = k;
  return best;
}

test('frequency shift moves the spectral peak of a sinusoid by the shift', () => {
  // T = 256 samples at 256 Hz: 1 Hz bins; 20 Hz sine, shifts up to ±5 Hz
  const sf = 256, n = 256, nb = 6;
  const v = new Float32Array(nb * 1 * n);
  for (let b = 0; b < nb; b++) for (let t = 0; t < n; t++) v[b * n + t] = Math.sin((2 * Math.PI * 20 * t) / sf);
  const x = fromValues(v, [nb, 1, n], 'float32');
  const gen = new Generator(11);
  // the shifts drawn are uniform in [-5, 5]: replay them from a twin generator
  const twin = new Generator(11);
  for (let b = 0; b < nb; b++) twin.random(); // the p = 1 Bernoulli draws
  const deltas = Array.from({ length: nb }, () => twin.random() * 10 - 5);
  const [r] = new FrequencyShift({ probability: 1, sfreq: sf, maxDeltaFreq: 5 }).apply(x, null, gen);
  const d = arr(r);
  for (let b = 0; b < nb; b++) {
    const row = d.subarray(b * n, (b + 1) * n);
    assert.equal(peakBin(row), Math.round(20 + deltas[b]!), `sample ${b}: shift ${deltas[b]}`);
    // away from the edges, the shifted signal is the sinusoid at 20 + δ Hz
    for (let t = 40; t < n - 40; t++) {
      const want = Math.sin((2 * Math.PI * (20 + deltas[b]!) * t) / sf);
      assert.ok(Math.abs(row[t]! - want) < 0.05, `t=${t}: ${row[t]} vs ${want}`);
    }
  }
  // an exact-bin sine over a power-of-two length shifts exactly by a whole bin
  const one = fromValues(Float32Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 20 * t) / sf)), [1, 1, n], 'float32');
  const tw = new Generator(0);
  tw.random();
  const u = tw.random();
  // pick maxDeltaFreq so that δ = u·2m − m = 3 exactly: m = 3 / (2u − 1)
  const m = 3 / (2 * u - 1);
  const [s] = new FrequencyShift({ probability: 1, sfreq: sf, maxDeltaFreq: Math.abs(m) }).apply(one, null, new Generator(0));
  const ds = arr(s);
  const delta = u * 2 * Math.abs(m) - Math.abs(m);
  for (let t = 0; t < n; t++) assert.ok(Math.abs(ds[t]! - Math.cos((2 * Math.PI * (20 + delta) * t) / sf)) < 1e-5);
});

test('FT surrogate preserves the amplitude spectrum and changes the phases', () => {
  for (const n of [128, 127]) {
    const g = new Generator(4);
    const v = Float32Array.from({ length: 2 * 3 * n }, () => g.normal());
    const x = fromValues(v, [2, 3, n], 'float32');
    for (const channelIndep of [false, true]) {
      const [r] = new FTSurrogate({ probability: 1, phaseNoiseMagnitude: 1, channelIndep, seed: 8 }).forward(x);
      const d = arr(r);
      let changed = 0;
      for (let row = 0; row < 6; row++) {
        const a = rfft(Float64Array.from(v.subarray(row * n, (row + 1) * n)));
        const b = rfft(d.subarray(row * n, (row + 1) * n));
        for (let k = 0; k < a.re.length; k++) {
          const ma = Math.hypot(a.re[k]!, a.im[k]!);
          const mb = Math.hypot(b.re[k]!, b.im[k]!);
          assert.ok(Math.abs(ma - mb) < 1e-4 * (1 + ma), `n=${n} bin ${k}: ${ma} vs ${mb}`);
        }
        for (let i = 0; i < n; i++) if (Math.abs(d[row * n + i]! - v[row * n + i]!) > 1e-3) changed++;
      }
      assert.ok(changed > n, 'the signal changed');
    }
    // phase noise 0 is the identity (up to float32 rounding)
    const [z] = new FTSurrogate({ probability: 1, phaseNoiseMagnitude: 0, seed: 1 }).forward(x);
    const dz = z.dataSync();
    for (let i = 0; i < v.length; i++) assert.ok(Math.abs(dz[i]! - v[i]!) < 1e-5);
  }
});

test('FT surrogate with shared phases applies the same phase rotation to every channel', () => {
  // two identical channels stay identical when channelIndep is false, differ when true
  const n = 64;
  const row = Float32Array.from({ length: n }, (_, t) => Math.sin(t / 3) + Math.cos(t / 7));
  const v = new Float32Array(2 * n);
  v.set(row, 0);
  v.set(row, n);
  const x = fromValues(v, [1, 2, n], 'float32');
  const [a] = new FTSurrogate({ probability: 1, seed: 2 }).forward(x);
  const da = a.dataSync();
  for (let t = 0; t < n; t++) assert.equal(da[t], da[n + t]);
  const [b] = new FTSurrogate({ probability: 1, seed: 2, channelIndep: true }).forward(x);
  const db = b.dataSync();
  assert.ok(Array.from({ length: n }, (_, t) => Math.abs(db[t]! - db[n + t]!)).some((e) => e > 1e-3));
});

test('smooth time mask zeroes a window of maskLenSamples and keeps the rest', () => {
  const n = 100, L = 20;
  const x = fromValues(new Float32Array(5 * 2 * n).fill(1), [5, 2, n], 'float32');
  const twin = new Generator(6);
  for (let b = 0; b < 5; b++) twin.random();
  const starts = Array.from({ length: 5 }, () => twin.random() * (n - L));
  const [r] = new SmoothTimeMask({ probability: 1, maskLenSamples: L }).apply(x, null, new Generator(6));
  const d = r.dataSync();
  for (let b = 0; b < 5; b++) {
    const s = starts[b]!;
    for (let c = 0; c < 2; c++) for (let t = 0; t < n; t++) {
      const v = d[(b * 2 + c) * n + t]!;
      if (t > s + 2 && t < s + L - 2) assert.ok(v < 1e-8, `inside the window: ${v}`);
      if (t < s - 2 || t > s + L + 2) assert.ok(Math.abs(v - 1) < 1e-8, `outside the window: ${v}`);
    }
    // about L samples are masked
    const masked = Array.from(d.subarray(b * 2 * n, b * 2 * n + n)).reduce((a, v) => a + (1 - v), 0);
    assert.ok(Math.abs(masked - L) < 1e-4, `masked mass ${masked}`);
  }
});

test('Compose and the decode.fit hook chain transforms; bad arguments are refused', () => {
  const { t, v } = batch();
  const [r] = new Compose([new SignFlip({ probability: 1 }), new TimeReverse({ probability: 1 })]).forward(t);
  const d = r.dataSync();
  for (let row = 0; row < B * C; row++) for (let i = 0; i < T; i++) assert.equal(d[row * T + i], -v[row * T + T - 1 - i]!);
  const hook = augmentation(new SignFlip({ probability: 1 }), new SignFlip({ probability: 1 }));
  const y = fromValues([0, 1, 0, 1], [4], 'int32');
  const [xa, ya] = hook(t, y, new Generator(0));
  assert.equal(ya, y);
  assert.deepEqual(xa.dataSync(), v);
  assert.throws(() => new SignFlip({ probability: 1.5 }), ArgumentError);
  assert.throws(() => new ChannelsDropout({ pDrop: -1 }), ArgumentError);
  assert.throws(() => new FrequencyShift({ sfreq: 0 }), ArgumentError);
  assert.throws(() => new SignFlip().forward(fromValues([1, 2], [2], 'float32')), ShapeError);
  assert.throws(() => new SmoothTimeMask({ probability: 1, maskLenSamples: 500 }).forward(t), ArgumentError);
});
