// One run: its status, loss and accuracy curves (growing live while the run trains: the server
// pushes each new metrics.jsonl line as a server-sent event), its config, its results
// (confusion matrix, chance level, per-trial predictions, per-bin trajectories) and its files.

import { fetchJson } from '../client/fetch.js';
import { el, mountLayout, runPage, showError } from '../client/layout.js';
import { metricCurves } from '../client/curves.js';
import { linePlot } from '../client/plot.js';
import { renderResults } from '../client/results.js';
import { runPath, type MetricRecord, type RunDetail } from '../client/runs_api.js';

const main = mountLayout('run', 'Run');

function configTable(config: Record<string, unknown>): HTMLTableElement {
  return el('table', { class: 'dd-table', id: 'config' }, el('tbody', {},
    ...Object.entries(config).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, typeof v === 'string' ? v : JSON.stringify(v))))));
}

runPage(main, async () => {
  const id = new URLSearchParams(location.search).get('run');
  if (!id) {
    main.append(el('p', {}, 'No run chosen: pick one in ', el('a', { href: '/page/runs' }, 'the runs list'), '.'));
    return;
  }
  const base = runPath(id);
  const d = await fetchJson<RunDetail>(base);
  const s = d.summary;
  main.querySelector('h1')!.textContent = `${s.command ?? 'run'}${s.model ? ` · ${s.model}` : ''} · ${s.name}`;
  const status = el('span', { id: 'status', class: `status-${s.status}` }, s.status);
  main.append(el('p', {}, 'status ', status, ` · started ${new Date(s.started).toLocaleString()} · folder ${s.root}/${s.name}`));
  if (s.error) main.append(el('div', { class: 'dd-error' }, s.error));

  const records: MetricRecord[] = [...d.metrics];
  const curves = el('div', { class: 'dd-row', id: 'curves' });
  main.append(el('h2', {}, 'Curves'), curves);
  const loss = linePlot(curves, 'loss-plot', { title: 'loss', xLabel: 'epoch', yLabel: 'loss' });
  const acc = linePlot(curves, 'acc-plot', { title: 'accuracy', xLabel: 'epoch', yLabel: 'accuracy' });
  const counter = el('p', { class: 'dd-muted', id: 'metric-count' });
  main.append(counter);
  let pending = false;
  const redraw = () => {
    pending = false;
    loss.set(metricCurves(records, 'loss'));
    acc.set(metricCurves(records, 'acc'));
    counter.textContent = `${records.length} metric lines${d.badLines ? ` (${d.badLines} malformed skipped)` : ''}`;
  };
  redraw();

  const rest = el('div', { id: 'details' });
  main.append(rest);
  const details = (detail: RunDetail) => {
    rest.replaceChildren();
    if (detail.results) renderResults(rest, detail.results);
    if (detail.config) rest.append(el('h2', {}, 'Config'), configTable(detail.config));
    if (detail.files.length) {
      rest.append(el('h2', {}, 'Files'), el('ul', {}, ...detail.files.map((f) =>
        el('li', {}, el('a', { href: `${base}/files/${encodeURIComponent(f.name)}`, target: '_blank', rel: 'noopener' }, f.name), ` (${f.bytes} bytes)`))));
    }
  };
  details(d);

  if (s.status !== 'running') return;
  // live: the lines after those already read, then status changes, until 'end'
  const es = new EventSource(`${base}/events?from=${d.metricsBytes}`);
  es.addEventListener('metric', (ev) => {
    records.push(JSON.parse((ev as MessageEvent<string>).data) as MetricRecord);
    if (!pending) {
      pending = true;
      requestAnimationFrame(redraw);
    }
  });
  es.addEventListener('status', (ev) => {
    const st = JSON.parse((ev as MessageEvent<string>).data) as { status?: string };
    if (typeof st.status === 'string') {
      status.textContent = st.status;
      status.className = `status-${st.status}`;
    }
  });
  es.addEventListener('reset', () => {
    records.length = 0;
    redraw();
  });
  es.addEventListener('end', () => {
    es.close();
    fetchJson<RunDetail>(base).then(details, (e: unknown) => showError(main, e));
  });
});
