// The one HTML document every dashboard page is served in: the page's bundle from /assets/
// mounts itself into #app.

import { PAGES } from '../../dashboard/pages.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The shell of page `name` (one of PAGES). */
export function pageShell(name: string): string {
  const page = PAGES.find((p) => p.name === name);
  const title = page ? page.title : name;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · dendrite</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uplot.css">
<script type="module" src="/assets/${esc(name)}.js"></script>
</head><body><div id="app"></div></body></html>
`;
}
