// The runs list: every run folder under --runs, newest first, with its command, model, status
// and headline figure; refreshed every few seconds while any run is running.

import { fetchJson } from '../client/fetch.js';
import { el, mountLayout, runPage } from '../client/layout.js';
import type { RunsList, RunSummary } from '../client/runs_api.js';

const main = mountLayout('runs', 'Runs');

function row(r: RunSummary, picked: Set<string>): HTMLTableRowElement {
  const box = el('input', { type: 'checkbox', 'aria-label': `compare ${r.id}` });
  box.checked = picked.has(r.id);
  box.addEventListener('change', () => (box.checked ? picked.add(r.id) : picked.delete(r.id)));
  const best = r.best ? `${r.best.name} ${Number.isInteger(r.best.value) ? r.best.value : r.best.value.toFixed(4)}` : '';
  return el('tr', { 'data-run': r.id },
    el('td', {}, box),
    el('td', {}, el('a', { href: `/page/run?run=${encodeURIComponent(r.id)}` }, r.name)),
    el('td', { class: 'dd-muted' }, r.root),
    el('td', {}, r.command ?? ''),
    el('td', {}, r.model ?? ''),
    el('td', { class: `status-${r.status}`, title: r.error ?? '' }, r.status),
    el('td', {}, best),
    el('td', { class: 'dd-muted' }, new Date(r.started).toLocaleString()));
}

runPage(main, async () => {
  const picked = new Set<string>();
  const compare = el('button', { type: 'button' }, 'Compare selected');
  compare.addEventListener('click', () => {
    if (picked.size) location.href = `/page/compare?runs=${encodeURIComponent([...picked].join(','))}`;
  });
  const roots = el('p', { class: 'dd-muted' });
  const tbody = el('tbody');
  const table = el('table', { class: 'dd-table', id: 'runs' },
    el('thead', {}, el('tr', {}, ...['', 'run', 'folder', 'command', 'model', 'status', 'best', 'started'].map((h) => el('th', {}, h)))), tbody);
  main.append(roots, table, el('p', {}, compare));
  const load = async () => {
    const list = await fetchJson<RunsList>('/api/runs');
    roots.textContent = `from ${list.roots.map((r) => r.dir).join(', ')}: ${list.runs.length} run${list.runs.length === 1 ? '' : 's'}`;
    tbody.replaceChildren(...list.runs.map((r) => row(r, picked)));
    if (list.runs.length === 0) tbody.append(el('tr', {}, el('td', { colspan: '8', class: 'dd-muted' }, 'no runs yet: dendrite train lenet or decode writes one')));
    return list.runs.some((r) => r.status === 'running');
  };
  let running = await load();
  const again = async () => {
    running = await load();
    setTimeout(() => void again().catch(() => undefined), running ? 2000 : 10000);
  };
  setTimeout(() => void again().catch(() => undefined), running ? 2000 : 10000);
});
