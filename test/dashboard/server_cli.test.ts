// `dendrite serve`'s options: several --runs folders (default runs and reports), a token
// required off loopback, the port checked; the server it starts lists runs from every folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors.js';
import { parseServe, startServeCli } from '../../src/cli/serve.js';

test('serve: options, defaults and refusals', async () => {
  assert.deepEqual(parseServe([], {}), { runsDirs: ['runs', 'reports'], port: 8080, host: '127.0.0.1', token: undefined });
  assert.deepEqual(parseServe(['--runs', 'a', '--runs', 'b', '--port', '0'], {}).runsDirs, ['a', 'b']);
  assert.equal(parseServe([], { DENDRITE_TOKEN: 'from-the-environment' }).token, 'from-the-environment');
  assert.throws(() => parseServe(['--port', '65536'], {}), (e: Error) => e instanceof ArgumentError && /--port must be <= 65535/.test(e.message));
  assert.throws(() => parseServe(['--runs', ''], {}), (e: Error) => e instanceof ArgumentError && /--runs needs a folder/.test(e.message));
  assert.throws(() => parseServe(['--bogus'], {}), (e: Error) => e instanceof ArgumentError && /unknown option '--bogus'/.test(e.message));
  const { startServer } = await import('../../src/node/serve/index.js');
  await assert.rejects(startServer({ runsDir: tmpdir(), assetsDir: join(tmpdir(), 'no-such-assets') }), (e: Error) => e instanceof ArgumentError && /the page bundles are not in .*no-such-assets \(build them/.test(e.message));
  await assert.rejects(startServeCli(['--host', '0.0.0.0', '--port', '0'], () => undefined), (e: Error) => e instanceof ArgumentError && /reachable from other machines; give --token/.test(e.message));
});

test('serve: the runs of every --runs folder are listed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-serve-cli-'));
  const lines: string[] = [];
  try {
    for (const d of ['runs/a', 'reports/b']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'reports/b/results.json'), '{"accuracy": 0.5}');
    const server = await startServeCli(['--runs', join(root, 'runs'), '--runs', join(root, 'reports'), '--port', '0'], (s) => lines.push(s));
    try {
      assert.match(lines[0]!, /^dendrite serve: http:\/\/127\.0\.0\.1:\d+\/ \(runs from .*runs, .*reports; Ctrl-C stops\)$/);
      const list = (await (await fetch(`${server.url}api/runs`)).json()) as { runs: { id: string }[] };
      assert.deepEqual(list.runs.map((r) => r.id).sort(), ['reports/b', 'runs/a']);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
