// Child of webgpu_no_adapter.test.ts, run with a Vulkan driver file that does not exist:
// prints what setBackend('webgpu') before initWebGpu and initWebGpu itself raise.
import { initWebGpu, setBackend } from '../../src/kernels/index.js';

const out: string[] = [];
try {
  setBackend('webgpu');
  out.push('setBackend: no error');
} catch (e) {
  out.push(`setBackend: ${(e as Error).constructor.name}: ${(e as Error).message}`);
}
try {
  await initWebGpu();
  out.push('initWebGpu: adapter found');
} catch (e) {
  out.push(`initWebGpu: ${(e as Error).constructor.name}: ${(e as Error).message}`);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
