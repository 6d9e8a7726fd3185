// Parent side of the reader fuzz test: runs a target's cases in a child process (fuzz_child.js)
// under a per-case time limit and a memory bound, so that a case that hangs or allocates without
// bound fails with its name instead of hanging the suite or taking the machine down.
//
// - time: the child writes a line as each case begins and ends; a case that has not ended within
//   `caseMs` is killed and reported as a timeout.
// - memory: the child runs with --max-old-space-size (the JS heap), and reports its peak RSS after
//   each case (getrusage ru_maxrss, so a transient peak counts); on Linux the parent also polls
//   /proc/<pid>/status and kills a child whose RSS passes the bound mid-case (typed-array memory
//   lives outside the JS heap, so the heap limit alone does not catch it).
// After a killed or crashed case the child is restarted at the next case, so one run reports every
// failing case (up to `maxFailures`).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CaseFailure {
  index: number;
  kind: 'untyped' | 'timeout' | 'rss' | 'crash';
  detail: string;
}

export interface FuzzRun {
  ok: number;
  typed: number;
  failures: CaseFailure[];
  /** Highest peak RSS any child reported, MiB. */
  peakRssMiB: number;
}

export interface WatchdogOptions {
  caseMs: number;
  rssMiB: number;
  maxFailures: number;
}

const CHILD = fileURLToPath(new URL('./fuzz_child.js', import.meta.url));
const PROC = existsSync('/proc/self/status');
const POLL_MS = 20;
const START_MS = 30_000; // loading a child and its source, before the first case

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface ChildResult {
  /** The first case not finished (== to when the child completed). */
  next: number;
  failure?: CaseFailure;
}

function runChild(name: string, from: number, to: number, opts: WatchdogOptions, run: FuzzRun): Promise<ChildResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${opts.rssMiB}`, CHILD, name, String(from), String(to), String(opts.rssMiB)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current = from; // the case running, or the next one to run
    let ended = false;
    let done = false;
    let stopped = false;
    let killed: CaseFailure | undefined;
    let reported: CaseFailure | undefined;
    let stderr = '';
    let buf = '';

    const kill = (f: CaseFailure) => {
      if (killed || ended || stopped) return;
      killed = f;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(() => kill({ index: current, kind: 'timeout', detail: `child did not start within ${START_MS} ms` }), START_MS);
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => kill({ index: current, kind: 'timeout', detail: `no result after ${opts.caseMs} ms` }), opts.caseMs);
    };
    const poll = PROC
      ? setInterval(() => {
        const kib = rssKiB(child.pid ?? 0);
        if (kib > opts.rssMiB * 1024) kill({ index: current, kind: 'rss', detail: `RSS reached ${Math.round(kib / 1024)} MiB, bound ${opts.rssMiB} MiB` });
      }, POLL_MS)
      : undefined;

    const onLine = (line: string) => {
      if (stopped) return;
      const [tag, a, b, c] = line.split(' ');
      if (tag === 'ready') arm();
      else if (tag === 'begin') {
        current = Number(a);
        arm();
      } else if (tag === 'end') {
        if (b === 'ok') run.ok++;
        else if (b === 'typed') run.typed++;
        run.peakRssMiB = Math.max(run.peakRssMiB, Number(c) / 1024);
        current = Number(a) + 1;
        arm();
      } else if (tag === 'untyped') {
        const { name: n, message, at } = JSON.parse(line.slice(tag.length + a!.length + 2)) as { name: string; message: string; at: string };
        run.failures.push({ index: Number(a), kind: 'untyped', detail: `${n}: ${message} (at ${at})` });
        if (run.failures.length >= opts.maxFailures && !killed) { // enough to go on: stop here
          stopped = true;
          child.kill('SIGKILL');
        }
      } else if (tag === 'rss') {
        reported = { index: Number(a), kind: 'rss', detail: `peak RSS ${Math.round(Number(b) / 1024)} MiB, bound ${opts.rssMiB} MiB` };
      } else if (tag === 'done') done = true;
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on('close', (code, signal) => {
      ended = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      if (done || stopped) return resolveRun({ next: to });
      const failure = killed ?? reported ?? {
        index: current,
        kind: 'crash' as const,
        detail: `child exited (code ${code}, signal ${signal})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
      };
      resolveRun({ next: failure.index + 1, failure });
    });
  });
}

/** Runs cases [0, cases) of target `name`, restarting the child after each killed or crashed case. */
export async function fuzzTarget(name: string, cases: number, opts: WatchdogOptions): Promise<FuzzRun> {
  const run: FuzzRun = { ok: 0, typed: 0, failures: [], peakRssMiB: 0 };
  let from = 0;
  while (from < cases && run.failures.length < opts.maxFailures) {
    const r = await runChild(name, from, cases, opts, run);
    if (r.failure) run.failures.push(r.failure);
    from = r.next;
  }
  run.failures.sort((x, y) => x.index - y.index);
  return run;
}
