// dendrite in a real browser (Debian's chromium, driven by playwright-core): a page served
// without COOP/COEP headers trains on plain memory and one thread (it used to fail with
// "LinkError: ... mismatch in shared state of memory"); a cross-origin-isolated page trains on
// a Web Worker pool. Both bundle the library with esbuild and must give Node's losses.
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
import { trainFixture, type FixtureResult } from './fixture.js';

const CHROMIUM = process.env['DENDRITE_CHROMIUM'] ?? '/usr/bin/chromium';
// CI installs chromium (.ci/run); a developer without it gets a skip that says so
const REQUIRE_BROWSER = REQUIRE_DATA || process.env['CI'] === 'true';
const THREADS = 2;

const PAGE = `<!doctype html><meta charset="utf-8"><title>dendrite</title>
<script type="module">
import { main } from './app.js';
try {
  window.__result = { isolated: self.crossOriginIsolated, ...JSON.parse(await main(${THREADS})) };
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
</script>`;

/** Serves the page and the bundle under /isolated/ (with COOP/COEP headers) and /plain/ (without). */
function serve(bundle: string): Promise<Server> {
  const server = createServer((req, res) => {
    const m = /^\/(isolated|plain)\/(index\.html|app\.js)?$/.exec(req.url ?? '');
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // no 404 in the page's console
      return;
    }
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (m[1] === 'isolated') {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    const js = m[2] === 'app.js';
    headers['Content-Type'] = js ? 'text/javascript' : 'text/html';
    res.writeHead(200, headers).end(js ? bundle : PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('chromium: pages with and without cross-origin isolation train and match Node', { timeout: 240_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    const msg = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set DENDRITE_CHROMIUM)`;
    if (REQUIRE_BROWSER) throw new Error(`${msg}; required under CI`);
    t.skip(msg);
    return;
  }
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-browser-'));
  let server: Server | null = null;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    const outfile = join(dir, 'app.js');
    // a browser bundle fails here if browser-safe code imports node:*
    await build({
      entryPoints: [fileURLToPath(new URL('./bundle_main.js', import.meta.url))],
      bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile, logLevel: 'error',
    });
    server = await serve(readFileSync(outfile, 'utf8'));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // launch() gives the browser a fresh temporary profile of its own
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const run = async (kind: 'isolated' | 'plain') => {
      const page = await browser!.newPage();
      const log: string[] = [];
      page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      await page.goto(`${base}/${kind}/index.html`);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
      const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as FixtureResult & { isolated: boolean; error?: string };
      await page.close();
      assert.equal(r.error, undefined, `${kind} page: ${r.error}\n${log.join('\n')}`);
      return { r, log };
    };
    const node = await trainFixture(D, 1);
    const close = (losses: number[], kind: string) => {
      assert.equal(losses.length, node.losses.length);
      losses.forEach((v, i) => assert.ok(Math.abs(v - node.losses[i]!) <= 1e-5 * Math.abs(node.losses[i]!), `${kind} step ${i}: ${v} vs Node ${node.losses[i]}`));
      assert.ok(losses.at(-1)! < 0.8 * losses[0]!, `${kind}: losses do not fall: ${losses}`);
    };

    const plain = await run('plain');
    assert.equal(plain.r.isolated, false);
    assert.equal(plain.r.sharedMemory, false);
    assert.match(plain.r.backend, /^wasm-/, 'the page fell back to the JS kernels');
    assert.equal(plain.r.threads, 1);
    assert.equal(plain.r.workerTasks, 0);
    assert.ok(plain.log.some((l) => /warning: .*not shared.*Cross-Origin-Opener-Policy/.test(l)), `no warning about the headers:\n${plain.log.join('\n')}`);
    close(plain.r.losses, 'plain page');

    const iso = await run('isolated');
    assert.equal(iso.r.isolated, true);
    assert.equal(iso.r.sharedMemory, true);
    assert.match(iso.r.backend, /^wasm-/);
    assert.equal(iso.r.threads, THREADS, `Web Workers did not start:\n${iso.log.join('\n')}`);
    assert.ok(iso.r.workerTasks > 0, 'the Web Workers ran no task');
    assert.deepEqual(iso.log.filter((l) => /^(warning|error|pageerror)/.test(l)), []);
    close(iso.r.losses, 'isolated page');
    t.diagnostic(`chromium ${browser.version()}: ${iso.r.backend}, ${iso.r.threads} threads (${iso.r.workerTasks} worker tasks); losses ${iso.r.losses.map((v) => v.toFixed(4)).join(' ')}`);
  } finally {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
