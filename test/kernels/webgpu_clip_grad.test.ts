// clipGradNormDevice on webgpu: the same total norm and clipped gradients as clipGradNorm on
// the CPU (float32 sums; the CPU combines per-grad sums in float64), for every norm order,
// with no read-back until the caller reads the norm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuSubmits } from '../../src/kernels/webgpu/index.js';
import { Generator, tensor } from '../../src/index.js';
import { clipGradNorm, clipGradNormDevice } from '../../src/optim/clip_grad.js';
import { skipWithoutGpu } from './webgpu_env.js';

function grads(g: Generator, scale: number): Float32Array[] {
  return [37, 5, 120].map((n) => Float32Array.from({ length: n }, () => (g.random() - 0.5) * scale));
}

function withGrads(values: Float32Array[]) {
  return values.map((v) => {
    const p = tensor(new Float32Array(v.length), { shape: [v.length], requiresGrad: true });
    p.mul(tensor(v, { shape: [v.length] })).sum().backward();
    return p;
  });
}

test('webgpu: clipGradNormDevice clips as clipGradNorm does on the CPU, without reading back', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const g = new Generator(3);
  for (const [normType, maxNorm, scale] of [[2, 1, 2], [1, 3, 1], [Infinity, 0.2, 1], [3, 0.5, 1], [0, 1000, 1], [2, 100, 1]] as const) {
    const values = grads(g, scale);
    setBackend('wasm');
    const cpuParams = withGrads(values);
    const cpuTotal = clipGradNorm(cpuParams, maxNorm, normType);
    const cpuGrads = cpuParams.map((p) => Float32Array.from(p.grad!.dataSync()));
    setBackend('webgpu');
    try {
      const gpuParams = withGrads(values);
      await gpuParams[0]!.grad!.data(); // flush the backward pass
      const before = webgpuSubmits();
      const total = clipGradNormDevice(gpuParams, maxNorm, normType);
      assert.equal(webgpuSubmits() - before, 0, 'clipping submits nothing by itself');
      const gpuTotal = (await total.data())[0]!;
      assert.ok(Math.abs(gpuTotal - cpuTotal) <= 2e-6 * cpuTotal, `norm ${normType}: total ${gpuTotal}, cpu ${cpuTotal}`);
      for (let k = 0; k < values.length; k++) {
        const a = await gpuParams[k]!.grad!.data();
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - cpuGrads[k]![i]!) <= 2e-6 * (1 + Math.abs(cpuGrads[k]![i]!)), `norm ${normType} grad ${k}[${i}]: ${a[i]} vs ${cpuGrads[k]![i]}`);
      }
    } finally {
      setBackend('js');
    }
  }
});
