// The real-time page's API over HTTP: saved decoders under --runs are listed and served byte for
// byte; names that climb out of --runs, folders that are no decoder, a config naming a weights
// file elsewhere and symlinks leading out are refused with the right status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/node/serve/index.js';

function decoderFolder(dir: string, weightsFile = 'model.safetensors', format = 'dendrite-eeg-decoder'): Uint8Array {
  mkdirSync(dir, { recursive: true });
  const weights = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255);
  writeFileSync(join(dir, 'model.safetensors'), weights);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ format, model: 'csp-lda', classNames: ['left', 'right'], chNames: ['C3', 'Cz', 'C4'], sfreq: 160, weights: { file: weightsFile, sha256: 'x' } }));
  return weights;
}

test('realtime API: decoders listed and served; traversal, non-decoders and symlinks out refused', async () => {
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-rtapi-'));
  const runs = join(work, 'runs');
  writeFileSync(join(work, 'runs.js'), ''); // the server wants page bundles; the API needs none
  const server = await startServer({ runsDir: runs.replace(/$/, ''), assetsDir: work });
  try {
    const weights = decoderFolder(join(runs, 'eeg-model'));
    decoderFolder(join(runs, 'train-run', 'model')); // a decoder one level down in a run folder
    decoderFolder(join(runs, 'bad-weights'), '../outside.bin');
    mkdirSync(join(runs, 'plain-run'));
    writeFileSync(join(runs, 'plain-run', 'config.json'), '{"command":"train"}');
    decoderFolder(join(work, 'secret'));
    symlinkSync(join(work, 'secret'), join(runs, 'link-out'));
    const base = server.url.replace(/\/$/, '');
    const get = async (p: string) => {
      const r = await fetch(base + p);
      return { status: r.status, body: new Uint8Array(await r.arrayBuffer()), type: r.headers.get('content-type') };
    };
    const list = JSON.parse(new TextDecoder().decode((await get('/api/realtime/decoders')).body)) as { decoders: { path: string; kind: string; targets: string[]; channels: number; sfreq: number }[] };
    assert.deepEqual(list.decoders.map((d) => d.path).sort(), ['runs/bad-weights', 'runs/eeg-model', 'runs/train-run/model']);
    const d = list.decoders.find((x) => x.path === 'runs/eeg-model')!;
    assert.deepEqual([d.kind, d.targets, d.channels, d.sfreq], ['eeg', ['left', 'right'], 3, 160]);

    const w = await get('/api/realtime/decoder/runs/eeg-model/weights');
    assert.equal(w.status, 200);
    assert.deepEqual(w.body, weights);
    assert.equal(w.type, 'application/octet-stream');
    const c = await get('/api/realtime/decoder/runs/train-run/model/config');
    assert.equal(c.status, 200);
    assert.equal((JSON.parse(new TextDecoder().decode(c.body)) as { format: string }).format, 'dendrite-eeg-decoder');

    assert.equal((await get('/api/realtime/decoder/runs/..%2F..%2Fetc/config')).status, 400);
    assert.equal((await get('/api/realtime/decoder/runs/eeg-model/..%2Fplain-run/config')).status, 400);
    assert.equal((await get('/api/realtime/decoder/runs/missing/config')).status, 404);
    assert.equal((await get('/api/realtime/decoder/runs/plain-run/config')).status, 404);
    assert.equal((await get('/api/realtime/decoder/other/eeg-model/config')).status, 404);
    assert.equal((await get('/api/realtime/decoder/runs/link-out/weights')).status, 403);
    const bad = await get('/api/realtime/decoder/runs/bad-weights/weights');
    assert.equal(bad.status, 400);
    assert.match(new TextDecoder().decode(bad.body), /outside\.bin/);
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
