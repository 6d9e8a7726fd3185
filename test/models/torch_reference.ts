// Whole-model checks against the plain-PyTorch replicas of Braindecode's nets
// (scripts/golden/eeg_models.py and cropped_reference.py → test/golden/eeg_models/): eval-mode
// logits with the stored running statistics, train-mode logits (dropout p=0, BatchNorm on batch
// statistics), the loss (cross-entropy, or CroppedLoss for dense models), every parameter
// gradient and the updated BatchNorm running statistics.
// Tolerances (fp32 against fp32, different summation orders), measured on these fixtures:
// eval logits atol 1e-6 + rtol 1e-5; train logits 5e-6 + 5e-5 (Deep4 in train mode normalises
// by batch statistics of 2 examples four times over, which amplifies rounding: 3.2e-6 on a logit
// of 0.021); loss rtol 1e-5; running statistics atol 1e-6 + rtol 1e-5; gradients atol 5e-6·G +
// rtol 1e-4, G = the largest |gradient| over the whole net (some gradients are zero in exact
// arithmetic and only rounding noise in both libraries, e.g. a bias in front of a train-mode
// BatchNorm: 1.2e-6 in PyTorch against -4e-7 here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Tensor } from '../../src/index.js';
import { deserializeStateDict } from '../../src/io/state_dict.js';
import { toDensePredictionModel } from '../../src/models/index.js';
import { croppedLoss } from '../../src/decode/cropped.js';
import type { Module } from '../../src/nn/module.js';

const DIR = 'test/golden/eeg_models';
export interface Meta { n_params: number; state_keys: string[]; input_shape: number[]; logits_shape: number[]; loss: number; receptive_field?: number | null }

export function load(name: string): { meta: Meta; state: Record<string, Tensor>; ref: Record<string, Tensor> } {
  const st = (f: string) => deserializeStateDict(new Uint8Array(readFileSync(`${DIR}/${f}`)), f).stateDict;
  return { meta: JSON.parse(readFileSync(`${DIR}/${name}.json`, 'utf8')) as Meta, state: st(`${name}_state.safetensors`), ref: st(`${name}_ref.safetensors`) };
}

export function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${name}[${i}]: got ${g}, PyTorch ${w} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Checks golden case `name` against models from `make(dropProb?)`; `dense` converts them first (CroppedLoss, receptive field). */
export function checkAgainstTorch(name: string, make: (dropProb?: number) => Module, dense = false): void {
  const { meta, state, ref } = load(name);
  const x = ref.input!;
  const prep = (m: Module): Module => {
    m.loadStateDict(state);
    return dense ? toDensePredictionModel(m) : m;
  };

  // eval mode, with the stored running statistics
  const m = prep(make());
  m.eval();
  const le = m.call(x);
  assert.deepEqual(le.shape, meta.logits_shape);
  close(`${name} eval logits`, le.dataSync(), ref.logits_eval!.dataSync(), 1e-6, 1e-5);
  if (dense) assert.equal((m as unknown as { receptiveField: number }).receptiveField, meta.receptive_field);

  // train mode, dropout off: BatchNorm on batch statistics
  const t = prep(make(0));
  t.train();
  const lt = t.call(x);
  close(`${name} train logits`, lt.dataSync(), ref.logits_train!.dataSync(), 5e-6, 5e-5);
  const loss = croppedLoss(lt, ref.target!); // cross-entropy for (B, K) logits
  close(`${name} loss`, [loss.item()], [meta.loss], 0, 1e-5);
  loss.backward();
  let scale = 0;
  for (const [k] of t.namedParameters()) for (const v of ref[`grad.${k}`]!.dataSync()) scale = Math.max(scale, Math.abs(v));
  for (const [k, p] of t.namedParameters()) close(`${name} grad ${k}`, p.grad!.dataSync(), ref[`grad.${k}`]!.dataSync(), 5e-6 * scale, 1e-4);
  for (const [k, b] of Object.entries(t.stateDict())) {
    if (k.includes('running_') || k.endsWith('num_batches_tracked')) close(`${name} ${k} after the step`, b.dataSync(), ref[`after.${k}`]!.dataSync(), 1e-6, 1e-5);
  }
}
