// The webgpu backend in a real browser: Debian's chromium (playwright-core), headless, WebGPU
// enabled on its SwiftShader software adapter, trains LeNet steps in a page (the library bundled
// with esbuild, as for a web app) and gives the losses Node computes on the CPU. Skips with the
// reason where chromium is missing or offers no WebGPU adapter (required under CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as D from '../../src/index.js';
import { REQUIRE_DATA } from '../helpers/data.js';
import { lenetSteps, STEPS } from './webgpu_fixture.js';

const CHROMIUM = process.env['DENDRITE_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRE_BROWSER = REQUIRE_DATA || process.env['CI'] === 'true';
// WebGPU needs a secure context (127.0.0.1 is one) and, headless without a GPU, these switches
const FLAGS = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan,WebGPU', '--ignore-gpu-blocklist', '--use-webgpu-adapter=swiftshader', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const PAGE = `<!doctype html><meta charset="utf-8"><title>dendrite webgpu</title>
<script type="module">
import { main } from './app.js';
try {
  window.__result = JSON.parse(await main());
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
</script>`;

function serve(bundle: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
    else if (req.url === '/' || req.url === '/index.html') res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function skipOrFail(t: { skip(m: string): void }, msg: string): void {
  if (REQUIRE_BROWSER) throw new Error(`${msg}; required under CI`);
  t.skip(msg);
}

test('chromium: LeNet steps on the webgpu backend in a page give the CPU losses', { timeout: 240_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return skipOrFail(t, `chromium not found at ${CHROMIUM} (apt-get install chromium, or set DENDRITE_CHROMIUM)`);
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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 180_000 });
    const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as { error?: string; adapter: string; backend: string; losses: number[] };
    if (r.error !== undefined && /no WebGPU adapter/.test(r.error)) return skipOrFail(t, `chromium offers no WebGPU adapter: ${r.error.split('\n')[0]}`);
    assert.equal(r.error, undefined, `page: ${r.error}\n${log.join('\n')}`);
    assert.equal(r.backend, 'webgpu');
    D.setBackend('js');
    const node = await lenetSteps(D);
    assert.equal(r.losses.length, STEPS);
    r.losses.forEach((v, i) => assert.ok(Math.abs(v - node[i]!) <= 1e-6 * (1 + Math.abs(node[i]!)), `step ${i}: page ${v}, Node CPU ${node[i]}`));
    t.diagnostic(`chromium ${browser.version()}, adapter '${r.adapter}': losses ${r.losses.map((v) => v.toFixed(5)).join(' ')}`);
  } finally {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
