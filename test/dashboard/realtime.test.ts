// The real-time page end to end in chromium: EEGMMIDB S001R04 pushed through an LSL outlet, a
// WebSocket relay and `dendrite serve`'s page, which decodes it with the CSP+LDA saved from
// S001R08 on dendrite's engine in the page. Every window the page decodes must carry exactly the
// class and probabilities that the same saved pipeline gives in Node when fed the recording from
// the file (the transport and the browser change nothing), and the page must report its latency
// percentiles, draw the cursor task, and log no error.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEegCli } from '../../src/cli/decode.js';
import { readBytes } from '../../src/node/fs.js';
import { lslClock, startRelay, StreamOutlet } from '../../src/node/lsl/index.js';
import { readSavedModel } from '../../src/node/saved_model.js';
import { startServer } from '../../src/node/serve/index.js';
import { channelsDesc } from '../../src/stream/lsl/index.js';
import { recordingSource, replay } from '../../src/stream/replay/index.js';
import { pipelineFromSaved, type ClassPrediction } from '../../src/stream/runtime/saved_decoder.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { buildPages, contentPixels, launch, openPage, savePageShot, skipWithoutChromium } from './page_browser.js';

const r04 = dataPath('eeg/eegmmidb/S001R04.edf');
const r08 = dataPath('eeg/eegmmidb/S001R08.edf');

interface PageOutput { start: number; label: string | null; probabilities: number[] | null; pageMs: number; endToEndMs: number }
interface PageState {
  state: string; error: string | null; engine: { backend: string; threads: number; isolated: boolean } | null;
  outputs: PageOutput[]; workerTasks: number; status: { samples: number; outputs: number; relayDropped: number; page: { p50: number; p95: number; p99: number; count: number }; endToEnd: { p50: number; p95: number; p99: number; count: number } } | null;
}

interface Case {
  /** decode eeg's --model and further options. */
  model: string;
  extra: string[];
  /** Seconds of S001R04 streamed, and how much faster than real time. */
  seconds: number;
  rate: number;
  /** Largest relative difference of a class probability from Node's. */
  rtol: number;
  /** The decoder's kernels must run on the Web Workers too. */
  workers: boolean;
}

/** Streams S001R04 through outlet, relay and page with a decoder saved from S001R08. */
async function decodeInPage(t: TestContext, { model, extra, seconds: SECONDS, rate: RATE, rtol, workers }: Case): Promise<void> {
  if (skipWithoutChromium(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-dash-rt-'));
  const runs = join(dir, 'runs');
  const closers: (() => Promise<unknown>)[] = [];
  try {
    decodeEegCli(['--train', r08, '--test', r04, '--events', 'T1=left,T2=right', '--model', model, ...extra, '--save', join(runs, 's001-decoder'), '--out', join(dir, 'fit')], () => undefined);
    writeFileSync(join(runs, 'notes.txt'), 'not a run');
    const assets = join(dir, 'assets');
    buildPages(assets);
    const server = await startServer({ runsDir: runs, assetsDir: assets });
    closers.push(() => server.close());

    const src = recordingSource(readBytes(r04), r04);
    const N = Math.round(SECONDS * src.sfreq);
    const outlet = await StreamOutlet.create({
      name: `dendrite-dash-${process.pid}`, type: 'EEG', channelCount: src.channels.length, channelFormat: 'float32', nominalSrate: src.sfreq,
      desc: channelsDesc(src.channels.map((label) => ({ label }))),
    });
    closers.push(() => outlet.close());
    const relay = await startRelay({ info: outlet.info });
    closers.push(() => relay.close());

    const browser = await launch();
    closers.push(() => browser.close());
    const { page, problems, log } = await openPage(browser);
    const read = () => page.evaluate(() => {
      const s = (window as unknown as { __dendriteRealtime: { state: string; error: string | null; engine: unknown; outputs(): unknown[]; status(): unknown; workerTasks(): number } }).__dendriteRealtime;
      return { state: s.state, error: s.error, engine: s.engine, outputs: s.outputs(), status: s.status(), workerTasks: s.workerTasks() };
    }) as Promise<PageState>;
    await page.goto(`${server.url.replace(/\/$/, "")}/page/realtime?relay=${encodeURIComponent(`ws://127.0.0.1:${relay.port}/`)}&model=runs/s001-decoder&start=1`);
    await page.waitForFunction(() => (window as unknown as { __dendriteRealtime?: { state: string } }).__dendriteRealtime?.state === 'running', null, { timeout: 60_000 })
      .catch((e: Error) => { throw new Error(`${e.message}\n${problems.join('\n')}\n${log.join('\n')}`); });
    for (let k = 0; relay.clients < 1 && k < 100; k++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(relay.clients, 1);

    // stream the first SECONDS of the recording, paced on the LSL clock
    const ac = new AbortController();
    let sent = 0;
    for await (const c of replay(src, { rate: RATE, signal: ac.signal, clock: { now: lslClock, sleep: (s) => new Promise((r) => setTimeout(r, s * 1000)) } })) {
      const n = Math.min(c.timestamps.length, N - sent);
      outlet.pushChunk(c.data.subarray(0, n * src.channels.length), c.timestamps.subarray(0, n));
      sent += n;
      if (sent >= N) ac.abort();
    }

    // Node: the same saved pipeline over the same samples straight from the file
    const ref = pipelineFromSaved(readSavedModel(join(runs, 's001-decoder')), 'ref', { channels: src.channels, sfreq: src.sfreq }, { queueS: 60 });
    const data = new Float32Array(N * src.channels.length);
    src.read(0, N, data);
    const want = ref.push({ data, timestamps: Float64Array.from({ length: N }, (_, i) => i / src.sfreq) }).map((o) => o.value as ClassPrediction);
    assert.ok(want.length > 50, `only ${want.length} windows in ${SECONDS} s`);

    await page.waitForFunction((n) => ((window as unknown as { __dendriteRealtime: { status(): { outputs: number } | null } }).__dendriteRealtime.status()?.outputs ?? 0) >= n, want.length, { timeout: 60_000 })
      .catch(async (e: Error) => { const s = await read(); throw new Error(`${e.message}: page at ${JSON.stringify(s.status)}, ${s.error}`); });
    await new Promise((r) => setTimeout(r, 300)); // a frame for the canvas and the table
    const s = await read();
    assert.equal(s.state, 'running', s.error ?? '');
    assert.equal(s.status!.samples, N);
    assert.equal(s.status!.relayDropped, 0);
    assert.equal(s.outputs.length, want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      const got = s.outputs[i]!;
      assert.equal(got.start, want[i]!.start, `window ${i}`);
      assert.equal(got.label, want[i]!.label, `window ${i}`);
      assert.equal(got.probabilities!.length, want[i]!.probabilities.length);
      want[i]!.probabilities.forEach((p, k) => {
        const rel = Math.abs(got.probabilities![k]! - p) / Math.max(Math.abs(p), 1e-300);
        worst = Math.max(worst, rel);
        assert.ok(rel <= rtol, `window ${i} class ${k}: page ${got.probabilities![k]}, Node ${p}`);
      });
    }
    // latency: percentiles in order, over every output, and shown on the page
    for (const k of ['page', 'endToEnd'] as const) {
      const l = s.status![k];
      assert.equal(l.count, want.length, k);
      assert.ok(l.p50 >= 0 && l.p50 <= l.p95 && l.p95 <= l.p99 && Number.isFinite(l.p99), `${k}: ${JSON.stringify(l)}`);
    }
    assert.ok(s.status!.endToEnd.p50 >= s.status!.page.p50, 'end-to-end is shorter than the part in the page');
    const table = await page.locator('#rt-latency').innerText();
    assert.match(table, /p95/);
    assert.match(table, new RegExp(s.status!.page.p99.toFixed(2).replace('.', '\\.')));
    // the engine: cross-origin isolated (the server's COOP/COEP), so Web Worker threads
    assert.equal(s.engine!.isolated, true);
    assert.match(s.engine!.backend, /^wasm/);
    assert.ok(s.engine!.threads >= 1);
    // a net's convolutions are split across the Web Workers; CSP+LDA runs on the page's thread (float64 linalg)
    if (workers) assert.ok(s.workerTasks > 0 && s.engine!.threads > 1, `no kernel task ran on a Web Worker (${s.engine!.threads} threads)`);
    // the cursor task and the latency plot drew something
    const arena = contentPixels(await page.locator('#rt-canvas').screenshot());
    assert.ok(arena.content > 0.05 * arena.total, `cursor canvas nearly empty: ${JSON.stringify(arena)}`);
    const plot = contentPixels(await page.locator('#rt-plot canvas').screenshot());
    assert.ok(plot.content > 200, `latency plot empty: ${JSON.stringify(plot)}`);
    const full = contentPixels(await savePageShot(page, 'realtime', dir));
    assert.ok(full.content > 0.05 * full.total, `realtime page screenshot nearly blank: ${JSON.stringify(full)}`);
    assert.deepEqual(problems, []);
    t.diagnostic(`${model}: ${want.length} windows (largest relative difference from Node ${worst.toExponential(1)}); page latency p50 ${s.status!.page.p50.toFixed(2)} p95 ${s.status!.page.p95.toFixed(2)} p99 ${s.status!.page.p99.toFixed(2)} ms; end-to-end p50 ${s.status!.endToEnd.p50.toFixed(2)} p95 ${s.status!.endToEnd.p95.toFixed(2)} p99 ${s.status!.endToEnd.p99.toFixed(2)} ms; ${s.engine!.backend}, ${s.engine!.threads} threads, ${s.workerTasks} worker tasks`);
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

// the windows hold the same float32 samples; CSP+LDA runs in float64, where chromium's V8 and
// Node's may round an exp or log differently in the last bits: 1e-10 relative (seen: 1e-12)
test('real-time page: a replayed recording decoded in chromium by CSP+LDA gives Node\'s predictions, with latency percentiles', { skip: skipUnlessData(r04, r08), timeout: 180_000 }, (t) => decodeInPage(t, { model: 'csp-lda', extra: [], seconds: 25, rate: 20, rtol: 1e-10, workers: false }));

// ShallowFBCSPNet runs on the wasm engine in the page (float32, Web Worker threads): its
// probabilities could differ from Node's in the last float32 bits of a sum split across threads
// (seen: none). Streamed at 5× real time, which the page keeps up with on two busy cores.
test('real-time page: a ShallowFBCSPNet decodes in chromium on the wasm engine, as in Node', { skip: skipUnlessData(r04, r08), timeout: 180_000 }, (t) => decodeInPage(t, { model: 'shallow', extra: ['--epochs', '2'], seconds: 12, rate: 5, rtol: 1e-6, workers: true }));
