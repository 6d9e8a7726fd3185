// Raw HTTP for the dashboard server's tests: node:http sends a path exactly as written (fetch
// would normalise '..' and percent-encoded dots before they reach the server).
import { request, type IncomingMessage } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export function raw(base: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers: opts.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A server-sent event stream read as it arrives: events so far, a wait for one, and a hard close. */
export interface EventReader {
  status: number;
  events: { event: string; data: string; id?: string }[];
  next(pred: (e: { event: string; data: string }) => boolean, ms?: number): Promise<{ event: string; data: string; id?: string }>;
  ended: Promise<void>;
  destroy(): void;
}

export function readEvents(base: string, path: string, headers: Record<string, string> = {}): Promise<EventReader> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: 'GET', path, headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const events: EventReader['events'] = [];
      const waiters: (() => void)[] = [];
      let buf = '';
      let endResolve: () => void = () => undefined;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let k;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const ev: { event: string; data: string; id?: string } = { event: 'message', data: '' };
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(': ');
            const [f, v] = i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 2)];
            if (f === 'event') ev.event = v;
            else if (f === 'data') ev.data = v;
            else if (f === 'id') ev.id = v;
            else continue;
            any = true;
          }
          if (any && (ev.event !== 'message' || ev.data !== '')) events.push(ev);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      const next: EventReader['next'] = (pred, ms = 5000) => new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events)}`)), ms);
        const check = () => {
          const e = events.find(pred);
          if (e) {
            clearTimeout(timer);
            ok(e);
          } else waiters.push(check);
        };
        check();
      });
      resolve({ status: res.statusCode ?? 0, events, next, ended, destroy: () => req.destroy() });
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end();
  });
}
