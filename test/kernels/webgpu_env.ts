// Starts the webgpu backend for a test file, on Mesa's lavapipe where no GPU is set up: points
// the Vulkan loader at lavapipe's driver file when VK_ICD_FILENAMES is unset and the file exists.
// Without an adapter the file's tests skip with the reason, except under CI (which installs
// Mesa 25): there they fail.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { initWebGpu, setBackend, type WebGpuInfo } from '../../src/kernels/index.js';
import { REQUIRE_DATA } from '../helpers/data.js';

const LAVAPIPE = '/usr/share/vulkan/icd.d/lvp_icd.json';
const REQUIRE_GPU = REQUIRE_DATA || process.env['CI'] === 'true';

let started: Promise<WebGpuInfo | string> | null = null;

/** Starts webgpu once (not selected); resolves with its info, or the reason it cannot start. */
export function startWebGpu(): Promise<WebGpuInfo | string> {
  if (started === null) {
    if (process.env['VK_ICD_FILENAMES'] === undefined && process.env['VK_DRIVER_FILES'] === undefined && existsSync(LAVAPIPE)) {
      process.env['VK_ICD_FILENAMES'] = LAVAPIPE;
    }
    started = initWebGpu({ select: false }).catch((e: unknown) => String((e as Error).message ?? e));
  }
  return started;
}

/** True (and the test skipped with the reason) when no adapter is available outside CI. */
export async function skipWithoutGpu(t: TestContext): Promise<boolean> {
  const r = await startWebGpu();
  if (typeof r !== 'string') return false;
  if (REQUIRE_GPU) throw new Error(`webgpu required under CI: ${r}`);
  t.skip(`no WebGPU adapter: ${r}`);
  return true;
}

/** Runs f with webgpu selected, switching back to the default CPU backend after. */
export async function onWebGpu<T>(f: () => Promise<T> | T): Promise<T> {
  setBackend('webgpu');
  try {
    return await f();
  } finally {
    setBackend('js');
  }
}
