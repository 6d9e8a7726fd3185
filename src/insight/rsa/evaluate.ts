// Model RDMs against a set of subject RDMs: each model compared with the subjects' mean RDM, a
// bootstrap over conditions for its standard error, a permutation p-value, and the subjects'
// noise ceiling on the same measure — the table of an RSA model comparison.

import { ArgumentError } from '../../errors.js';
import { compareRdms, type CompareMethod } from './compare.js';
import { bootstrapCompare, noiseCeiling, permutationTest, type NoiseCeiling } from './inference.js';
import type { Rdm } from './rdm.js';

export interface ModelScore {
  readonly name: string;
  readonly value: number;
  readonly se: number;
  readonly ci95: readonly [number, number];
  readonly p: number;
}

export interface ModelComparison {
  readonly method: CompareMethod;
  readonly noiseCeiling: NoiseCeiling;
  readonly models: ModelScore[];
  readonly nBoot: number;
  readonly nPerm: number;
}

/** Element-wise mean of RDMs over the same conditions. */
export function meanRdm(rdms: readonly Rdm[]): Rdm {
  if (rdms.length === 0) throw new ArgumentError('meanRdm: no RDMs');
  const n = rdms[0]!.n;
  const v = new Float64Array(rdms[0]!.vector.length);
  for (const r of rdms) {
    if (r.n !== n) throw new ArgumentError(`meanRdm: RDMs over ${n} and ${r.n} conditions`);
    for (let i = 0; i < v.length; i++) v[i]! += r.vector[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i]! /= rdms.length;
  return { n, vector: v };
}

export interface EvaluateOptions {
  readonly method?: CompareMethod;
  readonly nBoot?: number;
  readonly nPerm?: number;
  readonly seed?: number;
}

/** Compares each named model RDM with the mean of `subjects`; bootstrap and permutation are seeded. */
export function evaluateModels(subjects: readonly Rdm[], models: readonly { name: string; rdm: Rdm }[], opts: EvaluateOptions = {}): ModelComparison {
  const method = opts.method ?? 'spearman';
  const nBoot = opts.nBoot ?? 200;
  const nPerm = opts.nPerm ?? 200;
  const seed = opts.seed ?? 0;
  const nc = noiseCeiling(subjects, method);
  const target = meanRdm(subjects);
  const rows = models.map(({ name, rdm }) => {
    const value = compareRdms(rdm, target, method);
    const b = bootstrapCompare(rdm, target, method, { nBoot, seed });
    const p = permutationTest(rdm, target, method, { nPerm, seed }).p;
    return { name, value, se: b.se, ci95: b.ci95, p };
  });
  return { method, noiseCeiling: nc, models: rows, nBoot, nPerm };
}
