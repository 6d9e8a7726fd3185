// Block inference (inferBlocks, segmentVolume's path for models with input statistics): without
// input statistics and with a margin covering the receptive field it equals one whole-volume pass
// away from the volume's edge (within the reach of the edge a block reads zeros where a whole pass
// pads every layer with zeros); a U-Net in one block equals its whole-volume pass; in several
// blocks it differs by the per-block GroupNorm statistics (an untrained U-Net's logits are close
// to ties, so agreement is loose here: ≥ 60 %; the trained one's is measured in bench/README);
// cores without signal are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeshNet } from '../../src/models/meshnet.js';
import { UNet3d } from '../../src/models/unet3d.js';
import { inferBlocks, inferTiled, segmentVolume, usesInputStatistics } from '../../src/models/segment_volume.js';
import { randn } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/random.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

/** A smooth random volume (a 3-voxel box blur of noise), so a U-Net's labels form regions. */
function smooth(dims: [number, number, number], seed: number): Float32Array {
  manualSeed(seed);
  const [D, H, W] = dims;
  const x = randn([D * H * W]).dataSync() as Float32Array;
  const y = new Float32Array(x.length);
  for (let d = 0; d < D; d++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    let s = 0, c = 0;
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let e = -1; e <= 1; e++) {
      const dd = d + a, hh = h + b, ww = w + e;
      if (dd < 0 || hh < 0 || ww < 0 || dd >= D || hh >= H || ww >= W) continue;
      s += x[(dd * H + hh) * W + ww]!;
      c++;
    }
    y[(d * H + h) * W + w] = s / c;
  }
  return y;
}

test('inferBlocks equals one whole-volume pass for a model without input statistics (margin ≥ its reach)', () => {
  manualSeed(3);
  const m = new MeshNet({ classes: 3, channels: 4, dilations: [1, 2, 1] }).eval();
  assert.equal(usesInputStatistics(m), false);
  const dims: [number, number, number] = [20, 13, 22];
  const x = smooth(dims, 4);
  const whole = inferTiled(m, x, dims, { logits: true, splits: [1, 1, 1] });
  // reach 4 on each side: block 16 with an 8³ core leaves a margin of 4
  const b = inferBlocks(m, x, dims, { block: 16, core: 8, probabilities: true });
  assert.equal(b.blocks, 3 * 2 * 3);
  const n = 20 * 13 * 22;
  let checked = 0;
  for (let o = 0; o < n; o++) {
    const d = Math.floor(o / (13 * 22)), h = Math.floor(o / 22) % 13, w = o % 22;
    if (d < 4 || d >= 16 || h < 4 || h >= 9 || w < 4 || w >= 18) continue;
    checked++;
    assert.equal(b.labels[o], whole.labels[o]);
    let mx = -Infinity, s = 0;
    for (let k = 0; k < 3; k++) mx = Math.max(mx, whole.logits![k * n + o]!);
    for (let k = 0; k < 3; k++) s += Math.exp(whole.logits![k * n + o]! - mx);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(b.probabilities![k * n + o]! - Math.exp(whole.logits![k * n + o]! - mx) / s) < 1e-6);
  }
  assert.equal(checked, 12 * 5 * 14);
  // a margin shorter than the reach is no longer exact: the test sees block seams
  const short = inferBlocks(m, x, dims, { block: 10, core: 8, probabilities: true });
  let off = 0;
  for (let o = 0; o < n; o++) off = Math.max(off, Math.abs(short.probabilities![o]! - b.probabilities![o]!));
  assert.ok(off > 1e-3);
});

test('a U-Net in blocks: one block equals the whole volume; several stay within the documented tolerance; empty cores are skipped', () => {
  manualSeed(5);
  const u = new UNet3d({ classes: 3, baseChannels: 4, levels: 2 }).eval();
  assert.equal(usesInputStatistics(u), true);
  const dims: [number, number, number] = [32, 32, 32];
  const x = smooth(dims, 6);
  const whole = inferTiled(u, x, dims, { splits: [1, 1, 1] });
  assert.deepEqual(inferBlocks(u, x, dims, { block: 32, core: 32 }).labels, whole.labels);
  // 24³ blocks with 8³ cores (margin 8): GroupNorm statistics over 24³ blocks instead of the whole
  // 32³ volume, and context cut at 8 voxels. Tolerance for this untrained net: ≥ 60 % agree.
  const b = inferBlocks(u, x, dims, { block: 24, core: 8 });
  let same = 0;
  for (let i = 0; i < b.labels.length; i++) if (b.labels[i] === whole.labels[i]) same++;
  assert.ok(same / b.labels.length >= 0.6, `agreement ${same / b.labels.length}`);
  // a volume whose first half (d < 16) is zero: those cores are not run and are background
  const half = x.slice();
  half.fill(0, 0, 16 * 32 * 32);
  const h = inferBlocks(u, half, dims, { block: 24, core: 8, probabilities: true });
  assert.equal(h.skipped, 2 * 4 * 4);
  assert.equal(h.blocks, 2 * 4 * 4);
  for (let i = 0; i < 16 * 32 * 32; i += 97) {
    assert.equal(h.labels[i], 0);
    assert.equal(h.probabilities![i], 1);
  }
  // segmentVolume chooses blocks for the U-Net by itself, tiles for the MeshNet
  const fortran = new Float32Array(x.length);
  for (let k = 0; k < 32; k++) for (let j = 0; j < 32; j++) for (let i = 0; i < 32; i++) fortran[i + 32 * (j + 32 * k)] = x[(i * 32 + j) * 32 + k]!;
  const sv = segmentVolume(u, { data: fortran, shape: dims }, { blocks: { block: 32, core: 16 } });
  assert.equal(sv.mode, 'blocks');
  assert.equal(sv.blocks!.run, 8);
  assert.equal(segmentVolume(new MeshNet({ classes: 2, channels: 2, dilations: [1] }), { data: fortran, shape: dims }).mode, 'tiles');
});

test('inferBlocks: bad blocks, volumes and models are typed errors', () => {
  const u = new UNet3d({ classes: 2, baseChannels: 4, levels: 2 });
  const x = new Float32Array(8 ** 3).fill(1);
  assert.throws(() => inferBlocks(u, x, [8, 8, 8], { block: 8, core: 5 }), (e: Error) => e instanceof ArgumentError && /core 5/.test(e.message));
  assert.throws(() => inferBlocks(u, x, [8, 8, 8], { block: 0 }), (e: Error) => e instanceof ArgumentError && /block 0/.test(e.message));
  assert.throws(() => inferBlocks(u, x, [8, 8, 7]), (e: Error) => e instanceof ShapeError && /512 voxels given for 8x8x7/.test(e.message));
  // a block size the U-Net cannot take (not a multiple of 2)
  assert.throws(() => inferBlocks(u, x, [8, 8, 8], { block: 7, core: 5 }), ShapeError);
  assert.throws(() => inferBlocks(new UNet3d({ classes: 2, inChannels: 2, baseChannels: 4, levels: 2 }), x, [8, 8, 8]), (e: Error) => e instanceof ShapeError && /2 channels/.test(e.message));
});
