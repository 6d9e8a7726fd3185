// Entry of the page bundle built by webgpu.test.ts: starts the webgpu backend on the browser's
// navigator.gpu and trains the LeNet fixture on it.
import { backend } from '../../src/index.js';
import { initWebGpu, webgpuSubmits } from '../../src/kernels/index.js';
import { trainLeNet, type LeNetInput, type LeNetRun } from './webgpu_fixture.js';

export interface PageResult extends LeNetRun {
  adapter: string;
  backend: string;
  /** Time initWebGpu took (ms). */
  startMs: number;
}

export async function main(input: LeNetInput): Promise<PageResult> {
  const t0 = performance.now();
  const info = await initWebGpu();
  const startMs = performance.now() - t0;
  const run = await trainLeNet('webgpu', input, webgpuSubmits);
  // the backend the steps ran on, as the library reports it (not the name asked for)
  return { ...run, adapter: info.adapter, backend: backend().name, startMs };
}
