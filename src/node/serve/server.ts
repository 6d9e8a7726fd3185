// `dendrite serve`: a local web app over the run folders. Binds 127.0.0.1 unless told otherwise;
// any other address needs a token, checked on every request (header, or the cookie that a first
// visit with ?token= sets). Pages are one HTML shell plus their bundle under /assets/; the API
// is the route table of routes.ts. Every response is cross-origin isolated (COOP/COEP, so pages
// may run dendrite's threaded wasm engine) and carries a CSP without remote origins.

import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, statSync } from 'node:fs';
import { ArgumentError, DendriteError, RequestError } from '../../errors.js';
import { PAGES } from '../../dashboard/pages.js';
import { checkName, insideRoot, resolveRun, runRoots } from './paths.js';
import { parseJsonBody, Raw, STREAMED, type Route, type RouteContext, type SocketContext, type SocketRoute } from './route.js';
import { API_ROUTES, SOCKET_ROUTES } from './routes.js';
import { pageShell } from './shell.js';
import { readCapped } from './runs.js';

export interface ServeOptions {
  /** The folder of run folders. */
  runsDir: string;
  /** More folders of run folders, listed with runsDir (e.g. `reports`, where older commands write). */
  moreRunsDirs?: string[];
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Required for a non-loopback host. */
  token?: string;
  /** Where the page bundles are (default: dist/dashboard of this package). */
  assetsDir?: string;
  /** Route table (default API_ROUTES). */
  routes?: Route[];
  /** WebSocket routes (default SOCKET_ROUTES). */
  socketRoutes?: SocketRoute[];
}

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Responses still streaming (event streams): for checking that closed clients are let go. */
  activeStreams(): number;
  /** WebSockets still open. */
  openSockets(): number;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
const DEFAULT_MAX_BODY = 1 << 20;
const MAX_URL = 8192;
const COOKIE = 'dendrite_token';
const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip', '.nii': 'application/octet-stream',
};
const MAX_ASSET = 64 << 20;
const DEFAULT_MAX_MESSAGE = 64 << 10;
/** Unsent bytes a WebSocket may hold before send() drops (a slow page must not grow the server without bound). */
const MAX_SOCKET_BUFFER = 1 << 20;

/** Content-Security-Policy of the pages: this origin only (plus a relay's WebSocket on this machine). */
export const CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*", "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': CSP,
};

function defaultAssets(): string {
  // dist/src/node/serve/server.js -> dist/dashboard
  return fileURLToPath(new URL('../../../dashboard/', import.meta.url));
}

function tokenEquals(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

/** The request's body, refusing more than `max` bytes (413) as soon as they arrive. */
function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | null> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) return Promise.reject(new RequestError(`request body of ${declared} bytes is over the ${max}-byte limit`, 413));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        req.removeAllListeners('data');
        req.resume(); // drain quietly; the 413 goes out now
        reject(new RequestError(`request body over the ${max}-byte limit`, 413));
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(n === 0 ? null : new Uint8Array(Buffer.concat(parts))));
    req.on('error', reject);
  });
}

/** Starts the dashboard server; resolves once it listens. */
export async function startServer(opts: ServeOptions): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token;
  // the token goes verbatim into a cookie and a URL: only characters neither needs to escape
  if (token !== undefined && (token.length < 8 || token.length > 256 || !/^[A-Za-z0-9._~-]+$/.test(token))) {
    const bad = /[^A-Za-z0-9._~-]/.exec(token);
    throw new ArgumentError(`serve: --token must be 8 to 256 characters of A-Z a-z 0-9 . _ ~ -, got ${token.length} characters${bad ? ` with ${JSON.stringify(bad[0])}` : ''}`);
  }
  if (!LOOPBACK.test(host) && token === undefined) throw new ArgumentError(`serve: --host ${host} is reachable from other machines; give --token T as well`);
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ArgumentError(`serve: --port must be an integer from 0 to 65535, got ${port}`);
  const roots = runRoots([opts.runsDir, ...(opts.moreRunsDirs ?? [])]);
  const assetsDir = opts.assetsDir ?? defaultAssets();
  if (!existsSync(join(assetsDir, `${PAGES[0]!.name}.js`))) {
    throw new ArgumentError(`serve: the page bundles are not in ${assetsDir} (build them: npm run build, or node scripts/build_dashboard.mjs after it)`);
  }
  const routes = opts.routes ?? API_ROUTES;
  const streams = new Set<ServerResponse>();
  const socketRoutes = opts.socketRoutes ?? SOCKET_ROUTES;
  const sockets = new Set<WebSocket>();
  const socketServers = new Map<number, WebSocketServer>();
  const aborts = new Set<AbortController>();

  const send = (res: ServerResponse, status: number, type: string, body: Uint8Array | string, extra: Record<string, string> = {}) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };
  const sendError = (res: ServerResponse, e: unknown) => {
    const status = e instanceof RequestError ? e.status : e instanceof DendriteError ? 400 : 500;
    const msg = e instanceof DendriteError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    send(res, status, 'application/json', JSON.stringify({ error: msg }));
  };

  /** The request's URL once its path, Host, Origin and token pass; a RequestError otherwise. */
  const admit = (req: IncomingMessage): URL => {
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL) throw new RequestError(`URL of ${rawUrl.length} characters is over the ${MAX_URL} limit`, 414);
    if (!rawUrl.startsWith('/') || /[\\\0]/.test(rawUrl)) throw new RequestError(`malformed request path '${rawUrl.slice(0, 100)}'`, 400);
    // '.' and '..' segments, plain or percent-encoded, are refused rather than resolved
    const rawPath = rawUrl.split(/[?#]/, 1)[0]!;
    if (rawPath.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg))) throw new RequestError(`request path '${rawPath.slice(0, 100)}' has a '.' or '..' segment`, 400);
    const url = new URL(rawUrl, 'http://dashboard.invalid');
    const hostHeader = req.headers.host ?? '';
    const hostName = hostHeader.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    // DNS rebinding: a page on another name must not reach a loopback server through the browser
    if (token === undefined && !LOOPBACK.test(hostName)) throw new RequestError(`Host '${hostName.slice(0, 100)}' is not this machine's loopback name`, 403);
    // another site's page may send requests (a form, a WebSocket) but not with this origin
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) throw new RequestError(`Origin '${origin.slice(0, 100)}' is not this server`, 403);
    if (token !== undefined) {
      const q = url.searchParams.get('token');
      const auth = req.headers.authorization;
      const given = q ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : ((req.headers['x-dendrite-token'] as string | undefined) ?? cookieToken(req)));
      if (given === null || given === undefined || !tokenEquals(given, token)) throw new RequestError('a valid token is required (open the URL with ?token=, or send Authorization: Bearer)', 403);
    }
    return url;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = admit(req);
    if (token !== undefined && url.searchParams.has('token') && req.method === 'GET') {
      // a first visit with ?token=: a cookie for the pages' own requests, and the address without it
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search, 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (!path.startsWith('/api/')) {
      if (method !== 'GET' && method !== 'HEAD') throw new RequestError(`${method} ${path}: pages and assets are GET only`, 405);
      if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', pageShell('runs'));
      const page = /^\/page\/([^/]+)$/.exec(path);
      if (page) {
        const name = checkName('page', page[1]!);
        if (!PAGES.some((p) => p.name === name)) throw new RequestError(`no page '${name}' (pages: ${PAGES.map((p) => p.name).join(', ')})`, 404);
        return send(res, 200, 'text/html; charset=utf-8', pageShell(name));
      }
      const asset = /^\/assets\/(.+)$/.exec(path);
      if (asset) {
        const parts = asset[1]!.split('/').map((s) => checkName('asset', s));
        const file = insideRoot('asset', assetsDir, parts);
        if (!statSync(file).isFile()) throw new RequestError(`asset '${parts.join('/')}' not found`, 404);
        const type = ASSET_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
        return send(res, 200, type, readCapped(file, MAX_ASSET)!, { 'Cache-Control': 'no-cache' });
      }
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      throw new RequestError(`no route for ${method} ${path}`, 404);
    }

    let route: Route | undefined;
    let groups: string[] = [];
    let pathMatched = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      route = r;
      groups = m.slice(1);
      break;
    }
    if (!route) throw new RequestError(`no route for ${method} ${path}`, pathMatched ? 405 : 404);
    const body = method === 'GET' || method === 'HEAD' ? null : await readBody(req, route.maxBodyBytes ?? DEFAULT_MAX_BODY);
    const abort = new AbortController();
    aborts.add(abort);
    const onClose = () => abort.abort();
    res.on('close', onClose);
    const ctx: RouteContext = {
      runsDir: roots[0]!.dir, roots, groups, url, body, req, res, signal: abort.signal,
      runDir: (label, name) => resolveRun(roots, label, name),
      json: () => parseJsonBody(`${method} ${path}`, body),
    };
    let out: unknown;
    try {
      out = await route.handle(ctx);
    } catch (e) {
      aborts.delete(abort);
      throw e;
    }
    if (out === STREAMED) {
      streams.add(res);
      res.on('close', () => {
        streams.delete(res);
        aborts.delete(abort);
      });
      if (res.destroyed) {
        streams.delete(res);
        aborts.delete(abort);
      }
      return;
    }
    aborts.delete(abort);
    if (out instanceof Raw) return send(res, out.status, out.contentType, out.body, out.headers);
    return send(res, 200, 'application/json', JSON.stringify(out ?? null));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      try {
        sendError(res, e);
      } catch {
        res.destroy();
      }
    });
  });
  const openSocket = (ws: WebSocket, route: SocketRoute, groups: string[], url: URL) => {
    sockets.add(ws);
    const abort = new AbortController();
    ws.on('close', () => {
      sockets.delete(ws);
      abort.abort();
    });
    // an oversized frame (ws closes with 1009) or a protocol error: the socket goes, the server stays
    ws.on('error', () => ws.terminate());
    const ok = () => ws.readyState === WebSocket.OPEN && ws.bufferedAmount <= MAX_SOCKET_BUFFER;
    const fail = (e: unknown) => {
      if (e instanceof DendriteError) {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ error: e.message }));
      } else ws.close(1011, 'internal error');
    };
    const ctx: SocketContext = {
      runsDir: roots[0]!.dir, roots, groups, url, signal: abort.signal,
      runDir: (label, name) => resolveRun(roots, label, name),
      send: (v) => (ok() ? (ws.send(JSON.stringify(v)), true) : false),
      sendBinary: (d) => (ok() ? (ws.send(d), true) : false),
      onJson: (fn) => ws.on('message', (data, isBinary) => {
        if (isBinary) {
          ws.send(JSON.stringify({ error: `${url.pathname}: a binary message where JSON was expected` }));
          ws.close(1003, 'JSON only');
          return;
        }
        let v: unknown;
        try {
          v = parseJsonBody(`${url.pathname} message`, new Uint8Array(data as Buffer));
        } catch (e) {
          ws.send(JSON.stringify({ error: (e as Error).message }));
          ws.close(1007, 'malformed JSON');
          return;
        }
        try {
          fn(v);
        } catch (e) {
          fail(e);
        }
      }),
      onBinary: (fn) => ws.on('message', (data, isBinary) => {
        if (!isBinary) return;
        try {
          fn(new Uint8Array(data as Buffer));
        } catch (e) {
          fail(e);
        }
      }),
      close: (code, reason) => ws.close(code ?? 1000, reason),
    };
    try {
      route.open(ctx);
    } catch (e) {
      fail(e);
      ws.close(1011, 'refused');
    }
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = admit(req);
      let route: SocketRoute | undefined;
      let groups: string[] = [];
      for (const r of socketRoutes) {
        const m = r.pattern.exec(url.pathname);
        if (m) {
          route = r;
          groups = m.slice(1);
          break;
        }
      }
      if (!route) throw new RequestError(`no WebSocket route for ${url.pathname}`, 404);
      const max = route.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
      let wss = socketServers.get(max);
      if (!wss) socketServers.set(max, (wss = new WebSocketServer({ noServer: true, maxPayload: max, perMessageDeflate: false })));
      const r = route;
      wss.handleUpgrade(req, socket, head, (ws) => openSocket(ws, r, groups, url));
    } catch (e) {
      const status = e instanceof RequestError ? e.status : 400;
      const body = JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  });

  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ArgumentError(`serve: cannot listen on ${host}:${port} (${e.code ?? e.message})`)));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/`,
    port: addr.port,
    activeStreams: () => streams.size,
    openSockets: () => sockets.size,
    close: () => new Promise<void>((resolve) => {
      for (const a of aborts) a.abort();
      for (const r of streams) r.destroy();
      for (const ws of sockets) ws.terminate();
      for (const wss of socketServers.values()) wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
