// Full-volume brainchop inference: a MeshNet (default model5_gw_ae; BRAINCHOP_MODEL=model18cls)
// on the conformed 256³ T1 (mri/brainchop/t1_crop.nii.gz), dendrite against PyTorch CPU (the
// same weights in torch conv3d, bench/peers/brainchop_torch.py) at the same thread count, and
// TF.js. TF.js needs about ten minutes for the whole volume here, so it runs on a BENCH_TFJS_BLOCK³
// block (default 64) and its time is scaled by the voxel ratio — an estimate, said so in the table.
// Each contender runs once after a warm-up (a full volume is seconds to minutes; medians of
// several would take too long on a shared machine); dendrite's labels are compared with
// PyTorch's over the whole volume.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '../src/io/nifti/index.js';
import { readTfjsLayersModel } from '../src/node/tfjs.js';
import { segmentVolume } from '../src/models/segment_volume.js';
import { getNumThreads } from '../src/kernels/wasm/index.js';
import { backend, threadsReady } from '../src/kernels/registry.js';
import { heap } from '../src/kernels/heap.js';

const DATA = process.env['DENDRITE_DATA'] ?? '../shared/data';
const name = process.env['BRAINCHOP_MODEL'] ?? 'model5_gw_ae';
const t1Path = join(DATA, 'mri/brainchop/t1_crop.nii.gz');
const modelDir = join(DATA, 'mri/brainchop/models', name);
if (!existsSync(t1Path) || !existsSync(modelDir)) {
  console.log(`brainchop data not found under ${DATA} (set DENDRITE_DATA)`);
  process.exit(0);
}
const block = Number(process.env['BENCH_TFJS_BLOCK'] ?? 64);
const tfjsBackends = (process.env['BENCH_TFJS_BACKENDS'] ?? 'cpu,wasm').split(',').filter(Boolean);

const img = readNifti(readFileSync(t1Path), t1Path);
const shape = img.shape as [number, number, number];
const model = readTfjsLayersModel(modelDir);
const threads = await threadsReady();
console.log(`${name} (${model.parameters().reduce((a, p) => a + p.numel, 0)} parameters) on ${shape.join('×')}, dendrite ${backend().name}, ${getNumThreads()} threads (${threads} taking tasks)`);

// dendrite: warm-up on a 32³ block, then the whole volume
segmentVolume(model, { data: new Uint8Array(32 ** 3).map((_, i) => i % 251), shape: [32, 32, 32] });
const hw0 = heap().highWater;
let t0 = performance.now();
const seg = segmentVolume(model, { data: img.data as ArrayLike<number>, shape });
const dendriteS = (performance.now() - t0) / 1000;
const heapMiB = (heap().highWater - hw0) / 2 ** 20;
const counts = Array.from({ length: seg.classes }, () => 0);
for (const l of seg.labels) counts[l]!++;
console.log(`dendrite: ${dendriteS.toFixed(1)} s, ${seg.splits.join('×')} tiles, heap grew ${heapMiB.toFixed(0)} MiB, label counts ${counts.join(' ')}`);

// PyTorch at the same thread count (OMP_WAIT_POLICY=PASSIVE: OpenMP threads sleep, not spin)
const rows: [string, string, string][] = [[`dendrite (${backend().name})`, `${getNumThreads()}`, `${dendriteS.toFixed(1)} s`]];
const labelsPath = join(tmpdir(), `dendrite-brainchop-${process.pid}.u8`);
const env = { ...process.env, OMP_NUM_THREADS: String(getNumThreads()), OPENBLAS_NUM_THREADS: String(getNumThreads()), MKL_NUM_THREADS: String(getNumThreads()), OMP_WAIT_POLICY: 'PASSIVE' };
t0 = performance.now();
// BENCH_TORCH=0 skips PyTorch (e.g. to time model18cls's tiled run alone)
const py = process.env['BENCH_TORCH'] === '0' ? null : spawnSync('/usr/bin/python3', ['bench/peers/brainchop_torch.py', JSON.stringify({ model: name, threads: getNumThreads(), labels: labelsPath })], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
if (py === null) {
  console.log('PyTorch skipped (BENCH_TORCH=0)');
} else if (py.status === 0) {
  const r = JSON.parse(py.stdout.trim().split('\n').pop()!) as { torch: string; threads: number; seconds: number };
  rows.push([`PyTorch ${r.torch} CPU`, `${r.threads}`, `${r.seconds.toFixed(1)} s`]);
  // dendrite's labels are in NIfTI order (i fastest); torch wrote (i, j, k) C-order
  const tl = new Uint8Array(readFileSync(labelsPath));
  const [nx, ny, nz] = shape;
  let same = 0;
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) {
    if (seg.labels[i + nx * (j + ny * k)] === tl[(i * ny + j) * nz + k]) same++;
  }
  console.log(`PyTorch: ${r.seconds.toFixed(1)} s; dendrite's labels equal PyTorch's on ${same}/${tl.length} voxels (${((100 * same) / tl.length).toFixed(4)} %)`);
  rmSync(labelsPath, { force: true });
} else {
  console.log(`PyTorch peer failed: ${(py.stderr || py.stdout).split('\n').slice(-4).join(' ')}`);
}

// TF.js on a block, scaled to the volume
const scale = (shape[0] * shape[1] * shape[2]) / block ** 3;
for (const backend of tfjsBackends) {
  const tf = spawnSync(process.execPath, ['bench/peers/brainchop_tfjs.mjs', JSON.stringify({ model: name, size: block, backend })], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = tf.stdout.trim().split('\n').pop() ?? '';
  if (tf.status === 0 && line.startsWith('{')) {
    const r = JSON.parse(line) as { tfjs: string; seconds: number };
    rows.push([`TF.js ${r.tfjs} ${backend}`, '1', `≈ ${(r.seconds * scale).toFixed(0)} s (${r.seconds.toFixed(1)} s on ${block}³ × ${scale.toFixed(0)})`]);
  } else {
    rows.push([`TF.js ${backend}`, '1', `failed: ${(tf.stderr || line).split('\n').filter(Boolean).slice(-1)[0] ?? ''}`]);
  }
}
console.log(`\n| ${name}, ${shape.join('×')} | threads | full-volume inference |\n|---|---|---|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s for the peers; one run each after a warm-up)`);
