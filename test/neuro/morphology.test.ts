import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dilateMask, structureTissue, ArgumentError, ShapeError } from '../../src/index.js';

test('dilateMask grows a voxel into the 6-connected ball of city-block radius `steps`, clipped at the edges', () => {
  const shape = [7, 6, 5] as const;
  const m = new Uint8Array(7 * 6 * 5);
  const at = (x: number, y: number, z: number) => x + 7 * (y + 6 * z);
  m[at(1, 2, 2)] = 1;
  const d = dilateMask(m, shape, 2);
  for (let z = 0; z < 5; z++) for (let y = 0; y < 6; y++) for (let x = 0; x < 7; x++) {
    const inside = Math.abs(x - 1) + Math.abs(y - 2) + Math.abs(z - 2) <= 2;
    assert.equal(d[at(x, y, z)], inside ? 1 : 0, `voxel ${x},${y},${z}`);
  }
  assert.deepEqual([...dilateMask(m, shape, 0)], [...m]);
  assert.equal(m.reduce((a, b) => a + b, 0), 1, 'input untouched');
  assert.throws(() => dilateMask(m, [7, 6, 4], 1), ShapeError);
  assert.throws(() => dilateMask(m, shape, -1), ArgumentError);
  assert.throws(() => dilateMask(new Uint8Array(10), [2.5, 4, 1], 1), ShapeError);
  assert.throws(() => dilateMask(new Uint8Array(6), [-2, -3, 1], 1), ShapeError);
});

test('structureTissue maps FreeSurfer structure names as the aseg table maps their labels', () => {
  assert.equal(structureTissue('Cerebral-White-Matter'), 3);
  assert.equal(structureTissue('Left-Cerebral-Cortex'), 2);
  assert.equal(structureTissue('Right-Pallidum'), 2);
  assert.equal(structureTissue('VentralDC'), 3);
  assert.equal(structureTissue('Brain-Stem'), 3);
  assert.equal(structureTissue('Inferior-Lateral-Ventricle'), 1);
  assert.equal(structureTissue('4th-Ventricle'), 1);
  assert.equal(structureTissue('Unknown'), 0);
  for (const bad of ['Nucleus-Basalis', 'constructor', '__proto__', 'toString']) assert.throws(() => structureTissue(bad), (e: unknown) => e instanceof ArgumentError && /not a FreeSurfer structure/.test((e as Error).message));
});
