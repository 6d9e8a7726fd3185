// The runs pages in a real browser (Debian's chromium, driven by playwright-core): the runs
// list, a run page whose loss curve grows while `dendrite train lenet` runs beside it, its
// results once the run ends, the compare page, and a spike decoder's per-bin trajectories.
// Every page must load without console errors or failed requests; screenshots of the charts
// must hold drawn pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type DashboardServer } from '../../src/node/serve/index.js';
import { REQUIRE_DATA, dataPath } from '../helpers/data.js';
import { colours, decodePng, inkPixels } from './server_png.js';

const CHROMIUM = process.env['DENDRITE_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRE_BROWSER = REQUIRE_DATA || process.env['CI'] === 'true';
const mnist = dataPath('mnist');
/** Set to a path to write the README's screenshot of the run page there. */
const DOCS_SHOT = process.env['DENDRITE_DASHBOARD_SCREENSHOT'];

type Browser = Awaited<ReturnType<typeof import('playwright-core')['chromium']['launch']>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

/** Opens `url` in a new page that records console errors, page errors, failed requests and 4xx/5xx replies. */
async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // an open event stream is cut when the page closes; that is not a failure of the page
    if (!(r.url().endsWith('/events') || r.url().includes('/events?'))) problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}

async function plotInk(page: Page, selector: string, dir: string, name: string): Promise<{ ink: number; colours: number }> {
  const png = await page.locator(`${selector} canvas`).first().screenshot({ path: join(dir, `${name}.png`) });
  const img = decodePng(new Uint8Array(png));
  return { ink: inkPixels(img), colours: colours(img) };
}

function syntheticRuns(runs: string): void {
  const eeg = join(runs, '2026-01-01T00-00-00-000Z');
  mkdirSync(eeg);
  writeFileSync(join(eeg, 'status.json'), JSON.stringify({ status: 'done', command: 'decode eeg', model: 'shallow', started: '2026-01-01T00:00:00.000Z', pid: 1, best: { name: 'test acc', value: 0.75 } }));
  writeFileSync(join(eeg, 'metrics.jsonl'), [1, 2, 3, 4, 5].map((e) => JSON.stringify({ epoch: e, split: 'train', loss: 1.4 / e, acc: 0.5 + e / 20 })).join('\n') + '\n');
  const classNames = ['hands', 'feet'];
  writeFileSync(join(eeg, 'results.json'), JSON.stringify({
    model: 'shallow', classNames,
    result: { accuracy: 0.75, balancedAccuracy: 0.75, chance: 0.5, kappa: 0.5, pValue: 0.03, nCorrect: 6, nTest: 8, confusion: [[3, 1], [1, 3]] },
    trials: Array.from({ length: 8 }, (_, i) => ({ file: '/d/S001R14.edf', onset: 4.2 * i, target: classNames[i % 2], pred: classNames[(i % 2) ^ (i === 1 || i === 6 ? 1 : 0)], correct: i !== 1 && i !== 6, proba: { hands: 0.6, feet: 0.4 } })),
  }));
  const spikes = join(runs, '2026-01-02T00-00-00-000Z');
  mkdirSync(spikes);
  writeFileSync(join(spikes, 'status.json'), JSON.stringify({ status: 'done', command: 'decode spikes', model: 'wiener', started: '2026-01-02T00:00:00.000Z', pid: 1, best: { name: 'mean R²', value: 0.6 } }));
  const bins = Array.from({ length: 200 }, (_, i) => i + 6);
  writeFileSync(join(spikes, 'results.json'), JSON.stringify({
    timings: { 'read file': 0.25, fit: 1.5 }, classes: [{ label: 0, name: 'background', voxels: 10 }],
    outputs: ['x', 'y'], metrics: [{ output: 'x', r2: 0.62, pearson: 0.8, rmse: 0.3 }, { output: 'y', r2: 0.58, pearson: 0.77, rmse: 0.35 }],
    predictions: { bin: bins, truth: bins.map((b) => [Math.sin(b / 10), Math.cos(b / 10)]), pred: bins.map((b) => [0.8 * Math.sin(b / 10 + 0.2), 0.8 * Math.cos(b / 10 + 0.2)]) },
  }));
}

test('dashboard runs pages in chromium: list, a live training curve, results, compare, trajectories', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    const msg = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set DENDRITE_CHROMIUM)`;
    if (REQUIRE_BROWSER) throw new Error(`${msg}; required under CI`);
    t.skip(msg);
    return;
  }
  if (!existsSync(mnist)) {
    if (REQUIRE_DATA) throw new Error(`data not found: ${mnist}`);
    t.skip(`data not found: ${mnist} (set DENDRITE_DATA to the shared data folder)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-dash-'));
  const runs = join(dir, 'runs');
  const assets = join(dir, 'assets');
  const shots = join(dir, 'shots');
  mkdirSync(runs);
  mkdirSync(shots);
  let server: DashboardServer | null = null;
  let browser: Browser | null = null;
  let child: ChildProcess | null = null;
  try {
    const b = spawnSync(process.execPath, ['scripts/build_dashboard.mjs', '--out', assets], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    syntheticRuns(runs);
    server = await startServer({ runsDir: runs, assetsDir: assets });
    const base = server.url.replace(/\/$/, '');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });

    // the runs list
    const list = await open(browser, `${base}/`);
    await list.page.waitForSelector('#runs tbody tr[data-run]');
    const rows = await list.page.locator('#runs tbody tr[data-run]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')));
    assert.deepEqual(rows, ['runs/2026-01-02T00-00-00-000Z', 'runs/2026-01-01T00-00-00-000Z']);
    assert.equal(await list.page.evaluate(() => self.crossOriginIsolated), true);
    await list.page.screenshot({ path: join(shots, 'runs.png') });
    assert.deepEqual(list.problems, []);
    await list.page.close();

    // a short training run, watched live
    child = spawn(process.execPath, ['dist/src/cli/main.js', 'train', 'lenet', '--epochs', '3', '--limit', '960', '--test-limit', '200', '--batch-size', '32', '--data', mnist, '--out', runs], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    const known = new Set(readdirSync(runs));
    let live: string | undefined;
    for (let i = 0; i < 600 && live === undefined; i++) {
      live = readdirSync(runs).find((d) => !known.has(d) && existsSync(join(runs, d, 'status.json')));
      if (live === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(live, 'the training run never created its folder');
    const run = await open(browser, `${base}/page/run?run=${encodeURIComponent(`runs/${live}`)}`);
    await run.page.waitForFunction(() => Number(document.querySelector('#loss-plot')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 30_000 });
    const first = Number(await run.page.getAttribute('#loss-plot', 'data-points'));
    const statusWhenFirst = await run.page.textContent('#status');
    await run.page.waitForFunction((n) => Number(document.querySelector('#loss-plot')!.getAttribute('data-points')) > n, first, { timeout: 30_000 });
    const second = Number(await run.page.getAttribute('#loss-plot', 'data-points'));
    t.diagnostic(`loss curve points: ${first} then ${second} (status ${statusWhenFirst})`);
    assert.ok(second > first);
    assert.equal(statusWhenFirst, 'running');
    assert.equal(await exited, 0);
    // the run ends: status turns done, the results appear (confusion over the 200 test images)
    await run.page.waitForFunction(() => document.querySelector('#status')?.textContent === 'done', null, { timeout: 30_000 });
    await run.page.waitForSelector('#confusion');
    const total = await run.page.locator('#confusion tbody td').evaluateAll((tds) => tds.reduce((a, td) => a + Number(td.textContent), 0));
    assert.equal(total, 200);
    // every line of metrics.jsonl reached the page: 3 epochs × (10 steps + train + test)
    await run.page.waitForFunction(() => /^36 metric lines/.test(document.querySelector('#metric-count')?.textContent ?? ''), null, { timeout: 10_000 });
    const loss = await plotInk(run.page, '#loss-plot', shots, 'run-loss');
    const acc = await plotInk(run.page, '#acc-plot', shots, 'run-acc');
    t.diagnostic(`run page plots: loss ${loss.ink} px / ${loss.colours} colours, accuracy ${acc.ink} px / ${acc.colours} colours`);
    assert.ok(loss.ink > 2000 && loss.colours > 20, `loss plot looks blank: ${JSON.stringify(loss)}`);
    assert.ok(acc.ink > 2000 && acc.colours > 20, `accuracy plot looks blank: ${JSON.stringify(acc)}`);
    await run.page.screenshot({ path: join(shots, 'run.png'), fullPage: true });
    if (DOCS_SHOT) await run.page.screenshot({ path: DOCS_SHOT, clip: { x: 0, y: 0, width: 1280, height: 900 } });
    assert.deepEqual(run.problems, []);
    await run.page.close();

    // a decode eeg run: chance level, confusion, per-trial table
    const eeg = await open(browser, `${base}/page/run?run=${encodeURIComponent('runs/2026-01-01T00-00-00-000Z')}`);
    await eeg.page.waitForSelector('#trials');
    assert.equal(await eeg.page.locator('#trials tbody tr').count(), 8);
    assert.match((await eeg.page.textContent('#chance'))!, /accuracy 75\.0 % against a chance level of 50\.0 %/);
    assert.deepEqual(await eeg.page.locator('#confusion tbody td').allTextContents(), ['3', '1', '1', '3']);
    assert.deepEqual(eeg.problems, []);
    await eeg.page.close();

    // a spike decoder: truth and prediction per bin, one chart per output
    const sp = await open(browser, `${base}/page/run?run=${encodeURIComponent('runs/2026-01-02T00-00-00-000Z')}`);
    await sp.page.waitForSelector('#trajectory-1 canvas');
    assert.equal(await sp.page.getAttribute('#trajectory-0', 'data-points'), '400');
    assert.deepEqual(await sp.page.locator('#timings tbody td').allTextContents(), ['read file', '0.250', 'fit', '1.500']);
    assert.deepEqual(await sp.page.locator('#classes tbody td').allTextContents(), ['0', 'background', '10']);
    assert.equal(await sp.page.isHidden('#acc-plot'), true, 'an empty accuracy chart is shown');
    const traj = await plotInk(sp.page, '#trajectory-0', shots, 'trajectory');
    assert.ok(traj.ink > 2000, `trajectory plot looks blank: ${JSON.stringify(traj)}`);
    assert.deepEqual(sp.problems, []);
    await sp.page.close();

    // compare: the live run and the eeg run overlaid
    const ids = [`runs/${live}`, 'runs/2026-01-01T00-00-00-000Z'];
    const cmp = await open(browser, `${base}/page/compare?runs=${encodeURIComponent(ids.join(','))}`);
    await cmp.page.waitForSelector('#compared tbody tr');
    assert.equal(await cmp.page.locator('#compared tbody tr').count(), 2);
    const legend = await cmp.page.locator('#loss-plot .u-legend .u-series').allTextContents();
    assert.ok(legend.some((l) => l.includes(`${live} · test`)) && legend.some((l) => l.includes('2026-01-01T00-00-00-000Z · train')), legend.join(' | '));
    const c = await plotInk(cmp.page, '#loss-plot', shots, 'compare');
    assert.ok(c.ink > 2000, `compare plot looks blank: ${JSON.stringify(c)}`);
    assert.deepEqual(cmp.problems, []);
    await cmp.page.close();
    // the nav bar's own links, without a run chosen: a hint, or the newest runs
    const bare = await open(browser, `${base}/page/run`);
    await bare.page.waitForSelector('main a[href="/page/runs"]');
    assert.deepEqual(bare.problems, []);
    await bare.page.close();
    const newest = await open(browser, `${base}/page/compare`);
    await newest.page.waitForSelector('#compared tbody tr');
    assert.equal(await newest.page.locator('#compared tbody tr').count(), 3);
    assert.deepEqual(newest.problems, []);
    await newest.page.close();
    t.diagnostic(`screenshots in ${shots}`);
  } finally {
    if (child && child.exitCode === null) child.kill();
    await browser?.close();
    await server?.close();
    if (!process.env['DENDRITE_KEEP_SHOTS']) rmSync(dir, { recursive: true, force: true });
  }
});
