// A run folder that can be watched while it runs: config.json and status.json are written when
// the command starts, metrics.jsonl grows by one JSON line per epoch, evaluation or logged step
// (each line one write(2) on an O_APPEND descriptor, so a reader never sees half of a line that
// was complete when it read), and status.json turns to done or failed at the end. `dendrite
// serve` lists these folders and pushes new lines to the run's page.

import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import { writeFileAtomic } from './fs.js';

export type RunStatus = 'running' | 'done' | 'failed';

/** One line of metrics.jsonl: an epoch or step, the split it measures, and its numbers. */
export interface MetricRecord {
  epoch?: number;
  step?: number;
  split: string;
  loss?: number;
  acc?: number;
  [key: string]: unknown;
}

/** status.json: what the dashboard shows in its runs list. */
export interface StatusFile {
  status: RunStatus;
  command: string;
  model: string | null;
  started: string;
  finished: string | null;
  pid: number;
  host: string;
  /** The run's headline figure (e.g. test accuracy), once known. */
  best: { name: string; value: number } | null;
  error: string | null;
}

/**
 * Writes every byte of `bytes` to `fd`: write(2) may write fewer bytes than asked (a full disk, a
 * signal), and half a line would break the file for readers, so the rest is written until none
 * is left; a write that makes no progress is a FormatError naming `path`.
 */
export function writeAll(fd: number, bytes: Uint8Array, path: string, write: (fd: number, b: Uint8Array, off: number, len: number) => number = writeSync): void {
  let off = 0;
  while (off < bytes.length) {
    const n = write(fd, bytes, off, bytes.length - off);
    if (!(n > 0)) throw new FormatError(`${path}: a write made no progress with ${bytes.length - off} of ${bytes.length} bytes left`);
    off += n;
  }
}

export class RunLog {
  private fd: number | null;
  private readonly status: StatusFile;
  private readonly t0 = performance.now();

  /** Starts logging in `dir` (an existing run folder): writes config.json and status.json 'running'. */
  constructor(readonly dir: string, command: string, config: Record<string, unknown>, model: string | null = null) {
    this.status = {
      status: 'running', command, model, started: new Date().toISOString(), finished: null, pid: process.pid, host: hostname(), best: null, error: null,
    };
    this.updateConfig(config);
    this.writeStatus();
    this.fd = openSync(join(dir, 'metrics.jsonl'), 'a');
  }

  /** Rewrites config.json with `extra` added (facts known only after the data is read). */
  updateConfig(config: Record<string, unknown>): void {
    writeFileAtomic(join(this.dir, 'config.json'), `${JSON.stringify({ command: this.status.command, ...(this.status.model !== null ? { model: this.status.model } : {}), ...config }, null, 2)}\n`);
  }

  /** Seconds since the run started. */
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Appends one line; `time` (seconds since start) is added unless given. Non-finite numbers become null. */
  metric(rec: MetricRecord): void {
    if (this.fd === null) throw new ArgumentError(`run log ${this.dir}: metric after the run ended`);
    if (typeof rec.split !== 'string' || rec.split === '') throw new ArgumentError(`run log ${this.dir}: a metric needs a split name, got ${String(rec.split)}`);
    const line = `${JSON.stringify({ ...rec, time: rec['time'] ?? Number(this.elapsed().toFixed(3)) })}\n`;
    writeAll(this.fd, new TextEncoder().encode(line), join(this.dir, 'metrics.jsonl'));
  }

  /** Records the headline figure shown in the runs list (status.json is rewritten). */
  best(name: string, value: number): void {
    this.status.best = { name, value };
    this.writeStatus();
  }

  /** Marks the run done. */
  done(): void {
    this.end('done', null);
  }

  /** Marks the run failed with the error's message. */
  fail(e: unknown): void {
    this.end('failed', e instanceof Error ? e.message : String(e));
  }

  /** Runs `fn` with this log; a throw marks the run failed (and is rethrown), a return marks it done. */
  wrap<T>(fn: (log: RunLog) => T): T {
    let r: T;
    try {
      r = fn(this);
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.done();
    return r;
  }

  private end(status: RunStatus, error: string | null): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    this.status.status = status;
    this.status.error = error;
    this.status.finished = new Date().toISOString();
    this.writeStatus();
  }

  private writeStatus(): void {
    writeFileAtomic(join(this.dir, 'status.json'), `${JSON.stringify(this.status, null, 2)}\n`);
  }
}
