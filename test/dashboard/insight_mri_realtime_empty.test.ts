// The insight, MRI and real-time pages over a --runs folder with nothing for them: each loads
// without a console error or failed request and says what to run to fill it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/node/serve/index.js';
import { buildPages, launch, openPage, skipWithoutChromium } from './page_browser.js';

test('insight, MRI and real-time pages with no runs: no errors, a hint', { timeout: 120_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-empty-'));
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const runs = join(work, 'runs');
    mkdirSync(runs);
    const assets = join(work, 'assets');
    buildPages(assets);
    const server = await startServer({ runsDir: runs, assetsDir: assets });
    closers.push(() => server.close());
    const browser = await launch();
    closers.push(() => browser.close());
    const base = server.url.replace(/\/$/, '');
    const { page, problems } = await openPage(browser);
    for (const [name, sel, hint] of [['insight', '#ins-status', /no insight runs/], ['mri', '#mri-status', /no segment runs/]] as const) {
      await page.goto(`${base}/page/${name}`);
      await page.waitForFunction((s) => !/loading/.test(document.querySelector(s)?.textContent ?? 'loading'), sel, { timeout: 30_000 });
      assert.match(await page.locator(sel).innerText(), hint, name);
    }
    await page.goto(`${base}/page/realtime`);
    await page.waitForFunction(() => (window as unknown as { __dendriteRealtime?: unknown }).__dendriteRealtime !== undefined);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('#rt-model option').count(), 0);
    assert.equal(await page.locator('#rt-status').innerText(), 'idle');
    await page.locator('#rt-start').click();
    await page.waitForFunction(() => (window as unknown as { __dendriteRealtime: { state: string } }).__dendriteRealtime.state === 'error');
    assert.match(await page.locator('#rt-status').innerText(), /choose a saved decoder/);
    assert.deepEqual(problems, []);
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
});
