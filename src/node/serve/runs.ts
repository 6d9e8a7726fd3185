// Reading run folders for the dashboard: a summary per run for the list (command, model,
// status, headline figure) and the whole run (config, status, metrics lines, results) for its
// page. Folders written before run logging existed (results.json and report.html only) are
// listed too, with what can be read from them.

import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../errors.js';
import { NAME, type RunRoot } from './paths.js';

/** The largest JSON file (config, status, results) and metrics file read for a page. */
export const MAX_JSON_BYTES = 32 << 20;
export const MAX_METRICS_BYTES = 32 << 20;

export type ShownStatus = 'running' | 'done' | 'failed' | 'died' | 'unknown';

export interface RunSummary {
  /** `<root label>/<folder name>`: the run's address in URLs. */
  id: string;
  root: string;
  name: string;
  command: string | null;
  model: string | null;
  status: ShownStatus;
  /** ISO time the run started (status.json), else the folder's modification time. */
  started: string;
  best: { name: string; value: number } | null;
  error: string | null;
}

/**
 * Reads `path` (at most `max` bytes, else FormatError); null when it does not exist or is not a
 * regular file. O_NONBLOCK keeps a FIFO named like a run file from blocking the open (and so the
 * server); the type and size come from the opened descriptor, not from a second lookup by name.
 */
export function readCapped(path: string, max: number): Uint8Array | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null; // a folder, pipe, socket or device is no run file
    const size = st.size;
    if (size > max) throw new FormatError(`${path}: ${size} bytes, more than the ${max} this server reads`);
    const buf = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** A JSON file's value, null when absent; FormatError when it is not JSON. */
export function readJson(path: string, max = MAX_JSON_BYTES): unknown {
  const b = readCapped(path, max);
  if (b === null) return null;
  try {
    return JSON.parse(new TextDecoder().decode(b));
  } catch (e) {
    throw new FormatError(`${path}: not JSON (${(e as Error).message})`);
  }
}

function readJsonQuiet(path: string): Record<string, unknown> | null {
  try {
    const v = readJson(path, 1 << 20);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** metrics.jsonl's complete lines as objects; malformed lines are counted, not fatal. */
export function parseMetrics(text: string): { records: Record<string, unknown>[]; bad: number } {
  const records: Record<string, unknown>[] = [];
  let bad = 0;
  const end = text.lastIndexOf('\n'); // a line still being written has no newline yet
  for (const line of text.slice(0, end + 1).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) records.push(v as Record<string, unknown>);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { records, bad };
}

function alive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run whose status says running: its pid is tested only on the host that wrote it (a pid on
 * another machine names some other process here, or none), so a run from elsewhere stays
 * 'running' until its status.json says it ended.
 */
function runningOrDied(status: Record<string, unknown>): ShownStatus {
  const host = status['host'];
  if (typeof host === 'string' && host !== hostname()) return 'running';
  return alive(status['pid']) ? 'running' : 'died';
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The best accuracy-like figure in metrics records (a non-train split), for runs without status.best. */
function bestOfMetrics(records: Record<string, unknown>[]): { name: string; value: number } | null {
  let best: { name: string; value: number } | null = null;
  for (const r of records) {
    if (r['split'] === 'train' || typeof r['acc'] !== 'number' || r['step'] !== undefined) continue;
    if (best === null || (r['acc'] as number) > best.value) best = { name: `${String(r['split'])} acc`, value: r['acc'] as number };
  }
  return best;
}

/** The most runs /api/runs lists (the newest); the list is read on every visit of the runs page. */
export const MAX_LISTED_RUNS = 2000;
const MAX_LIST_METRICS_BYTES = 4 << 20;
const MAX_CACHED = 4096;
// bestOfMetrics per metrics.jsonl, kept while the file's size and mtime stay the same: the list
// would otherwise parse up to 4 MiB per run without status.best on every request
const metricsBest = new Map<string, { size: number; mtimeMs: number; best: { name: string; value: number } | null }>();

/** bestOfMetrics of a metrics file, from the cache when the file has not changed; null when absent or too large. */
export function bestOfMetricsFile(path: string): { name: string; value: number } | null {
  let st;
  try {
    st = statSync(path);
  } catch {
    return null;
  }
  const hit = metricsBest.get(path);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.best;
  let best: { name: string; value: number } | null = null;
  try {
    const m = readCapped(path, MAX_LIST_METRICS_BYTES);
    if (m !== null) best = bestOfMetrics(parseMetrics(new TextDecoder().decode(m)).records);
  } catch {
    /* too large for the list; the run's page reads it */
  }
  if (metricsBest.size >= MAX_CACHED) metricsBest.clear();
  metricsBest.set(path, { size: st.size, mtimeMs: st.mtimeMs, best });
  return best;
}

/** A headline figure from an older results.json. */
function bestOfResults(res: Record<string, unknown> | null): { name: string; value: number } | null {
  if (res === null) return null;
  for (const k of ['accuracy', 'testAccuracy', 'finalTestAccuracy', 'r2', 'meanDice', 'dice', 'auc']) {
    const v = res[k];
    if (typeof v === 'number' && Number.isFinite(v)) return { name: k, value: v };
  }
  return null;
}

/** The summary of one run folder. */
export function summarize(root: RunRoot, name: string): RunSummary {
  const dir = join(root.dir, name);
  const status = readJsonQuiet(join(dir, 'status.json'));
  const config = readJsonQuiet(join(dir, 'config.json'));
  let shown: ShownStatus = 'unknown';
  let best: RunSummary['best'] = null;
  if (status !== null) {
    const s = str(status['status']);
    shown = s === 'running' ? runningOrDied(status) : s === 'done' || s === 'failed' ? s : 'unknown';
    const b = status['best'] as { name?: unknown; value?: unknown } | null | undefined;
    if (b && typeof b.name === 'string' && typeof b.value === 'number') best = { name: b.name, value: b.value };
  }
  let results: Record<string, unknown> | null = null;
  if (best === null) {
    best = bestOfMetricsFile(join(dir, 'metrics.jsonl'));
  }
  if (best === null || status === null) {
    results = readJsonQuiet(join(dir, 'results.json'));
    best ??= bestOfResults(results);
  }
  if (status === null) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      /* listed as unknown */
    }
    if (entries.includes('report.html') || entries.includes('results.json')) shown = 'done';
  }
  let mtime = new Date(0);
  try {
    mtime = statSync(dir).mtime;
  } catch {
    /* vanished meanwhile */
  }
  const cmd = str(status?.['command']) ?? str(config?.['command']) ?? str(results?.['command']);
  const model = str(status?.['model']) ?? str(config?.['model']) ?? str(results?.['model']);
  return {
    id: `${root.label}/${name}`, root: root.label, name, command: cmd, model, status: shown,
    started: str(status?.['started']) ?? mtime.toISOString(), best, error: str(status?.['error']),
  };
}

/** The run folders under `roots`, newest first, at most MAX_LISTED_RUNS of them. */
export function listRuns(roots: readonly RunRoot[]): RunSummary[] {
  const out: RunSummary[] = [];
  for (const root of roots) {
    let entries;
    try {
      entries = readdirSync(root.dir, { withFileTypes: true });
    } catch {
      continue; // a --runs folder that does not exist yet lists nothing
    }
    for (const e of entries) if (e.isDirectory() && NAME.test(e.name)) out.push(summarize(root, e.name));
  }
  out.sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : a.id < b.id ? 1 : -1));
  return out.slice(0, MAX_LISTED_RUNS);
}
