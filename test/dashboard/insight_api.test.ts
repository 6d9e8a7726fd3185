// The insight page's API over HTTP: runs of each insight command are told apart by their
// results.json; other runs, missing or malformed results and names out of --runs are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insightKind } from '../../src/node/serve/api_insight.js';
import { startServer } from '../../src/node/serve/index.js';

test('insight API: runs listed by kind, one run\'s results served; other runs and bad names refused', async () => {
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-insapi-'));
  const runs = join(work, 'runs');
  const write = (name: string, results: string) => {
    mkdirSync(join(runs, name), { recursive: true });
    writeFileSync(join(runs, name, 'results.json'), results);
  };
  write('a-lenet', JSON.stringify({ command: 'insight filters', conv1: { shape: [6, 1, 5, 5], weights: [] }, digits: [] }));
  write('b-csp', JSON.stringify({ command: 'insight filters', topomapXY: [], index: [], maps: [] }));
  write('c-attr', JSON.stringify({ command: 'insight attribution', examples: [] }));
  write('d-rsa', JSON.stringify({ noiseCeiling: { lower: 0.1, upper: 0.2 }, models: [] }));
  write('e-v1', JSON.stringify({ ringach: {}, networks: [] }));
  write('f-train', JSON.stringify({ command: 'train', accuracy: 0.9 }));
  write('g-broken', '{"command": "insight filters", ');
  writeFileSync(join(work, 'runs.js'), ''); // the server wants page bundles; the API needs none
  const server = await startServer({ runsDir: runs, assetsDir: work });
  try {
    const base = server.url.replace(/\/$/, '');
    const get = async (p: string) => {
      const r = await fetch(base + p);
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const list = (await get('/api/insight/runs')).json['runs'] as { id: string; kind: string }[];
    assert.deepEqual(list.map((r) => `${r.id} ${r.kind}`).sort(), ['runs/a-lenet filters-lenet', 'runs/b-csp filters-eeg', 'runs/c-attr attribution', 'runs/d-rsa rsa', 'runs/e-v1 v1']);
    const one = await get('/api/insight/runs/d-rsa');
    assert.equal(one.status, 200);
    assert.equal(one.json['kind'], 'rsa');
    assert.deepEqual((one.json['results'] as { noiseCeiling: unknown }).noiseCeiling, { lower: 0.1, upper: 0.2 });
    assert.equal((await get('/api/insight/runs/f-train')).status, 404);
    assert.equal((await get('/api/insight/runs/g-broken')).status, 400);
    assert.equal((await get('/api/insight/runs/missing')).status, 404);
    assert.equal((await get('/api/insight/runs/..%2F..')).status, 400);
    assert.equal((await get('/api/insight/elsewhere/a-lenet')).status, 404);
    assert.equal(insightKind(null), null);
    assert.equal(insightKind({ command: 'insight filters' }), null);
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
