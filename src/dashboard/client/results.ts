// A run's results.json as views: headline numbers with the chance level, the confusion matrix,
// per-trial predictions, per-output metrics, and per-bin trajectories (truth against
// prediction) for spike decoders. Each reads the shapes dendrite's commands write and skips
// what a run does not have.

import { el } from './layout.js';
import { align } from './curves.js';
import { linePlot } from './plot.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const fmt = (v: unknown): string => (isNum(v) ? (Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(3) : v.toFixed(4)) : typeof v === 'string' ? v : JSON.stringify(v));
/** The most rows a table shows (a run may have thousands of trials). */
export const MAX_ROWS = 500;

function table(head: string[], rows: (string | Node)[][], id: string): HTMLTableElement {
  return el('table', { class: 'dd-table', id },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))));
}

/** Rows: true class, columns: predicted; cells shaded by their share of the row. */
export function confusionTable(m: number[][], names: string[]): HTMLTableElement {
  const t = table(['true \\ predicted', ...names], [], 'confusion');
  const body = t.tBodies[0]!;
  m.forEach((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0) || 1;
    const tr = el('tr', {}, el('th', {}, names[i] ?? String(i)));
    row.forEach((v, j) => {
      const share = v / sum;
      const td = el('td', { title: `${(100 * share).toFixed(1)} % of true ${names[i] ?? i}` }, String(v));
      td.style.background = `rgba(37, 99, 235, ${(0.85 * share).toFixed(3)})`;
      if (share > 0.5) td.style.color = '#fff';
      if (i === j) td.style.fontWeight = '700';
      tr.append(td);
    });
    body.append(tr);
  });
  return t;
}

/** Appends every view `results` supports to `parent`. */
export function renderResults(parent: HTMLElement, results: Obj): void {
  const r = isObj(results['result']) ? { ...results, ...(results['result'] as Obj) } : results;
  const names = Array.isArray(r['classNames']) ? (r['classNames'] as unknown[]).map(String) : null;

  // headline numbers, the chance level beside the accuracy
  const keys = ['accuracy', 'balancedAccuracy', 'chance', 'kappa', 'pValue', 'nCorrect', 'nTest', 'nTrain', 'fitSeconds', 'latencyUs', 'finalTestAccuracy', 'seconds'];
  const head = keys.filter((k) => isNum(r[k])).map((k) => [k, fmt(r[k])]);
  if (head.length) parent.append(el('h2', {}, 'Results'), table(['figure', 'value'], head, 'headline'));
  if (isNum(r['accuracy']) && isNum(r['chance'])) {
    parent.append(el('p', { id: 'chance' }, `accuracy ${(100 * r['accuracy']).toFixed(1)} % against a chance level of ${(100 * r['chance']).toFixed(1)} % (the most frequent class)`));
  }

  const conf = r['confusion'];
  if (Array.isArray(conf) && conf.every((row) => Array.isArray(row) && row.every(isNum))) {
    const m = conf as number[][];
    parent.append(el('h2', {}, 'Confusion matrix'), confusionTable(m, names ?? m.map((_, i) => String(i))));
  }

  const metrics = r['metrics'];
  if (Array.isArray(metrics) && metrics.length && metrics.every(isObj)) {
    const cols = Object.keys(metrics[0] as Obj);
    parent.append(el('h2', {}, 'Metrics per output'), table(cols, (metrics as Obj[]).map((m) => cols.map((c) => fmt(m[c]))), 'output-metrics'));
  }

  // segmentation: volume per label; any command: seconds per stage
  const classes = r['classes'];
  if (Array.isArray(classes) && classes.length && classes.every(isObj)) {
    const cols = Object.keys(classes[0] as Obj);
    parent.append(el('h2', {}, 'Labels'), table(cols, (classes as Obj[]).map((c) => cols.map((k) => fmt(c[k]))), 'classes'));
  }
  const timings = r['timings'];
  if (isObj(timings) && Object.values(timings).every(isNum)) {
    parent.append(el('h2', {}, 'Timings'), table(['stage', 'seconds'], Object.entries(timings).map(([k, v]) => [k, (v as number).toFixed(3)]), 'timings'));
  }

  const trials = r['trials'];
  if (Array.isArray(trials) && trials.length && trials.every(isObj)) {
    const cols = ['#', 'file', 'onset', 'target', 'pred', 'correct'].filter((c) => c === '#' || c in (trials[0] as Obj));
    const probaNames = isObj((trials[0] as Obj)['proba']) ? Object.keys((trials[0] as Obj)['proba'] as Obj) : [];
    const rows = (trials as Obj[]).slice(0, MAX_ROWS).map((t, i) => [
      ...cols.map((c) => (c === '#' ? String(i + 1) : c === 'file' ? String(t[c]).split('/').pop()! : fmt(t[c]))),
      ...probaNames.map((n) => fmt((t['proba'] as Obj)[n])),
    ]);
    parent.append(el('h2', {}, `Per-trial predictions (${trials.length} trials${trials.length > MAX_ROWS ? `, first ${MAX_ROWS} shown` : ''})`),
      table([...cols, ...probaNames.map((n) => `p(${n})`)], rows, 'trials'));
  }

  // spike decoders: per-bin truth and prediction per output dimension
  const p = r['predictions'];
  if (isObj(p) && Array.isArray(p['bin']) && Array.isArray(p['truth']) && Array.isArray(p['pred'])) {
    const bins = p['bin'] as number[];
    const truth = p['truth'] as number[][];
    const pred = p['pred'] as number[][];
    const outputs = Array.isArray(r['outputs']) ? (r['outputs'] as unknown[]).map(String) : (truth[0] ?? []).map((_, j) => `y${j}`);
    const box = el('div', { class: 'dd-row', id: 'trajectories' });
    parent.append(el('h2', {}, `Per-bin trajectories (${bins.length} test bins)`), box);
    outputs.forEach((name, j) => {
      const t = new Map<number, number>();
      const q = new Map<number, number>();
      bins.forEach((b, i) => {
        if (isNum(truth[i]?.[j])) t.set(b, truth[i]![j]!);
        if (isNum(pred[i]?.[j])) q.set(b, pred[i]![j]!);
      });
      linePlot(box, `trajectory-${j}`, { title: name, xLabel: 'bin', yLabel: name, width: 560, height: 240, points: false, dashed: (l) => l === 'predicted' })
        .set(align([{ label: 'true', pts: t }, { label: 'predicted', pts: q }]));
    });
  }
}
