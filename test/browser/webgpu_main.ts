// Entry of the page bundle built by webgpu.test.ts: starts the webgpu backend on the browser's
// navigator.gpu and trains the fixture's LeNet steps on it.
import * as D from '../../src/index.js';
import { initWebGpu, backend } from '../../src/kernels/index.js';
import { lenetSteps } from './webgpu_fixture.js';

export async function main(): Promise<string> {
  const info = await initWebGpu();
  const losses = await lenetSteps(D);
  return JSON.stringify({ adapter: info.adapter, backend: backend().name, losses });
}
