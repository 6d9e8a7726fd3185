// The MRI page in chromium: a segment run made here opens in niivue (WebGL2 on SwiftShader) with
// the T1 and the labels overlaid, its class legend and Dice per label against the run's
// reference; the canvas shows the brain and the label colours; no console error. Without ?run
// the page lists the segment runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/node/serve/index.js';
import { skipUnlessData } from '../helpers/data.js';
import { buildPages, contentPixels, countPixels, launch, openPage, savePageShot, skipWithoutChromium } from './page_browser.js';
import { makeSegmentRun, MODELS, T1 } from './mri_fixture.js';

test('MRI page: a segment run in niivue with its labels, legend and Dice per label', { skip: skipUnlessData(T1, MODELS), timeout: 120_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-mri-'));
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const runs = join(work, 'runs');
    const fx = await makeSegmentRun(work, runs);
    const assets = join(work, 'assets');
    buildPages(assets);
    const server = await startServer({ runsDir: runs, assetsDir: assets });
    closers.push(() => server.close());
    const base = server.url.replace(/\/$/, '');
    const browser = await launch();
    closers.push(() => browser.close());

    const { page, problems, log } = await openPage(browser);
    await page.goto(`${base}/page/mri`);
    await page.waitForSelector('#mri-runs a', { timeout: 30_000 });
    assert.deepEqual(await page.locator('#mri-runs a').allInnerTexts(), [fx.id]);

    await page.goto(`${base}/page/mri?run=${encodeURIComponent(fx.id)}`);
    await page.waitForFunction(() => ['ready', 'error'].includes((window as unknown as { __dendriteMri?: { state: string } }).__dendriteMri?.state ?? ''), null, { timeout: 60_000 });
    const st = await page.evaluate(() => (window as unknown as { __dendriteMri: { state: string; error: string | null; volumes: number } }).__dendriteMri);
    assert.equal(st.state, 'ready', `${st.error}\n${problems.join('\n')}\n${log.join('\n')}`);
    assert.equal(st.volumes, 2);
    const classes = await page.locator('#mri-classes').innerText();
    assert.match(classes, /White Matter/);
    assert.match(classes, /Grey Matter/);
    const dice = await page.locator('#mri-dice').innerText();
    for (const [l, v] of fx.dice) assert.match(dice, new RegExp(`${l}\\s+\\S.*\\s+${v.toFixed(4).replace('.', '\\.')}`), `label ${l}: ${dice}`);
    assert.ok([...fx.dice.values()].every((v) => v > 0.5 && v < 1), `reference Dice ${[...fx.dice.values()]}`);
    await page.waitForTimeout(500); // niivue draws on the next animation frames
    const png = await page.locator('#mri-canvas').screenshot();
    const shot = contentPixels(png);
    // grey matter is drawn in brainchop's red (205, 62, 78) at half opacity over the grey T1
    const red = countPixels(png, (r, g, b) => r - g > 50 && r - b > 40);
    assert.ok(red > 0.05 * shot.total, `no grey-matter overlay in the canvas: ${red} reddish pixels of ${shot.total}`);
    assert.ok(shot.content > 0.1 * shot.total, `niivue canvas nearly blank: ${JSON.stringify(shot)}`);
    assert.ok(shot.colours > 50, `niivue canvas has ${shot.colours} colours: no grey T1 under the labels`);
    const full = contentPixels(await savePageShot(page, 'mri', work));
    assert.ok(full.content > 0.05 * full.total, `mri page screenshot nearly blank: ${JSON.stringify(full)}`);
    assert.deepEqual(problems, []);
    t.diagnostic(`canvas ${shot.content}/${shot.total} content pixels, ${red} overlay pixels, ${shot.colours} colours; Dice ${[...fx.dice].map(([l, v]) => `${l}: ${v.toFixed(4)}`).join(', ')}`);
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
});
