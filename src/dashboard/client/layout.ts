// The frame every dashboard page shares: the style sheet, the nav bar over PAGES, a title and a
// main area; plus small DOM helpers and the one place errors are shown.

import { PAGES } from '../pages.js';

const STYLE = `
:root { --fg: #1d2430; --muted: #667085; --line: #d0d5dd; --bg: #ffffff; --accent: #2563eb; --bad: #b42318; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg); background: var(--bg); }
nav.dd-nav { display: flex; gap: 4px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--line); background: #f8fafc; }
nav.dd-nav .brand { font-weight: 700; margin-right: 16px; }
nav.dd-nav a { color: var(--fg); text-decoration: none; padding: 4px 10px; border-radius: 6px; }
nav.dd-nav a.active { background: var(--accent); color: #fff; }
main.dd-main { padding: 16px; max-width: 1400px; }
h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 16px; margin: 20px 0 8px; }
table.dd-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.dd-table th, table.dd-table td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
table.dd-table th { color: var(--muted); font-weight: 600; }
.dd-error { color: var(--bad); border: 1px solid var(--bad); padding: 8px 12px; border-radius: 6px; margin: 8px 0; white-space: pre-wrap; }
.dd-muted { color: var(--muted); }
.status-running { color: var(--accent); font-weight: 600; } .status-done { color: var(--ok); } .status-failed, .status-died { color: var(--bad); }
.dd-row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.dd-card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
pre.dd-json { max-height: 360px; overflow: auto; background: #f8fafc; padding: 8px; border-radius: 6px; font-size: 12px; }
`;

/** Creates an element with attributes and children (strings become text nodes, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** Mounts the frame into #app for page `name`; returns the main area. */
export function mountLayout(name: string, title: string): HTMLElement {
  const app = document.getElementById('app');
  if (!app) throw new Error('dashboard: the page has no #app element');
  const style = document.createElement('style');
  style.textContent = STYLE;
  document.head.append(style);
  const nav = el('nav', { class: 'dd-nav' }, el('span', { class: 'brand' }, 'dendrite'));
  for (const p of PAGES) nav.append(el('a', { href: `/page/${p.name}`, class: p.name === name ? 'active' : '' }, p.title));
  const main = el('main', { class: 'dd-main' }, el('h1', {}, title));
  app.replaceChildren(nav, main);
  document.title = `${title} · dendrite`;
  return main;
}

/** Shows an error in `where` (the message of a typed error names the request or file). */
export function showError(where: HTMLElement, e: unknown): void {
  where.append(el('div', { class: 'dd-error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
}

/** Runs a page's async body; an error is shown on the page instead of going unseen. */
export function runPage(main: HTMLElement, body: () => Promise<void>): void {
  body().catch((e: unknown) => showError(main, e));
}
