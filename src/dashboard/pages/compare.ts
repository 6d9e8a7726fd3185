// Several runs' curves overlaid: ?runs=a/b,c/d (chosen on the runs list); one loss and one
// accuracy chart, a series per run and split, and a table of each run's headline figure.

import { fetchJson } from '../client/fetch.js';
import { el, mountLayout, runPage } from '../client/layout.js';
import { align, metricCurves } from '../client/curves.js';
import { linePlot } from '../client/plot.js';
import { runPath, type RunDetail, type RunsList } from '../client/runs_api.js';

const main = mountLayout('compare', 'Compare runs');
/** The most runs overlaid at once (past that the legend stops being readable). */
const MAX_RUNS = 10;

runPage(main, async () => {
  const raw = new URLSearchParams(location.search).get('runs') ?? '';
  let ids = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) {
    // no choice yet: offer the runs that have metrics
    const list = await fetchJson<RunsList>('/api/runs');
    ids = list.runs.slice(0, 3).map((r) => r.id);
    main.append(el('p', { class: 'dd-muted' }, 'No runs chosen (tick runs on the runs list); showing the newest.'));
  }
  ids = ids.slice(0, MAX_RUNS);
  const details = await Promise.all(ids.map((id) => fetchJson<RunDetail>(runPath(id))));
  const box = el('div', { class: 'dd-row', id: 'curves' });
  main.append(box);
  for (const key of ['loss', 'acc']) {
    const parts = details.flatMap((d) => {
      const c = metricCurves(d.metrics, key, `${d.summary.name} · `);
      return c.series.map((s) => ({ label: s.label, pts: new Map(c.x.flatMap((x, i) => (s.values[i] === null ? [] : [[x, s.values[i]!] as [number, number]]))) }));
    });
    linePlot(box, `${key}-plot`, { title: key === 'acc' ? 'accuracy' : 'loss', xLabel: 'epoch', yLabel: key, width: 640, height: 340 }).set(align(parts));
  }
  main.append(el('h2', {}, 'Runs'), el('table', { class: 'dd-table', id: 'compared' },
    el('thead', {}, el('tr', {}, ...['run', 'command', 'model', 'status', 'best', 'lines'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...details.map((d) => el('tr', {},
      el('td', {}, el('a', { href: `/page/run?run=${encodeURIComponent(d.summary.id)}` }, d.summary.id)),
      el('td', {}, d.summary.command ?? ''), el('td', {}, d.summary.model ?? ''),
      el('td', { class: `status-${d.summary.status}` }, d.summary.status),
      el('td', {}, d.summary.best ? `${d.summary.best.name} ${d.summary.best.value.toFixed(4)}` : ''),
      el('td', {}, String(d.metrics.length)))))));
});
