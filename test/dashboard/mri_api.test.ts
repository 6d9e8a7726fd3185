// The MRI page's API over HTTP on a hand-made segment run (a 4×5×6 label map): classes with
// brainchop's colours or the default ones, Dice per label against reference.nii.gz or another
// run (counted here), the volumes byte for byte; a reference that climbs out of --runs, is
// missing or has another shape, and an input that is no NIfTI, are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveNifti } from '../../src/node/nifti.js';
import { startServer } from '../../src/node/serve/index.js';

const SHAPE: [number, number, number] = [4, 5, 6];
const EYE = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

function run(dir: string, labels: Uint8Array, input: string | null, model: string | null = null): void {
  mkdirSync(dir, { recursive: true });
  saveNifti(join(dir, 'labels.nii.gz'), { shape: SHAPE, data: labels, affine: EYE });
  const classes = [0, 1, 2].map((l) => ({ label: l, name: ['background', 'white', 'grey'][l], voxels: labels.filter((v) => v === l).length, mm3: labels.filter((v) => v === l).length }));
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ input, shape: SHAPE, model, classes }));
}

function dice(a: Uint8Array, b: Uint8Array, l: number): number {
  let x = 0, y = 0, both = 0;
  for (let i = 0; i < a.length; i++) { x += +(a[i] === l); y += +(b[i] === l); both += +(a[i] === l && b[i] === l); }
  return (2 * both) / (x + y);
}

test('MRI API: classes, Dice per label against a reference or another run, volumes; bad references refused', async () => {
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-mriapi-'));
  const runs = join(work, 'runs');
  mkdirSync(runs);
  writeFileSync(join(work, 'runs.js'), ''); // the server wants page bundles; the API needs none
  const server = await startServer({ runsDir: runs, assetsDir: work });
  try {
    const n = SHAPE[0] * SHAPE[1] * SHAPE[2];
    const a = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 1 + (i % 2)));
    const b = Uint8Array.from(a, (v, i) => (i % 5 === 0 ? (v + 1) % 3 : v));
    const c = Uint8Array.from(a, (v, i) => (i % 3 === 0 ? 2 : v));
    const input = join(work, 't1.nii.gz');
    saveNifti(input, { shape: SHAPE, data: Uint8Array.from({ length: n }, (_, i) => i), affine: EYE });
    const model = join(work, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'colormap3.json'), JSON.stringify({ R: [0, 255, 205], G: [0, 255, 62], B: [0, 255, 78], labels: ['background', 'white', 'grey'] }));
    run(join(runs, 'seg-a'), a, input, model);
    saveNifti(join(runs, 'seg-a', 'reference.nii.gz'), { shape: SHAPE, data: b, affine: EYE });
    run(join(runs, 'seg-c'), c, '/etc/passwd');
    run(join(runs, 'seg-small'), a, null);
    saveNifti(join(runs, 'seg-small', 'labels.nii.gz'), { shape: [2, 2, 2], data: new Uint8Array(8), affine: EYE });
    const base = server.url.replace(/\/$/, '');
    const get = async (p: string) => {
      const r = await fetch(base + p);
      const body = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, body, json: () => JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown> };
    };

    const list = (await get('/api/mri/runs')).json() as { runs: { id: string }[] };
    assert.deepEqual(list.runs.map((r) => r.id), ['runs/seg-a', 'runs/seg-c', 'runs/seg-small']);
    type Run = { input: { url: string } | null; classes: { label: number; color: number[] }[]; dice: { reference: string; perLabel: { label: number; dice: number }[]; mean: number } | null };
    const ra = (await get('/api/mri/runs/seg-a')).json() as unknown as Run;
    assert.deepEqual(ra.classes.map((x) => x.color), [[0, 0, 0], [255, 255, 255], [205, 62, 78]]);
    assert.equal(ra.dice!.reference, 'reference.nii.gz');
    assert.deepEqual(ra.dice!.perLabel.map((p) => p.label), [1, 2]);
    for (const p of ra.dice!.perLabel) assert.ok(Math.abs(p.dice - dice(a, b, p.label)) < 1e-15, `label ${p.label}: ${p.dice} vs ${dice(a, b, p.label)}`);
    assert.ok(ra.dice!.perLabel.every((p) => p.dice > 0.3 && p.dice < 1));
    const rc = (await get('/api/mri/runs/seg-a?ref=runs%2Fseg-c')).json() as unknown as Run;
    assert.equal(rc.dice!.reference, 'runs/seg-c');
    for (const p of rc.dice!.perLabel) assert.ok(Math.abs(p.dice - dice(a, c, p.label)) < 1e-15);
    // volumes: the input where results.json says, the labels from the run
    assert.equal(ra.input!.url, '/api/mri/runs/seg-a/input.nii.gz');
    assert.deepEqual((await get(ra.input!.url)).body, new Uint8Array(readFileSync(input)));
    assert.deepEqual((await get('/api/mri/runs/seg-a/labels.nii.gz')).body, new Uint8Array(readFileSync(join(runs, 'seg-a', 'labels.nii.gz'))));

    // no reference, no Dice; an input that is no NIfTI is not served
    const c2 = (await get('/api/mri/runs/seg-c')).json() as unknown as Run;
    assert.equal(c2.dice, null);
    assert.equal(c2.input, null);
    assert.deepEqual(c2.classes[0]!.color, [0, 0, 0]); // no model folder: the report's default colours
    assert.notDeepEqual(c2.classes[1]!.color, c2.classes[2]!.color);
    assert.equal((await get('/api/mri/runs/seg-c/input.nii')).status, 404);
    // bad references and runs
    assert.equal((await get('/api/mri/runs/seg-a?ref=..%2Fsecret')).status, 400);
    assert.equal((await get('/api/mri/runs/seg-a?ref=runs%2F..')).status, 400);
    assert.equal((await get('/api/mri/runs/seg-a?ref=runs')).status, 400);
    assert.equal((await get('/api/mri/runs/seg-a?ref=runs%2Fmissing')).status, 404);
    const shape = await get('/api/mri/runs/seg-a?ref=runs%2Fseg-small');
    assert.equal(shape.status, 400);
    assert.match(String(shape.json()['error']), /shape \[2, 2, 2\]/);
    assert.equal((await get('/api/mri/runs/..%2Fruns%2Fseg-a')).status, 400);
    assert.equal((await get('/api/mri/runs/nope')).status, 404);
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
