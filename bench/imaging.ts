// `npm run bench:imaging`: the imaging and diagnosis benchmarks end to end — brainchop's MeshNets
// against PyTorch and TF.js on the 256³ T1, the segmentation training/evaluation (when built),
// and the Bonn EEG anomaly evaluation — each in its own process, in turn, printing its tables and
// its wall time, then the wall times together. IMAGING_PARTS=brainchop,bonn runs a subset;
// IMAGING_SEGMENT_ARGS passes arguments to the segmentation part (e.g. `--model DIR --refine only
// --mirror` to evaluate a saved segmenter instead of training one).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PARTS = ['brainchop', 'segment', 'bonn'];
const only = process.env['IMAGING_PARTS']?.split(',').filter(Boolean);
const walls: [string, string][] = [];
let failed = 0;
for (const part of PARTS) {
  if (only && !only.includes(part)) continue;
  const script = `dist/bench/imaging_${part}.js`;
  console.log(`\n## imaging ${part}\n`);
  if (!existsSync(script)) {
    console.log(`${script} not built; skipped`);
    walls.push([part, 'skipped']);
    continue;
  }
  const t0 = performance.now();
  const extra = part === 'segment' ? (process.env['IMAGING_SEGMENT_ARGS'] ?? '').split(/\s+/).filter(Boolean) : [];
  const r = spawnSync(process.execPath, [script, ...extra], { stdio: 'inherit' });
  const s = (performance.now() - t0) / 1000;
  walls.push([part, `${s.toFixed(1)} s${r.status === 0 ? '' : ` (exited with ${r.status ?? r.signal})`}`]);
  console.log(`\nimaging ${part}: ${s.toFixed(1)} s wall`);
  if (r.status !== 0) failed++;
}
console.log('\n## imaging: wall times\n');
for (const [part, w] of walls) console.log(`${part.padEnd(10)} ${w}`);
process.exitCode = failed ? 1 : 0;
