// RSA against rsatoolbox's definitions, computed with numpy/scipy in scripts/golden/insight_rsa.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  computeRdm, crossnobisRdm, precFromResiduals, rdmFromVector, rdmFromSquare, squareRdm, compareRdms, kendallTauA,
  bootstrapCompare, permutationTest, averageByCondition, conditionResiduals, noiseCeiling, subsampleVector, COMPARE_METHODS, type NoiseMethod,
} from '../../src/insight/rsa/index.js';
import { fromRows } from '../../src/linalg/matrix.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { assertClose } from '../helpers/close.js';

interface Golden {
  patterns: number[][];
  rdm_correlation: number[];
  rdm_euclidean: number[];
  rdm_cosine: number[];
  residuals: number[][];
  prec: Record<NoiseMethod, number[][]>;
  crossnobis_data: number[][];
  crossnobis_conditions: number[];
  crossnobis_folds: number[];
  crossnobis_identity: number[];
  crossnobis_shrinkage_diag: number[];
  crossnobis_own_diag: number[];
  crossnobis_own_shrinkage_eye: number[];
  crossnobis_own_shrinkage_diag: number[];
  cmp_a: number[];
  cmp_b: number[];
  cmp_c: number[];
  cmp_ab: Record<string, number>;
  cmp_ac: Record<string, number>;
  cmp_bc: Record<string, number>;
  nc_rdms: number[][];
  noise_ceiling: Record<string, { lower: number; upper: number }>;
  boot_pick: number[];
  boot_sub_a: number[];
  boot_spearman_ac: number;
}
const G = JSON.parse(readFileSync('test/golden/insight/rsa.json', 'utf8')) as Golden;
const flat = (rows: number[][]): number[] => rows.flat();

test('rsa RDMs: correlation, euclidean (squared / channels, as rsatoolbox) and cosine match scipy pdist', () => {
  const X = fromRows(G.patterns);
  assertClose(computeRdm(X, 'correlation').vector, G.rdm_correlation, 1e-13, 'correlation');
  assertClose(computeRdm(X, 'euclidean').vector, G.rdm_euclidean, 1e-13, 'euclidean');
  assertClose(computeRdm(X, 'cosine').vector, G.rdm_cosine, 1e-13, 'cosine');
  assert.equal(computeRdm(X).n, 6);
});

test('rsa noise precision: diag, full, shrinkage_eye and shrinkage_diag match rsatoolbox prec_from_residuals', () => {
  for (const m of ['diag', 'full', 'shrinkage_eye', 'shrinkage_diag'] as const) {
    assertClose(precFromResiduals(fromRows(G.residuals), m).data, flat(G.prec[m]), 1e-11, m);
  }
});

test('rsa crossnobis: identity and shrinkage-diag precision match rsatoolbox calc_rdm_crossnobis', () => {
  const Y = fromRows(G.crossnobis_data);
  const id = crossnobisRdm(Y, G.crossnobis_conditions, G.crossnobis_folds);
  assertClose(id.vector, G.crossnobis_identity, 1e-12, 'crossnobis identity');
  const P = precFromResiduals(fromRows(G.residuals), 'shrinkage_diag');
  assertClose(crossnobisRdm(Y, G.crossnobis_conditions, G.crossnobis_folds, { precision: P }).vector, G.crossnobis_shrinkage_diag, 1e-12, 'crossnobis shrinkage_diag');
  assert.equal(id.n, 5);
  for (const m of ['diag', 'shrinkage_eye', 'shrinkage_diag'] as const) {
    const got = crossnobisRdm(Y, G.crossnobis_conditions, G.crossnobis_folds, { noise: m });
    assertClose(got.vector, G[`crossnobis_own_${m}`], 1e-12, `crossnobis noise ${m} from residuals`);
  }
  assert.throws(() => crossnobisRdm(Y, G.crossnobis_conditions, G.crossnobis_folds, { noise: 'diag', precision: P }), ArgumentError);
});

test('rsa comparisons: spearman, tau_a, pearson, cosine, whitened cosine match scipy / the V^-1 definition', () => {
  const a = rdmFromVector(G.cmp_a);
  const b = rdmFromVector(G.cmp_b);
  const c = rdmFromVector(G.cmp_c);
  for (const [x, y, ref, name] of [[a, b, G.cmp_ab, 'ab'], [a, c, G.cmp_ac, 'ac'], [b, c, G.cmp_bc, 'bc']] as const) {
    for (const m of COMPARE_METHODS) {
      const got = compareRdms(x, y, m);
      assert.ok(Math.abs(got - ref[m]!) < 1e-12, `${name} ${m}: ${got} vs ${ref[m]}`);
    }
  }
});

test('rsa tau_a: merge-sort count equals brute force on tied vectors', () => {
  let s = 7;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) % 5);
  for (let trial = 0; trial < 20; trial++) {
    const n = 3 + trial;
    const x = Array.from({ length: n }, rnd);
    const y = Array.from({ length: n }, rnd);
    let acc = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) acc += Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
    assert.ok(Math.abs(kendallTauA(x, y) - acc / ((n * (n - 1)) / 2)) < 1e-14, `n=${n}`);
  }
});

test('rsa noise ceiling: lower (leave one subject out) and upper (all subjects) bounds for every method', () => {
  const rdms = G.nc_rdms.map((v) => rdmFromVector(v));
  for (const m of COMPARE_METHODS) {
    const nc = noiseCeiling(rdms, m);
    const ref = G.noise_ceiling[m]!;
    assert.ok(Math.abs(nc.lower - ref.lower) < 1e-12, `${m} lower ${nc.lower} vs ${ref.lower}`);
    assert.ok(Math.abs(nc.upper - ref.upper) < 1e-12, `${m} upper ${nc.upper} vs ${ref.upper}`);
    assert.ok(nc.lower <= nc.upper, `${m}: lower bound above upper`);
  }
});

test('rsa bootstrap: a resample with repeated conditions drops their pairs; seeded runs repeat', () => {
  const a = rdmFromVector(G.cmp_a);
  const c = rdmFromVector(G.cmp_c);
  assertClose(subsampleVector(a.vector, 7, G.boot_pick), G.boot_sub_a, 0, 'subsample');
  const r1 = bootstrapCompare(a, c, 'spearman', { nBoot: 200, seed: 3 });
  const r2 = bootstrapCompare(a, c, 'spearman', { nBoot: 200, seed: 3 });
  assert.deepEqual(r1.samples, r2.samples);
  assert.ok(r1.ci95[0] <= r1.value && r1.value <= r1.ci95[1], `value ${r1.value} outside ${r1.ci95}`);
  assert.ok(r1.se > 0 && r1.se < 0.5, `se ${r1.se}`);
  // identical RDMs: every bootstrap sample correlates perfectly
  const same = bootstrapCompare(a, a, 'pearson', { nBoot: 50, seed: 1 });
  for (const v of same.samples) assert.ok(Math.abs(v - 1) < 1e-12);
  // whitened cosine: over the distinct conditions drawn, so identical RDMs still give exactly 1
  const w = bootstrapCompare(a, a, 'whitened_cosine', { nBoot: 50, seed: 2 });
  for (const v of w.samples) assert.ok(Math.abs(v - 1) < 1e-12, `whitened ${v}`);
  const wc = bootstrapCompare(a, c, 'whitened_cosine', { nBoot: 100, seed: 2 });
  assert.ok(wc.se > 0 && wc.ci95[0] < wc.value + 0.2 && Number.isFinite(wc.mean));
});

test('rsa averageByCondition: means in ascending label order, residuals with dof = observations - conditions', () => {
  const { means, conditions, counts } = averageByCondition(fromRows([[1, 2], [3, 4], [10, 0], [5, 6]]), [2, 2, 0, 2]);
  assert.deepEqual(conditions, [0, 2]);
  assert.deepEqual(counts, [1, 3]);
  assert.deepEqual([...means.data], [10, 0, 3, 4]);
  const r = conditionResiduals(fromRows([[1, 2], [3, 4], [10, 0], [5, 6]]), [2, 2, 0, 2]);
  assert.equal(r.dof, 2);
  assert.deepEqual([...r.residuals.data], [-2, -2, 0, 0, 0, 0, 2, 2]);
});

test('rsa permutation test: related RDMs beat relabelled ones, unrelated do not; seeded', () => {
  const n = 12;
  const pts = Array.from({ length: n }, (_, i) => [Math.cos(i), Math.sin(2 * i), i / n]);
  const a = computeRdm(fromRows(pts), 'euclidean');
  const noisy = computeRdm(fromRows(pts.map((p, i) => [p[0]! + 0.1 * Math.sin(7 * i), p[1]!, p[2]!])), 'euclidean');
  const r = permutationTest(a, noisy, 'spearman', { nPerm: 500, seed: 5 });
  assert.ok(r.p < 0.01, `p ${r.p}`);
  assert.equal(r.p, permutationTest(a, noisy, 'spearman', { nPerm: 500, seed: 5 }).p);
  const other = computeRdm(fromRows(pts.map((_, i) => [Math.sin(5.3 * i * i), Math.cos(3.1 * i)])), 'euclidean');
  const q = permutationTest(a, other, 'spearman', { nPerm: 500, seed: 5 });
  assert.ok(q.p > 0.05, `unrelated p ${q.p}`);
});

test('rsa square/condensed round trip', () => {
  const a = rdmFromVector(G.cmp_a);
  assert.deepEqual(rdmFromSquare(squareRdm(a), 7).vector, a.vector);
});

test('rsa typed errors: mismatched conditions, NaN input, too few conditions, bad folds', () => {
  const a = rdmFromVector(G.cmp_a);
  const small = rdmFromVector([1, 2, 3]);
  assert.throws(() => compareRdms(a, small, 'spearman'), (e: unknown) => e instanceof ShapeError && /7 .* vs 3/.test(e.message));
  assert.throws(() => rdmFromVector([1, NaN, 3]), (e: unknown) => e instanceof ArgumentError && /NaN at index 1/.test(e.message));
  assert.throws(() => computeRdm(fromRows([[1, 2], [NaN, 3]]), 'euclidean'), (e: unknown) => e instanceof ArgumentError && /NaN/.test(e.message));
  assert.throws(() => computeRdm(fromRows([[1, 2, 3]]), 'euclidean'), (e: unknown) => e instanceof ArgumentError && /1 conditions/.test(e.message));
  assert.throws(() => compareRdms(rdmFromVector([1]), rdmFromVector([2]), 'pearson'), (e: unknown) => e instanceof ArgumentError && /2 conditions/.test(e.message));
  assert.throws(() => rdmFromVector([1, 2]), ShapeError);
  assert.throws(() => computeRdm(fromRows([[1, 1], [1, 2]]), 'correlation'), (e: unknown) => e instanceof ArgumentError && /condition 0 .*constant/.test(e.message));
  assert.throws(() => noiseCeiling([a], 'spearman'), (e: unknown) => e instanceof ArgumentError && /1 RDM/.test(e.message));
  const Y = fromRows(G.crossnobis_data);
  assert.throws(() => crossnobisRdm(Y, G.crossnobis_conditions, G.crossnobis_conditions.map(() => 0)), (e: unknown) => e instanceof ArgumentError && /1 fold/.test(e.message));
  assert.throws(() => crossnobisRdm(Y, G.crossnobis_conditions.slice(1), G.crossnobis_folds), ShapeError);
  const folds = G.crossnobis_folds.slice();
  folds[0] = 1;
  folds[1] = 1;
  assert.throws(() => crossnobisRdm(Y, G.crossnobis_conditions, folds), (e: unknown) => e instanceof ArgumentError && /condition 0 has no observation in fold 0/.test(e.message));
  assert.throws(() => bootstrapCompare(a, a, 'spearman', { nBoot: 0 }), ArgumentError);
  assert.throws(() => compareRdms(a, a, 'bogus' as never), ArgumentError);
});
