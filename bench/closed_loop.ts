// `npm run bench:closed-loop`: the closed-loop benchmarks — decode-step latency of the streaming
// stages (Kalman, GRU) at 50 ms bins, and the cursor simulator's velocity KF against ReFIT-KF over
// seeded sessions, and LSL outlet→inlet latency on loopback (20 s) — each in its own process,
// printing its table.
import { spawnSync } from 'node:child_process';

let failed = 0;
for (const part of ['runtime', 'pipeline', 'sim', 'smoothbatch', 'rl', 'lsl']) {
  console.log(`\n## closed loop: ${part}\n`);
  const r = spawnSync(process.execPath, [`dist/bench/closed_loop_${part}.js`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`closed loop ${part}: exited with ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
