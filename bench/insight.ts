// `npm run bench:insight`: the insight benchmarks end to end — attribution timing, filter and
// topomap rendering, the RSA comparisons (human IT, reach directions) and the V1 experiment —
// each part in its own process, in turn, printing its tables.
import { spawnSync } from 'node:child_process';

const PARTS = ['attribution', 'filters', 'rsa', 'v1'];
const only = process.env['INSIGHT_PARTS']?.split(',').filter(Boolean);
let failed = 0;
for (const part of PARTS) {
  if (only && !only.includes(part)) continue;
  console.log(`\n## insight ${part}\n`);
  const r = spawnSync(process.execPath, [`dist/bench/insight_${part}.js`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`insight ${part}: exited with ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
