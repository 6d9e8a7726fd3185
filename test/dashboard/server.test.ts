// The dashboard server's refusals and its event stream: path traversal in every spelling,
// symlinks leading out of --runs, oversized and malformed bodies, tokens, foreign Host headers,
// unknown routes, cross-origin WebSockets; oversized, malformed and binary WebSocket messages;
// live metrics lines pushed as they are appended, malformed and oversized lines
// skipped, and a client that goes away mid-stream let go without harm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors.js';
import { WebSocket } from 'ws';
import { API_ROUTES, CSP, openEventStreams, startServer, type DashboardServer, type Route, type SocketRoute } from '../../src/node/serve/index.js';
import { raw, readEvents } from './server_helpers.js';

interface Fixture {
  root: string;
  runs: string;
  assets: string;
  outside: string;
}

function fixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-serve-'));
  const runs = join(root, 'runs');
  const assets = join(root, 'assets');
  const outside = join(root, 'outside');
  for (const d of [runs, assets, outside, join(runs, 'r1')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'SECRET');
  writeFileSync(join(outside, 'results.json'), '{"secret": true}');
  writeFileSync(join(assets, 'runs.js'), 'export {};');
  writeFileSync(join(runs, 'r1', 'results.json'), '{"accuracy": 0.75}');
  writeFileSync(join(runs, 'r1', 'report.html'), '<p>report</p>');
  symlinkSync(outside, join(runs, 'escape')); // a run folder that is a link out of --runs
  symlinkSync(join(outside, 'secret.txt'), join(runs, 'r1', 'link.txt')); // a file that is one
  return { root, runs, assets, outside };
}

const echo: Route = { method: 'POST', pattern: /^\/api\/echo$/, maxBodyBytes: 1000, handle: (ctx) => ({ got: ctx.json() }) };

async function withServer(fn: (s: DashboardServer, f: Fixture) => Promise<void>, opts: { token?: string } = {}): Promise<void> {
  const f = fixture();
  const s = await startServer({ runsDir: f.runs, assetsDir: f.assets, routes: [...API_ROUTES, echo], ...opts });
  try {
    await fn(s, f);
  } finally {
    await s.close();
    rmSync(f.root, { recursive: true, force: true });
  }
}

const errorOf = (text: string): string => (JSON.parse(text) as { error: string }).error;

test('serve: traversal in every spelling and symlinks out of --runs are refused; nothing outside is served', () => withServer(async (s) => {
  const cases: [string, number][] = [
    ['/api/runs/runs/..%2F..%2Foutside', 400],
    ['/api/runs/runs/..%2foutside', 400],
    ['/api/runs/runs/%2e%2e', 400],
    ['/api/runs/runs/.%2e', 400],
    ['/api/runs/runs/..%5Coutside', 400],
    ['/api/runs/runs/%2Fetc%2Fpasswd', 400],
    ['/api/runs/runs/r1%00', 400],
    ['/api/runs/runs/%E0%A4%A', 400],
    ['/api/runs/..%2F/r1', 400],
    ['/api/runs/runs/escape', 403],
    ['/api/runs/runs/escape/files/secret.txt', 403],
    ['/api/runs/runs/r1/files/link.txt', 403],
    ['/api/runs/runs/r1/files/..%2F..%2Foutside%2Fsecret.txt', 400],
    ['/api/runs/runs/r1/files/.hidden', 400],
    ['/api/runs/other/r1', 404],
    ['/api/runs/runs/nope', 404],
    ['/assets/..%2F..%2Foutside%2Fsecret.txt', 400],
    ['/assets/%2e%2e/outside/secret.txt', 400],
    ['/page/..%2Fx', 400],
    ['/api/runs/runs/r1\\..\\..', 400],
  ];
  for (const [path, status] of cases) {
    const r = await raw(s.url, 'GET', path);
    assert.equal(r.status, status, `${path}: ${r.status} ${r.text}`);
    assert.ok(!r.text.includes('SECRET') && !r.text.includes('"secret"'), `${path} leaked the file outside: ${r.text}`);
    assert.equal(typeof errorOf(r.text), 'string', `${path}: not a JSON error: ${r.text}`);
  }
  // dot segments are refused, not resolved
  const dots = await raw(s.url, 'GET', '/api/runs/runs/r1/../../../../outside/secret.txt');
  assert.equal(dots.status, 400);
  assert.match(errorOf(dots.text), /has a '\.' or '\.\.' segment/);
  assert.doesNotMatch(dots.text, /SECRET/);
  // while the real run and its file are served
  const ok = await raw(s.url, 'GET', '/api/runs/runs/r1');
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(JSON.parse(ok.text).results, { accuracy: 0.75 });
  const file = await raw(s.url, 'GET', '/api/runs/runs/r1/files/report.html');
  assert.equal(file.status, 200);
  assert.equal(file.text, '<p>report</p>');
  assert.match(file.headers['content-security-policy'] as string, /^sandbox/);
}));

test('serve: oversized, malformed and non-UTF-8 bodies are typed 4xx errors, and the server carries on', () => withServer(async (s) => {
  const big = await raw(s.url, 'POST', '/api/echo', { body: `{"a":"${'x'.repeat(2000)}"}`, headers: { 'Content-Type': 'application/json' } });
  assert.equal(big.status, 413);
  assert.match(errorOf(big.text), /over the 1000-byte limit/);
  // no Content-Length: the limit still holds as the bytes arrive
  const chunked = await raw(s.url, 'POST', '/api/echo', { body: 'x'.repeat(5000), headers: { 'Transfer-Encoding': 'chunked' } });
  assert.equal(chunked.status, 413);
  const bad = await raw(s.url, 'POST', '/api/echo', { body: '{"a": 1,,}' });
  assert.equal(bad.status, 400);
  assert.match(errorOf(bad.text), /POST \/api\/echo: the body is not JSON/);
  const none = await raw(s.url, 'POST', '/api/echo');
  assert.equal(none.status, 400);
  assert.match(errorOf(none.text), /a JSON body is required/);
  const latin = await raw(s.url, 'POST', '/api/echo', { body: new Uint8Array([0x22, 0xff, 0xfe, 0x22]) });
  assert.equal(latin.status, 400);
  assert.match(errorOf(latin.text), /not UTF-8/);
  const good = await raw(s.url, 'POST', '/api/echo', { body: '{"a": [1, 2]}' });
  assert.equal(good.status, 200);
  assert.deepEqual(JSON.parse(good.text), { got: { a: [1, 2] } });
  const longUrl = await raw(s.url, 'GET', `/api/runs?${'q'.repeat(9000)}`);
  assert.equal(longUrl.status, 414);
}));

test('serve: unknown routes are 404, wrong methods 405, all as JSON with the security headers', () => withServer(async (s) => {
  for (const [m, p, status] of [['GET', '/nope', 404], ['GET', '/api/nope', 404], ['DELETE', '/api/runs', 405], ['POST', '/page/runs', 405], ['GET', '/page/nonexistent', 404], ['GET', '/assets/missing.js', 404]] as const) {
    const r = await raw(s.url, m, p);
    assert.equal(r.status, status, `${m} ${p}: ${r.text}`);
    assert.ok(errorOf(r.text).length > 0);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['content-security-policy'], CSP);
  }
  const page = await raw(s.url, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.text, /<script type="module" src="\/assets\/runs\.js"><\/script>/);
  assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
  const js = await raw(s.url, 'GET', '/assets/runs.js');
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cross-origin-opener-policy'], 'same-origin');
  // no remote origin anywhere in the policy
  assert.doesNotMatch(CSP, /https?:|\*\.|'unsafe-eval'/);
  // a page served under another host name (DNS rebinding) is refused
  const rebound = await raw(s.url, 'GET', '/api/runs', { headers: { Host: 'attacker.example:80' } });
  assert.equal(rebound.status, 403);
  assert.match(errorOf(rebound.text), /Host 'attacker\.example'/);
}));

test('serve: a non-loopback host needs a token; with one, every request must carry it', async () => {
  await assert.rejects(startServer({ runsDir: tmpdir(), host: '0.0.0.0' }), (e: Error) => e instanceof ArgumentError && /--host 0\.0\.0\.0 .*--token/.test(e.message));
  await assert.rejects(startServer({ runsDir: tmpdir(), token: 'short' }), (e: Error) => e instanceof ArgumentError && /--token must be 8 to 256/.test(e.message));
  await assert.rejects(startServer({ runsDir: tmpdir(), port: 70000 }), ArgumentError);
  const token = 'correct-horse-battery';
  await withServer(async (s) => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-xx' }, { Cookie: 'dendrite_token=nope' }, { Authorization: `Basic ${token}` }]) {
      const r = await raw(s.url, 'GET', '/api/runs', { headers });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.match(errorOf(r.text), /token is required/);
    }
    assert.equal((await raw(s.url, 'GET', '/', {})).status, 403);
    assert.equal((await raw(s.url, 'GET', '/api/runs', { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await raw(s.url, 'GET', '/api/runs', { headers: { 'X-Dendrite-Token': token } })).status, 200);
    // first visit with ?token=: a cookie, and the address without the token
    const visit = await raw(s.url, 'GET', `/page/runs?token=${token}`);
    assert.equal(visit.status, 303);
    assert.equal(visit.headers.location, '/page/runs');
    const cookie = (visit.headers['set-cookie'] as string[])[0]!;
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    const withCookie = await raw(s.url, 'GET', '/page/runs', { headers: { Cookie: cookie.split(';')[0]! } });
    assert.equal(withCookie.status, 200);
    assert.equal((await raw(s.url, 'GET', '/page/runs?token=wrong-token-xxx')).status, 403);
  }, { token });
});

test('serve: run events push appended lines, skip malformed and oversized ones, end when the run ends', () => withServer(async (s, f) => {
  const dir = join(f.runs, 'live');
  mkdirSync(dir);
  const status = (st: string) => writeFileSync(join(dir, 'status.json'), JSON.stringify({ status: st, command: 'train lenet', pid: process.pid }));
  status('running');
  writeFileSync(join(dir, 'metrics.jsonl'), '{"epoch":1,"split":"train","loss":2}\n');
  const bad = await raw(s.url, 'GET', '/api/runs/runs/live/events?from=-1');
  assert.equal(bad.status, 400);
  assert.match(errorOf(bad.text), /'from' must be a byte offset/);

  const ev = await readEvents(s.url, '/api/runs/runs/live/events');
  assert.equal(ev.status, 200);
  const first = await ev.next((e) => e.event === 'metric');
  assert.equal(JSON.parse(first.data).loss, 2);
  assert.equal(first.id, String('{"epoch":1,"split":"train","loss":2}\n'.length));
  await ev.next((e) => e.event === 'status');
  appendFileSync(join(dir, 'metrics.jsonl'), 'not json\n');
  appendFileSync(join(dir, 'metrics.jsonl'), `{"pad":"${'x'.repeat(70_000)}"}\n`);
  appendFileSync(join(dir, 'metrics.jsonl'), '{"epoch":2,"split":"train","loss":1.5}\n{"epoch":3,"split":"tr'); // half a line
  const second = await ev.next((e) => e.event === 'metric' && JSON.parse(e.data).epoch === 2);
  assert.equal(JSON.parse(second.data).loss, 1.5);
  assert.ok(ev.events.some((e) => e.event === 'error' && /not a JSON object/.test(e.data)));
  assert.ok(ev.events.some((e) => e.event === 'error' && /longer than 65536 bytes/.test(e.data)));
  assert.equal(ev.events.filter((e) => e.event === 'metric').length, 2, 'the half-written line was sent');
  appendFileSync(join(dir, 'metrics.jsonl'), 'ain","loss":1.2}\n');
  const third = await ev.next((e) => e.event === 'metric' && JSON.parse(e.data).epoch === 3);
  assert.equal(JSON.parse(third.data).loss, 1.2);
  status('done');
  await ev.next((e) => e.event === 'end');
  await ev.ended;
  assert.equal(s.activeStreams(), 0);
  assert.equal(openEventStreams(), 0);

  // resuming from an event id sends only what follows it
  const again = await readEvents(s.url, `/api/runs/runs/live/events?from=${second.id}`);
  await again.next((e) => e.event === 'end');
  assert.deepEqual(again.events.filter((e) => e.event === 'metric').map((e) => JSON.parse(e.data).epoch), [3]);
  // an EventSource reconnecting repeats its URL's ?from= and sends Last-Event-ID, which wins
  const resumed = await readEvents(s.url, '/api/runs/runs/live/events?from=0', { 'Last-Event-ID': second.id! });
  await resumed.next((e) => e.event === 'end');
  assert.deepEqual(resumed.events.filter((e) => e.event === 'metric').map((e) => JSON.parse(e.data).epoch), [3]);

  // a run killed mid-write: its half line is never sent, and the stream still ends
  const cut = join(f.runs, 'cut');
  mkdirSync(cut);
  writeFileSync(join(cut, 'metrics.jsonl'), '{"epoch":1,"split":"train","loss":2}\n{"epoch":2,"spl');
  writeFileSync(join(cut, 'status.json'), JSON.stringify({ status: 'failed', error: 'killed' }));
  const c = await readEvents(s.url, '/api/runs/runs/cut/events');
  await c.next((e) => e.event === 'end');
  assert.deepEqual(c.events.filter((e) => e.event === 'metric').map((e) => JSON.parse(e.data).epoch), [1]);
  assert.equal(JSON.parse(c.events.find((e) => e.event === 'status')!.data).status, 'failed');
}));

test('serve: a client that disconnects mid-stream is let go; the server keeps serving', () => withServer(async (s, f) => {
  const dir = join(f.runs, 'live');
  mkdirSync(dir);
  writeFileSync(join(dir, 'status.json'), JSON.stringify({ status: 'running', pid: process.pid }));
  writeFileSync(join(dir, 'metrics.jsonl'), '');
  const readers = await Promise.all([0, 1, 2].map(() => readEvents(s.url, '/api/runs/runs/live/events')));
  appendFileSync(join(dir, 'metrics.jsonl'), '{"epoch":1,"split":"train","loss":2}\n');
  await Promise.all(readers.map((r) => r.next((e) => e.event === 'metric')));
  assert.equal(s.activeStreams(), 3);
  readers[0]!.destroy();
  readers[1]!.destroy();
  // keep writing while the sockets are gone
  for (let i = 2; i < 50; i++) appendFileSync(join(dir, 'metrics.jsonl'), `{"epoch":${i},"split":"train","loss":1}\n`);
  const deadline = Date.now() + 5000;
  while ((s.activeStreams() !== 1 || openEventStreams() !== 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.activeStreams(), 1);
  assert.equal(openEventStreams(), 1, 'a closed client left its file watcher and timers running');
  await readers[2]!.next((e) => e.event === 'metric' && JSON.parse(e.data).epoch === 49);
  const list = await raw(s.url, 'GET', '/api/runs');
  assert.equal(list.status, 200);
  readers[2]!.destroy();
  while ((s.activeStreams() !== 0 || openEventStreams() !== 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.activeStreams(), 0);
  assert.equal(openEventStreams(), 0);
}));

// --- WebSocket routes

/** Opens a socket; resolves with it, its received messages and its close code, or the HTTP status of a refused upgrade. */
function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; got: string[]; closed: Promise<number> } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const got: string[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => got.push(String(d)));
    ws.on('open', () => resolve({ ws, got, closed }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.on('error', reject);
  });
}

/** `p`, or a failure naming `what` after `ms`. */
function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`${what}: nothing within ${ms} ms`)), ms).unref())]);
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('serve: WebSocket messages are size-limited and validated; a peer that drops mid-stream is let go', async () => {
  let ticking = 0;
  const socketRoutes: SocketRoute[] = [
    {
      pattern: /^\/ws\/echo$/, maxMessageBytes: 1000,
      open: (ctx) => ctx.onJson((m) => {
        const n = (m as { n?: unknown }).n;
        if (typeof n !== 'number') throw new ArgumentError(`/ws/echo: 'n' must be a number, got ${JSON.stringify(n)}`);
        ctx.send({ echo: n });
      }),
    },
    {
      pattern: /^\/ws\/ticks$/,
      open: (ctx) => {
        ticking++;
        const timer = setInterval(() => ctx.send({ t: Date.now() }), 5);
        ctx.signal.addEventListener('abort', () => {
          clearInterval(timer);
          ticking--;
        });
      },
    },
  ];
  const f = fixture();
  const s = await startServer({ runsDir: f.runs, assetsDir: f.assets, socketRoutes });
  const ws = s.url.replace(/^http/, 'ws');
  try {
    const a = await connect(`${ws}ws/echo`);
    assert.ok('ws' in a);
    a.ws.send('{"n": 3}');
    a.ws.send('{"n": "x"}'); // invalid: an error back, the socket stays
    a.ws.send('{"n": 4}');
    await until(() => a.got.length === 3);
    assert.deepEqual(a.got.map((g) => JSON.parse(g)), [{ echo: 3 }, { error: `/ws/echo: 'n' must be a number, got "x"` }, { echo: 4 }]);
    a.ws.send('{"n": 1,,');
    assert.equal(await within(a.closed, 'close code 1007'), 1007);
    assert.match(JSON.parse(a.got[3]!).error, /\/ws\/echo message: the body is not JSON/);

    const b = await connect(`${ws}ws/echo`);
    assert.ok('ws' in b);
    b.ws.send(JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }));
    assert.equal(await within(b.closed, 'close code 1009'), 1009);
    const c = await connect(`${ws}ws/echo`);
    assert.ok('ws' in c);
    c.ws.send(new Uint8Array([1, 2, 3]));
    assert.equal(await within(c.closed, 'close code 1003'), 1003);

    for (const [path, headers, status] of [
      ['ws/nope', {}, 404], ['ws/echo', { Origin: 'http://evil.example' }, 403], ['ws/echo', { Host: 'rebind.example' }, 403],
    ] as const) {
      const r = await connect(`${ws}${path}`, headers);
      assert.ok('status' in r, `${path} was accepted`);
      assert.equal(r.status, status, path);
    }

    const t = await connect(`${ws}ws/ticks`);
    assert.ok('ws' in t);
    await until(() => t.got.length > 5);
    assert.equal(ticking, 1);
    t.ws.terminate(); // gone without a closing handshake
    await until(() => s.openSockets() === 0 && ticking === 0);
    const d = await connect(`${ws}ws/echo`);
    assert.ok('ws' in d);
    d.ws.send('{"n": 5}');
    await until(() => d.got.length === 1);
    d.ws.close();
  } finally {
    await s.close();
    rmSync(f.root, { recursive: true, force: true });
  }
  // with a token, a socket needs it too (a page's cookie, or ?token=)
  const g = fixture();
  const st = await startServer({ runsDir: g.runs, assetsDir: g.assets, socketRoutes, token: 'correct-horse-battery' });
  try {
    const wsu = st.url.replace(/^http/, 'ws');
    const no = await connect(`${wsu}ws/echo`);
    assert.ok('status' in no && no.status === 403);
    const yes = await connect(`${wsu}ws/echo?token=correct-horse-battery`);
    assert.ok('ws' in yes);
    yes.ws.close();
    const cookie = await connect(`${wsu}ws/echo`, { Cookie: 'dendrite_token=correct-horse-battery' });
    assert.ok('ws' in cookie);
    cookie.ws.close();
  } finally {
    await st.close();
    rmSync(g.root, { recursive: true, force: true });
  }
});
