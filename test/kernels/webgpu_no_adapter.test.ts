// Without an adapter the webgpu backend fails with a DeviceError that names what was tried (here
// Dawn with a Vulkan driver file that does not exist), and selecting it before initWebGpu says
// to await initWebGpu first. In a child process, so the missing driver is all it sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('webgpu: no adapter → DeviceError naming what was tried; setBackend before initWebGpu → DeviceError', () => {
  const child = fileURLToPath(new URL('./webgpu_no_adapter_child.js', import.meta.url));
  const r = spawnSync(process.execPath, [child], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/dendrite_icd.json', VK_DRIVER_FILES: '/nonexistent/dendrite_icd.json' },
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const [sel, init] = JSON.parse(line) as [string, string];
  assert.match(sel, /^setBackend: DeviceError: .*await initWebGpu\(\)/);
  assert.match(init, /^initWebGpu: DeviceError: initWebGpu: no WebGPU adapter \(tried the 'webgpu' package \(Dawn\); Vulkan driver file \/nonexistent\/dendrite_icd\.json\)/);
});
