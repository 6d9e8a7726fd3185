// MNIST's download paths against a local mirror serving the shared data set's original .gz
// files: fetchMnist (bytes only, as in a browser) gives the same digits as loadMnist from the
// folder, downloadMnist writes the four files and skips them the second time, an HTTP error
// names the address; the folder loader also finds the '.idx' spelling of the names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { fetchMnist, MNIST_FILES, mnistFileNames } from '../../src/datasets/mnist.js';
import { downloadMnist, loadMnist } from '../../src/node/mnist.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const root = dataPath('mnist');
const gz = [...MNIST_FILES.train, ...MNIST_FILES.test].map((b) => join(root, `${b}.gz`));

async function withMirror(f: (base: string, hits: string[]) => Promise<void>): Promise<void> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/mirror\//, '');
    hits.push(name);
    if (gz.some((p) => p.endsWith(`/${name}`))) res.end(readFileSync(join(root, name)));
    else { res.statusCode = 404; res.end(); }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    await f(`http://127.0.0.1:${(server.address() as { port: number }).port}/mirror/`, hits);
  } finally {
    server.close();
  }
}

test('mnistFileNames: as published, .gz, and the .idx spelling', () => {
  assert.deepEqual(mnistFileNames('t10k-labels-idx1-ubyte'), ['t10k-labels-idx1-ubyte', 't10k-labels-idx1-ubyte.gz', 't10k-labels.idx1-ubyte', 't10k-labels.idx1-ubyte.gz']);
});

test('fetchMnist and downloadMnist from a mirror match loadMnist from the folder', async (t) => {
  if (skipMissing(t, ...gz)) return;
  const local = loadMnist({ root, train: false, normalize: false });
  await withMirror(async (base, hits) => {
    const fetched = await fetchMnist({ train: false, normalize: false, baseUrl: base });
    assert.equal(fetched.length, 10000);
    assert.ok(Buffer.from(fetched.images).equals(Buffer.from(local.images)));
    assert.ok(Buffer.from(fetched.labels).equals(Buffer.from(local.labels)));
    assert.deepEqual(hits.sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-mnist-'));
    try {
      await downloadMnist(dir, base);
      assert.deepEqual(readdirSync(dir).sort(), gz.map((p) => p.split('/').pop()!).sort());
      const n = hits.length;
      await downloadMnist(dir, base); // all present: no request
      assert.equal(hits.length, n);
      const d = loadMnist({ root: dir, train: false, normalize: false });
      assert.ok(Buffer.from(d.labels).equals(Buffer.from(local.labels)));
      await assert.rejects(fetchMnist({ baseUrl: `${base}absent/` }), (e: Error) => e instanceof FormatError && /^mnist: download of http:\/\/127\.0\.0\.1:\d+\/mirror\/absent\/train-(images|labels)-idx\d-ubyte\.gz failed with HTTP 404$/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('loadMnist finds the .idx spelling of the file names', (t) => {
  if (skipMissing(t, ...gz)) return;
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-mnist-idx-'));
  try {
    for (const b of MNIST_FILES.test) symlinkSync(join(root, `${b}.gz`), join(dir, `${b.replace('-idx', '.idx')}.gz`));
    const m = loadMnist({ root: dir, train: false });
    assert.equal(m.length, 10000);
    assert.equal(m.labels[0], 7); // the first test digit is a 7
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
