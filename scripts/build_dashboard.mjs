// Bundles the dashboard's pages for `dendrite serve`: every src/dashboard/pages/<page>.ts into
// dist/dashboard/<page>.js (ESM, minified, uPlot and niivue bundled in: no CDN, works offline),
// plus uPlot's style sheet as dist/dashboard/uplot.css. `--out DIR` writes them elsewhere (tests).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pagesDir = join(root, 'src/dashboard/pages');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 && process.argv[outArg + 1] ? process.argv[outArg + 1] : join(root, 'dist/dashboard');
mkdirSync(out, { recursive: true });
const entryPoints = readdirSync(pagesDir).filter((f) => f.endsWith('.ts')).sort().map((f) => join(pagesDir, f));
if (entryPoints.length === 0) throw new Error(`build_dashboard: no pages in ${pagesDir}`);
await build({
  entryPoints, outdir: out, bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
  minify: true, sourcemap: false, splitting: false, legalComments: 'none', logLevel: 'warning',
  // the wasm engine is inlined by the library itself; nothing here may reach for node:*
});
const require = createRequire(import.meta.url);
copyFileSync(join(dirname(require.resolve('uplot/package.json')), 'dist/uPlot.min.css'), join(out, 'uplot.css'));
console.log(`build_dashboard: ${entryPoints.length} page${entryPoints.length === 1 ? '' : 's'} -> ${out}`);
