// The insight page in chromium, one view per kind of `dendrite insight` run, each made here:
// LeNet conv1 filters and feature maps, CSP patterns as topomaps (a decoder saved from S001R08),
// saliency and integrated-gradients maps on two test digits and, per channel as topomaps, on two
// EEG trials (a ShallowFBCSPNet), RDM heat maps with the model bars
// (Kriegeskorte's 92-image RDMs), and F1/F0 histograms of LeNet's units against Ringach's cells.
// Each view must load without console errors and draw visible content; the list page names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEegCli } from '../../src/cli/decode.js';
import { insightAttributionCli } from '../../src/cli/insight_attribution.js';
import { insightFiltersCli } from '../../src/cli/insight_filters.js';
import { insightRsaCli } from '../../src/cli/insight_rsa.js';
import { insightV1Cli } from '../../src/cli/insight_v1.js';
import { LeNet } from '../../src/models/lenet.js';
import { save } from '../../src/node/checkpoint.js';
import { startServer } from '../../src/node/serve/index.js';
import { manualSeed } from '../../src/tensor/random.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { buildPages, contentPixels, launch, openPage, savePageShot, skipWithoutChromium } from './page_browser.js';

const r08 = dataPath('eeg/eegmmidb/S001R08.edf');
const r04 = dataPath('eeg/eegmmidb/S001R04.edf');
const brain = dataPath('insight/rsa92/92_brainRDMs.mat');
const models = dataPath('insight/rsa92/92_modelRDMs.mat');
const ringach = dataPath('insight/ringach2002/ringach_2002_db.mat');

test('insight page: filters, topomaps, attribution, RDM and V1 views of runs made here', { skip: skipUnlessData(r08, r04, brain, models, ringach), timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-ins-'));
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const runs = join(work, 'runs');
    const quiet = () => undefined;
    manualSeed(7);
    const ckpt = join(work, 'lenet.safetensors');
    save(new LeNet().stateDict(), ckpt); // an untrained LeNet: the views draw its numbers all the same
    const made: Record<string, string> = {};
    const newest = (before: Set<string>) => readdirSync(runs).find((n) => !before.has(n))!;
    const step = (kind: string, f: () => unknown) => {
      const before = new Set(readdirSync(runs, { withFileTypes: true }).map((e) => e.name));
      const t0 = performance.now();
      f();
      made[kind] = newest(before);
      t.diagnostic(`${kind}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    };
    decodeEegCli(['--train', r08, '--test', r04, '--events', 'T1=left,T2=right', '--model', 'csp-lda', '--save', join(work, 'csp'), '--out', join(work, 'fit')], quiet);
    decodeEegCli(['--train', r08, '--test', r04, '--events', 'T1=left,T2=right', '--model', 'shallow', '--epochs', '2', '--save', join(work, 'shallow'), '--out', join(work, 'fit')], quiet);
    insightFiltersCli(['--weights', ckpt, '--digits', '2', '--out', runs], quiet); // creates runs/
    made['filters-lenet'] = readdirSync(runs)[0]!;
    step('filters-eeg', () => insightFiltersCli(['--load', join(work, 'csp'), '--out', runs], quiet));
    step('attribution', () => insightAttributionCli(['--model', 'lenet', '--weights', ckpt, '--n', '2', '--method', 'saliency,ig', '--steps', '8', '--out', runs], quiet));
    step('attribution-eeg', () => insightAttributionCli(['--decoder', join(work, 'shallow'), '--data', r04, '--n', '2', '--method', 'saliency,ig', '--steps', '8', '--out', runs], quiet));
    step('rsa', () => insightRsaCli(['--brain', brain, '--models', models, '--n-boot', '5', '--n-perm', '5', '--out', runs], quiet));
    step('v1', () => insightV1Cli(['--weights', ckpt, '--ringach', ringach, '--bootstrap', '20', '--out', runs], quiet));
    // the machine-readable outputs the views draw from
    const res = (k: string) => JSON.parse(readFileSync(join(runs, made[k]!, 'results.json'), 'utf8')) as Record<string, unknown>;
    assert.equal((res('filters-lenet')['digits'] as { featureMaps: number[] }[])[0]!.featureMaps.length, 6 * 784);
    assert.equal((res('filters-eeg')['index'] as number[]).length, (res('filters-eeg')['topomapXY'] as unknown[]).length);
    assert.equal(((res('attribution')['examples'] as { input: number[] }[])[0]!.input).length, 784);
    assert.equal((res('rsa')['rdms'] as { vector: number[] }[])[0]!.vector.length, (92 * 91) / 2);
    assert.ok((res('v1')['ringachValues'] as number[]).length > 100);

    const assets = join(work, 'assets');
    buildPages(assets);
    const server = await startServer({ runsDir: runs, assetsDir: assets });
    closers.push(() => server.close());
    const base = server.url.replace(/\/$/, '');
    const browser = await launch();
    closers.push(() => browser.close());

    const { page, problems } = await openPage(browser);
    await page.goto(`${base}/page/insight`);
    await page.waitForSelector('#ins-runs a', { timeout: 30_000 });
    const listed = await page.locator('#ins-runs li').allInnerTexts();
    assert.equal(listed.length, 6, listed.join('\n'));

    // what each view must show: figures (canvases) or uPlot charts, and a text that names its content
    const want: Record<string, { figures: number; text: RegExp; kind?: string }> = {
      'filters-lenet': { figures: 6 + 2 * 7, text: /conv1 filters \(6 × 5 × 5\)/ },
      'filters-eeg': { figures: 2, text: /CSP patterns/ },
      attribution: { figures: 2 * 3, text: /saliency[\s\S]*ig/ },
      'attribution-eeg': { figures: 2 * 2, text: /saliency: Σ\|attribution\| per channel[\s\S]*ig: Σ/, kind: 'attribution' },
      rsa: { figures: 1 + (res('rsa')['rdms'] as unknown[]).length, text: /brain \(mean of subjects\)/ },
      v1: { figures: 3, text: /F1\/F0 of the units/ },
    };
    for (const [kind, w] of Object.entries(want)) {
      await page.goto(`${base}/page/insight?run=${encodeURIComponent(`runs/${made[kind]}`)}`);
      await page.waitForFunction(() => ['ready', 'error'].includes((window as unknown as { __dendriteInsight?: { state: string } }).__dendriteInsight?.state ?? ''), null, { timeout: 30_000 });
      const st = await page.evaluate(() => (window as unknown as { __dendriteInsight: { state: string; kind: string; error: string | null; figures: number } }).__dendriteInsight);
      assert.equal(st.state, 'ready', `${kind}: ${st.error}`);
      assert.equal(st.kind, w.kind ?? kind);
      assert.ok(st.figures >= w.figures, `${kind}: ${st.figures} figures, expected at least ${w.figures}`);
      assert.match(await page.locator('#ins-view').innerText(), w.text, kind);
      await page.waitForTimeout(200);
      const view = contentPixels(await page.locator('#ins-view').screenshot());
      assert.ok(view.content > 0.03 * view.total && view.colours > 20, `${kind}: the view is nearly blank: ${JSON.stringify(view)}`);
      await savePageShot(page, `insight-${kind}`, work);
      t.diagnostic(`${kind}: ${st.figures} figures, ${view.content}/${view.total} content pixels, ${view.colours} colours`);
    }
    assert.deepEqual(problems, []);
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
});
