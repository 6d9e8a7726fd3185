// Server-sent events for a run that is still writing: the lines of metrics.jsonl from a byte
// offset on (the event id, so a reconnecting EventSource resumes where it was), then every new
// line as the file grows (fs.watch, with polling for filesystems where watch says nothing),
// status.json whenever it changes, and 'end' once the run has finished and every line is out.
// A slow page is not buffered without bound: reading pauses until the socket drains.

import { closeSync, constants, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { RequestError } from '../../errors.js';
import { STREAMED, type RouteContext } from './route.js';
import { readCapped } from './runs.js';

export interface EventOptions {
  /** Polling period (ms) when fs.watch is silent. */
  pollMs?: number;
  /** Comment lines that keep proxies from closing an idle stream (ms). */
  heartbeatMs?: number;
  /** Longest metrics line sent; longer ones are skipped with an 'error' event. */
  maxLineBytes?: number;
}

const CHUNK = 1 << 20;
let open = 0;

/** Event streams whose timers and watcher are still live (each client that went away must have let go of its own). */
export function openEventStreams(): number {
  return open;
}

function startOffset(ctx: RouteContext): number {
  // a reconnecting EventSource repeats its first URL (with ?from=) and adds Last-Event-ID: that one wins
  const raw = (ctx.req.headers['last-event-id'] as string | undefined) ?? ctx.url.searchParams.get('from') ?? '0';
  if (!/^\d{1,15}$/.test(raw)) throw new RequestError(`events: 'from' must be a byte offset (a non-negative integer), got '${raw.slice(0, 40)}'`, 400);
  return Number(raw);
}

/** Streams run folder `dir`'s metrics and status to the client as server-sent events. */
export function streamRunEvents(ctx: RouteContext, dir: string, opts: EventOptions = {}): typeof STREAMED {
  const pollMs = opts.pollMs ?? 500;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxLine = opts.maxLineBytes ?? 64 << 10;
  let offset = startOffset(ctx);
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  res.write(': dendrite run events\nretry: 1000\n\n');

  const metricsPath = join(dir, 'metrics.jsonl');
  const statusPath = join(dir, 'status.json');
  let lastStatus = '';
  let skipping = false; // inside a line too long to send
  let waitingDrain = false;
  let closed = false;
  let watcher: FSWatcher | null = null;
  const send = (event: string, data: string, id?: number): boolean => {
    if (closed || res.destroyed || res.writableEnded) return false;
    return res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${data}\n\n`);
  };

  const tooLong = (at: number): void => {
    send('error', JSON.stringify({ error: `metrics.jsonl: the line at byte ${at} is longer than ${maxLine} bytes; skipped` }));
  };
  const sendLine = (line: string, lineEnd: number): void => {
    if (line.trim() === '') return;
    let ok = false;
    try {
      const v = JSON.parse(line) as unknown;
      ok = v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      ok = false;
    }
    if (!ok) send('error', JSON.stringify({ error: `metrics.jsonl: the line ending at byte ${lineEnd} is not a JSON object; skipped` }), lineEnd);
    else if (!send('metric', line, lineEnd)) waitingDrain = true;
  };

  const readNew = (): boolean => {
    let fd: number;
    try {
      fd = openSync(metricsPath, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block the server
    } catch {
      return true; // not written yet
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return true; // not a file a run writes: nothing to stream
      const size = st.size;
      if (size < offset) {
        offset = 0; // the file was replaced by a shorter one: start over
        send('reset', '{}');
      }
      const buf = Buffer.allocUnsafe(CHUNK);
      let partial = false; // only a line still being written is left
      while (offset < size && !closed) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - offset), offset);
        if (n === 0) break;
        let start = 0; // first byte of the current line within buf
        for (let i = 0; i < n && !waitingDrain; i++) {
          if (buf[i] !== 0x0a) continue;
          const lineEnd = offset + i + 1;
          if (skipping) skipping = false;
          else if (i - start > maxLine) tooLong(offset + start);
          else sendLine(buf.toString('utf8', start, i), lineEnd);
          start = i + 1;
        }
        let consumed = start;
        if (!waitingDrain && (skipping || n - start > maxLine)) {
          // the rest is (part of) a line too long to send: drop it up to its newline
          if (!skipping) tooLong(offset + start);
          skipping = true;
          consumed = n;
        }
        offset += consumed;
        if (waitingDrain) break;
        if (consumed === 0) {
          partial = true; // wait for the rest of the line
          break;
        }
      }
      // a run that ended with half a line (killed mid-write) still ends its stream
      return !waitingDrain && (offset >= size || partial);
    } finally {
      closeSync(fd);
    }
  };

  const tick = (): void => {
    if (closed || waitingDrain) return;
    let caughtUp = true;
    try {
      caughtUp = readNew();
    } catch (e) {
      send('error', JSON.stringify({ error: `events: ${(e as Error).message}` }));
    }
    let statusText: string | null = null;
    try {
      const b = readCapped(statusPath, 1 << 20);
      statusText = b === null ? null : new TextDecoder().decode(b);
    } catch {
      statusText = null;
    }
    if (statusText !== null && statusText !== lastStatus) {
      try {
        const s = JSON.parse(statusText) as { status?: unknown };
        lastStatus = statusText;
        send('status', JSON.stringify(s));
        if (caughtUp && !waitingDrain && (s.status === 'done' || s.status === 'failed')) finish(true);
      } catch {
        /* caught mid-replace or malformed: read again next tick */
      }
    } else if (caughtUp && !waitingDrain && lastStatus !== '') {
      const s = JSON.parse(lastStatus) as { status?: unknown };
      if (s.status === 'done' || s.status === 'failed') finish(true);
    }
  };

  open++;
  const poll = setInterval(tick, pollMs);
  const beat = setInterval(() => {
    if (!closed && !res.destroyed) res.write(': ping\n\n');
  }, heartbeatMs);
  res.on('drain', () => {
    waitingDrain = false;
    tick();
  });
  try {
    watcher = watch(dir, { persistent: false }, () => tick());
    watcher.on('error', () => {
      watcher?.close();
      watcher = null; // polling carries on
    });
  } catch {
    watcher = null;
  }

  function finish(ended: boolean): void {
    if (closed) return;
    if (ended) send('end', '{}');
    closed = true;
    open--;
    clearInterval(poll);
    clearInterval(beat);
    watcher?.close();
    watcher = null;
    if (!res.destroyed && !res.writableEnded) res.end();
  }
  ctx.signal.addEventListener('abort', () => finish(false), { once: true });
  res.on('close', () => finish(false));
  tick();
  return STREAMED;
}
