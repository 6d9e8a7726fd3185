// PNG decoding (src/io/png) on the natural images the V1 experiment trains on, against PIL's
// pixels (scripts/golden/insight_v1.py): greyscale and RGB, rows filtered Sub, Up, Average and
// Paeth in these files; filter None through a round trip with report/png's encoder; corrupt files
// fail with FormatErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../src/errors.js';
import { decodePng } from '../../src/io/png/decode.js';
import { encodeGrayPng } from '../../src/report/png.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const g = JSON.parse(readFileSync('test/golden/insight/v1.json', 'utf8'));
const dir = dataPath('natural-images/skimage');

for (const name of ['camera.png', 'astronaut.png', 'chelsea.png']) {
  test(`decodePng ${name} equals PIL's pixels`, { skip: skipUnlessData(`${dir}/${name}`) }, () => {
    const ref = g.png[name];
    assert.ok(ref, `golden values for ${name}`);
    const img = decodePng(readFileSync(`${dir}/${name}`), name);
    assert.deepEqual(img.channels === 1 ? [img.height, img.width] : [img.height, img.width, img.channels], ref.shape);
    let sum = 0;
    for (const v of img.data) sum += v;
    assert.equal(sum, ref.sum);
    const grid: number[] = [], c = img.channels;
    for (let y = 0; y < img.height; y += 37) for (let x = 0; x < img.width; x += 41) for (let k = 0; k < c; k++) grid.push(img.data[(y * img.width + x) * c + k]!);
    assert.deepEqual(grid, ref.grid);
  });
}

test('decodePng: round trip of report/png encoder; truncated and corrupt files fail clearly', () => {
  const px = Uint8Array.from({ length: 35 }, (_, i) => (i * 37) & 255);
  const png = encodeGrayPng(7, 5, px);
  const img = decodePng(png);
  assert.deepEqual([img.width, img.height, img.channels], [7, 5, 1]);
  assert.deepEqual([...img.data], [...px]);
  assert.throws(() => decodePng(png.subarray(0, 40), 'cut.png'), (e: Error) => e instanceof FormatError && /cut\.png/.test(e.message));
  assert.throws(() => decodePng(new Uint8Array(20), 'zero.png'), FormatError);
  const bad = png.slice(); bad[24] = 16; // bit depth 16
  assert.throws(() => decodePng(bad, 'deep.png'), /bit depth 16/);
});
