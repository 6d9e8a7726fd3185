// Dropout against PyTorch's statistics (test/golden/dropout.json, scripts/golden/dropout_reference.py):
// the random streams differ, so each case compares what must agree exactly — the two float32
// values an element can take (0 and x/(1-p)) and the gradient's scale where kept — and what must
// agree in distribution: the fraction of zeros and the mean, within 5 binomial standard deviations
// of p and of x (PyTorch's own run lies within the same bounds, which the test checks too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { full, tensor, Generator, nn, F, tidy } from '../../src/index.js';

interface Case { p: number; values: number[]; zero_fraction: number; mean: number; grad_over_upstream_where_kept: number[]; grad_zero_where_dropped: boolean }
const ref = JSON.parse(readFileSync('test/golden/dropout.json', 'utf8')) as { n: number; x: number; cases: Case[] };

for (const c of ref.cases) {
  test(`dropout p=${c.p}: values 0 and x/(1-p), zero fraction and mean as PyTorch's, gradient mask/(1-p)`, () => {
    tidy(() => {
      const { n, x: xv } = ref;
      const x = full([n], xv).requiresGrad_();
      const y = F.dropout(x, c.p, true, new Generator(7));
      const u = tensor(Float32Array.from({ length: n }, (_, i) => (i % 7) - 3));
      y.mul(u).sum().backward();
      const yv = y.dataSync();
      const g = x.grad!.dataSync();
      const uv = u.dataSync();
      const values = new Set<number>();
      let zeros = 0;
      let sum = 0;
      const ratios = new Set<number>();
      for (let i = 0; i < n; i++) {
        values.add(yv[i]!);
        sum += yv[i]!;
        if (yv[i] === 0) {
          zeros++;
          assert.ok(g[i] === 0, `gradient at dropped element ${i}: ${g[i]}`);
        } else if (uv[i] !== 0) ratios.add(Math.fround(g[i]! / uv[i]!));
      }
      assert.deepEqual([...values].sort((a, b) => a - b), c.values, 'output values');
      assert.deepEqual([...ratios], c.grad_over_upstream_where_kept, 'gradient / upstream where kept');
      assert.ok(c.grad_zero_where_dropped);
      const sdFrac = Math.sqrt((c.p * (1 - c.p)) / n);
      // y = x/(1-p)·Bernoulli(1-p): sd of the mean is x·sqrt(p/(1-p)/n)
      const sdMean = xv * Math.sqrt(c.p / (1 - c.p) / n);
      for (const [who, frac, mean] of [['dendrite', zeros / n, sum / n], ['PyTorch', c.zero_fraction, c.mean]] as const) {
        assert.ok(Math.abs(frac - c.p) < 5 * sdFrac, `${who}: zero fraction ${frac} vs p ${c.p} (5 sd = ${5 * sdFrac})`);
        assert.ok(Math.abs(mean - xv) < 5 * sdMean, `${who}: mean ${mean} vs x ${xv} (5 sd = ${5 * sdMean})`);
      }
    });
  });
}

test('nn.Dropout scales in training, is the identity in eval, and p=1 zeros everything', () => {
  tidy(() => {
    const d = new nn.Dropout(0.5);
    const x = full([1000], 2);
    const yt = d.call(x).dataSync();
    assert.ok(yt.every((v) => v === 0 || v === 4), 'training values are 0 or x/(1-p)');
    d.eval();
    assert.deepEqual(d.call(x).dataSync(), x.dataSync());
    assert.ok(F.dropout(x, 1, true).dataSync().every((v) => v === 0));
  });
});
