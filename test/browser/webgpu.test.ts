// dendrite's webgpu backend in a real browser: Debian's chromium (headless, driven by
// playwright-core) with WebGPU enabled trains LeNet on real MNIST digits in a page, and every
// step's loss and the final parameters equal the CPU reference backend's in Node.
//
// Headless chromium here has no GPU; `--enable-unsafe-webgpu` is the flag that matters: with it
// navigator.gpu gives chromium's bundled SwiftShader (a CPU Vulkan, /usr/lib/chromium/
// libvk_swiftshader.so) as a fallback adapter. Without it requestAdapter() returns null. The
// Vulkan/ANGLE flags (--enable-features=Vulkan, --use-vulkan=..., --use-angle=...),
// --use-webgpu-adapter=default, and pointing VK_ICD_FILENAMES at Mesa's lavapipe change nothing on
// chromium 156: the adapter stays SwiftShader (isFallbackAdapter true).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Generator, setBackend } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
import { loadMnist } from '../../src/node/mnist.js';
import { dataPath, REQUIRE_DATA, skipMissing } from '../helpers/data.js';
import { BATCH, STEPS, trainLeNet, type LeNetInput } from './webgpu_fixture.js';
import type { PageResult } from './webgpu_main.js';

const CHROMIUM = process.env['DENDRITE_CHROMIUM'] ?? '/usr/bin/chromium';
// CI installs chromium (.ci/run), whose own SwiftShader gives the adapter: both must be there
const REQUIRE_BROWSER = REQUIRE_DATA || process.env['CI'] === 'true';
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

const PAGE = `<!doctype html><meta charset="utf-8"><title>dendrite webgpu</title>
<script type="module">
import { main } from './app.js';
window.__main = main;
window.__ready = true;
</script>`;

function serve(bundle: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // no 404 in the page's console
      return;
    }
    const js = req.url === '/app.js';
    if (!js && req.url !== '/index.html') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': js ? 'text/javascript' : 'text/html', 'Cache-Control': 'no-store' }).end(js ? bundle : PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function mnistInput(): LeNetInput {
  const ds = loadMnist({ root: dataPath('mnist'), train: true });
  const [xb, yb] = ds.getBatch(Int32Array.from({ length: BATCH }, (_, i) => i));
  const x = Array.from(xb.dataSync());
  const y = Array.from(yb.dataSync());
  xb.dispose();
  yb.dispose();
  // small seeded weights (not LeNet's own init, which draws from the active backend's generator)
  const g = new Generator(5);
  const init = new LeNet().parameters().map((p) => Array.from({ length: p.numel }, () => (g.random() - 0.5) * 0.2));
  return { init, x, y };
}

test('chromium: LeNet trains on the webgpu backend in a page and matches the CPU reference in Node', { timeout: 240_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    const msg = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set DENDRITE_CHROMIUM)`;
    if (REQUIRE_BROWSER) throw new Error(`${msg}; required under CI`);
    t.skip(msg);
    return;
  }
  if (skipMissing(t, dataPath('mnist', 'train-images-idx3-ubyte.gz'), dataPath('mnist', 'train-labels-idx1-ubyte.gz'))) return;
  setBackend('js');
  const input = mnistInput();
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-webgpu-'));
  let server: Server | null = null;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    const outfile = join(dir, 'app.js');
    await build({
      entryPoints: [fileURLToPath(new URL('./webgpu_main.js', import.meta.url))],
      bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile, logLevel: 'error',
    });
    server = await serve(readFileSync(outfile, 'utf8'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', ...WEBGPU_FLAGS],
    });
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction(() => (window as { __ready?: boolean }).__ready === true, null, { timeout: 30_000 });

    // the adapter first, so a browser without one says so instead of failing inside training
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as { gpu?: GPU }).gpu;
      if (!gpu) return null;
      const a = await gpu.requestAdapter();
      if (a === null) return null;
      const i = (a as unknown as { info?: { vendor?: string; architecture?: string; description?: string } }).info ?? {};
      return [i.vendor, i.architecture, i.description].filter((v) => v).join(' ');
    });
    if (adapter === null) {
      const msg = `chromium ${browser.version()} gives no WebGPU adapter with flags [${WEBGPU_FLAGS.join(' ')}]`;
      if (REQUIRE_BROWSER) throw new Error(`${msg}; required under CI`);
      t.skip(msg);
      return;
    }

    const t0 = performance.now();
    const gpu = await page.evaluate(async (inp) => {
      try {
        const w = window as unknown as { __main: (i: LeNetInput) => Promise<PageResult> };
        return await w.__main(inp);
      } catch (e) {
        return { error: String((e as Error).stack ?? e) };
      }
    }, input);
    const pageMs = performance.now() - t0;
    await page.close();
    assert.ok(!('error' in gpu), `page: ${'error' in gpu ? gpu.error : ''}\n${log.join('\n')}`);
    assert.equal(gpu.backend, 'webgpu');
    assert.deepEqual(log.filter((l) => /^(warning|error|pageerror)/.test(l)), []);

    const cpu = await trainLeNet('js', input);
    setBackend('js');
    assert.equal(gpu.losses.length, STEPS);
    for (let s = 0; s < STEPS; s++) {
      const want = cpu.losses[s]!;
      assert.ok(Math.abs(gpu.losses[s]! - want) <= 1e-6 * (1 + want), `step ${s}: page (webgpu) loss ${gpu.losses[s]}, Node (js) ${want}`);
    }
    assert.ok(cpu.losses[STEPS - 1]! < cpu.losses[0]!, `the loss falls (${cpu.losses.join(', ')})`);
    let worst = 0;
    cpu.params.forEach((a, k) => {
      const b = gpu.params[k]!;
      assert.equal(b.length, a.length, `parameter ${k} size`);
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    });
    assert.ok(worst <= 2e-7, `parameters after ${STEPS} steps: largest difference ${worst}`);
    // data stays on the GPU within a step: one submission per step (its loss read)
    assert.ok(gpu.counted >= STEPS && gpu.counted <= 2 * STEPS, `${gpu.counted} submissions for ${STEPS} steps`);
    t.diagnostic(`chromium ${browser.version()} ${WEBGPU_FLAGS.join(' ')}: adapter '${gpu.adapter}'; losses ${gpu.losses.map((v) => v.toFixed(5)).join(' ')}; largest parameter difference ${worst.toExponential(2)}; ${gpu.counted} submissions; page ${pageMs.toFixed(0)} ms: backend start ${gpu.startMs.toFixed(0)} ms, steps of batch ${BATCH} ${gpu.stepMs.map((v) => v.toFixed(0)).join(' ')} ms`);
  } finally {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
