// The frame of every report page: one self-contained HTML document, no scripts, no external assets.

import { esc } from './svg.js';

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
table.settings td{text-align:left}.row{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}
figure{margin:0}figcaption{font-size:12px;color:#555;text-align:center}img.filter{image-rendering:pixelated;border:1px solid #ccc}`;

/** A whole HTML page around `body` (already HTML), with the shared style. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
${body}</body></html>
`;
}

/** A two-column settings table. */
export function settingsTable(settings: readonly (readonly [string, string])[]): string {
  return `<table class="settings">${settings.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`;
}
