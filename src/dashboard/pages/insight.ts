// The insight page: one `dendrite insight` run drawn from its results.json — LeNet's conv1
// filters and feature maps, CSP patterns / spatial filters as topomaps, attribution maps on the
// chosen inputs (per-channel topomaps for EEG), RDM heat maps with the model–brain bars, and
// F1/F0 histograms of network units against Ringach's V1 cells. ?run=<root>/<run>; without it,
// the insight runs to choose from. State on window.__dendriteInsight for tests.
import { MODULATION_RATIO_BINS } from '../../insight/electrophys/stats.js';
import { channelLayout } from '../../insight/activations/spatial.js';
import { rdmFromVector, squareRdm } from '../../insight/rsa/rdm.js';
import { fetchJson } from '../client/fetch.js';
import { heatCanvas, histogramPlot, modelBars, topomapCanvas } from '../client/insight_views.js';
import { el, mountLayout } from '../client/layout.js';

type Kind = 'filters-lenet' | 'filters-eeg' | 'attribution' | 'rsa' | 'v1';
interface InsightState { state: 'loading' | 'ready' | 'list' | 'error'; kind: Kind | null; error: string | null; figures: number }
type R = Record<string, unknown>;

const row = (...c: HTMLElement[]) => el('div', { class: 'dd-row' }, ...c);
const num = (v: unknown) => (typeof v === 'number' ? v : NaN);

function lenetFilters(r: R, out: HTMLElement): void {
  const conv1 = r['conv1'] as { shape: number[]; weights: number[] };
  const [F, , kh, kw] = conv1.shape as [number, number, number, number];
  const size = kh * kw;
  out.append(el('h2', {}, `conv1 filters (${F} × ${kh} × ${kw})`), row(...Array.from({ length: F }, (_, f) => heatCanvas(conv1.weights.slice(f * size, (f + 1) * size), kw, kh, { scale: 12, title: `filter ${f}` }))));
  const digits = r['digits'] as { label: number; pred: number; input?: number[]; featureMaps?: number[] }[];
  out.append(el('h2', {}, 'conv1 feature maps'));
  for (const d of digits) {
    if (!d.input || !d.featureMaps) continue;
    const n = d.featureMaps.length / 784;
    out.append(row(heatCanvas(d.input, 28, 28, { cmap: 'gray', scale: 3, title: `digit ${d.label} (predicted ${d.pred})` }),
      ...Array.from({ length: n }, (_, f) => heatCanvas(d.featureMaps!.slice(f * 784, (f + 1) * 784), 28, 28, { scale: 3, title: `map ${f}` }))));
  }
}

function eegFilters(r: R, out: HTMLElement): void {
  const xy = r['topomapXY'] as [number, number][];
  const index = r['index'] as number[];
  const maps = r['maps'] as { title: string; values: number[] }[];
  out.append(el('h2', {}, r['kind'] === 'csp' ? 'CSP patterns' : 'Spatial filters'), row(...maps.map((m) => topomapCanvas(xy, index.map((i) => m.values[i]!), m.title))));
}

function attribution(r: R, out: HTMLElement): void {
  const examples = r['examples'] as R[];
  const classes = (r['classNames'] as string[] | null) ?? [];
  const chNames = r['chNames'] as string[] | null;
  const methods = Object.keys(examples[0] ?? {}).filter((k) => examples[0]![k] && typeof examples[0]![k] === 'object' && !Array.isArray(examples[0]![k]));
  const layout = chNames ? channelLayout(chNames) : null;
  for (const e of examples) {
    const title = `example ${e['index']}: label ${classes[num(e['label'])] ?? e['label']}, predicted ${classes[num(e['pred'])] ?? e['pred']}, explained ${classes[num(e['target'])] ?? e['target']}`;
    const figs: HTMLElement[] = [];
    if (Array.isArray(e['input'])) figs.push(heatCanvas(e['input'] as number[], 28, 28, { cmap: 'gray', scale: 4, title: 'input' }));
    for (const m of methods) {
      const v = e[m] as { values?: number[]; channelAbsSums?: number[] };
      if (v.values) {
        const side = Math.round(Math.sqrt(v.values.length));
        if (side * side === v.values.length) figs.push(heatCanvas(v.values, side, side, { scale: 112 / side, title: m }));
      } else if (v.channelAbsSums && layout) figs.push(topomapCanvas(layout.xy, layout.index.map((i) => v.channelAbsSums![i]!), `${m}: Σ|attribution| per channel`, 180, 'viridis'));
    }
    out.append(el('h2', {}, title), row(...figs));
  }
}

function rsa(r: R, out: HTMLElement): void {
  const models = r['models'] as { name: string; value: number }[];
  const ceiling = r['noiseCeiling'] as { lower: number; upper: number };
  out.append(el('h2', {}, 'Model–brain similarity'), modelBars(models.map((m) => m.name), models.map((m) => m.value), ceiling, `${(r['settings'] as R | undefined)?.['method'] ?? ''} similarity to the brain RDMs`));
  const rdms = (r['rdms'] as { name: string; n: number; vector: number[] }[] | undefined) ?? [];
  if (!rdms.length) out.append(el('p', { class: 'dd-muted' }, 'This run has no RDMs in its results.json (made before they were recorded): rerun dendrite insight rsa.'));
  out.append(el('h2', {}, 'RDMs (rank-transformed, viridis: dark = similar)'));
  out.append(row(...rdms.map((d) => {
    const sq = squareRdm(rdmFromVector(d.vector));
    // ranks of the off-diagonal entries as percentiles, as the static report draws them
    const off = d.vector.slice().sort((a, b) => a - b);
    const pct = Float64Array.from(sq, (v, i) => (i % (d.n + 1) === 0 ? 0 : lowerBound(off, v) / Math.max(1, off.length - 1)));
    return heatCanvas(pct, d.n, d.n, { cmap: 'viridis', vlim: [0, 1], scale: Math.max(1, Math.floor(240 / d.n)), title: d.name });
  })));
}

function lowerBound(a: readonly number[], v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m]! < v) lo = m + 1; else hi = m; }
  return lo;
}

function v1(r: R, out: HTMLElement): void {
  const ringach = (r['ringachValues'] as number[] | undefined) ?? [];
  if (!ringach.length) out.append(el('p', { class: 'dd-muted' }, 'This run has no Ringach values in its results.json (made before they were recorded): rerun dendrite insight v1.'));
  for (const net of r['networks'] as { network: string; layers: { name: string; modulationRatios: number[]; ksSimilarity?: { center: number } | null }[] }[]) {
    out.append(el('h2', {}, `${net.network}: F1/F0 of the units against macaque V1 (Ringach 2002)`), row(...net.layers.map((l) => histogramPlot(MODULATION_RATIO_BINS,
      [{ name: 'V1 cells', values: ringach, stroke: '#667085' }, { name: l.name, values: l.modulationRatios, stroke: '#c0392b' }],
      `${l.name}${l.ksSimilarity ? `: KS similarity ${l.ksSimilarity.center.toFixed(3)}` : ''}`, 'F1/F0'))));
  }
}

const VIEWS: Record<Kind, { title: string; draw: (r: R, out: HTMLElement) => void }> = {
  'filters-lenet': { title: 'LeNet filters and feature maps', draw: lenetFilters },
  'filters-eeg': { title: 'EEG spatial maps', draw: eegFilters },
  attribution: { title: 'Attribution maps', draw: attribution },
  rsa: { title: 'Representational similarity', draw: rsa },
  v1: { title: 'In-silico electrophysiology (V1)', draw: v1 },
};

async function mount(main: HTMLElement): Promise<void> {
  const st: InsightState = { state: 'loading', kind: null, error: null, figures: 0 };
  (window as unknown as { __dendriteInsight: InsightState }).__dendriteInsight = st;
  const status = el('p', { id: 'ins-status' }, 'loading…');
  const out = el('div', { id: 'ins-view' });
  main.append(status, out);
  try {
    const id = new URLSearchParams(location.search).get('run');
    if (id === null) {
      const { runs } = await fetchJson<{ runs: { id: string; kind: Kind }[] }>('/api/insight/runs');
      status.textContent = runs.length ? 'insight runs:' : 'no insight runs under --runs (dendrite insight filters | attribution | rsa | v1 --out <runs>)';
      out.append(el('ul', { id: 'ins-runs' }, ...runs.map((r) => el('li', {}, el('a', { href: `?run=${encodeURIComponent(r.id)}` }, r.id), ` — ${VIEWS[r.kind].title}`))));
      st.state = 'list';
      return;
    }
    const [root, run] = id.split('/');
    const j = await fetchJson<{ id: string; kind: Kind; results: R }>(`/api/insight/${encodeURIComponent(root ?? '')}/${encodeURIComponent(run ?? '')}`);
    st.kind = j.kind;
    status.textContent = `${j.id}: ${VIEWS[j.kind].title}`;
    VIEWS[j.kind].draw(j.results, out);
    st.figures = out.querySelectorAll('figure, .ins-plot').length;
    st.state = 'ready';
  } catch (e) {
    st.state = 'error';
    st.error = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    status.textContent = `error: ${st.error}`;
  }
}

void mount(mountLayout('insight', 'Insight'));
