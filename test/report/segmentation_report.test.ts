// The segmentation report's overlay: background stays grey, a label is blended with its colour,
// a label without a colour is an error; the default palette gives distinct colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultColors, overlayRgb, segmentationReportHtml } from '../../src/report/segmentation_report.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

test('overlayRgb: grey where the label is 0, (1 - alpha)·grey + alpha·colour elsewhere', () => {
  const gray = new Uint8Array([10, 200, 100, 0]);
  const labels = new Uint8Array([0, 1, 2, 2]);
  const rgb = overlayRgb(gray, labels, [[0, 0, 0], [255, 0, 0], [0, 100, 200]], 0.5);
  assert.deepEqual([...rgb], [10, 10, 10, 228, 100, 100, 50, 100, 150, 0, 50, 100]);
  assert.throws(() => overlayRgb(gray, new Uint8Array([0, 3, 0, 0]), [[0, 0, 0], [1, 1, 1]]), (e: Error) => e instanceof ArgumentError && /label 3 has no colour/.test(e.message));
  assert.throws(() => overlayRgb(gray, new Uint8Array(3), [[0, 0, 0]]), ShapeError);
  assert.throws(() => overlayRgb(gray, labels, defaultColors(3), 1.5), ArgumentError);
});

test('defaultColors: class 0 black, the others distinct; the page holds legend, volumes and timings', () => {
  const c = defaultColors(18);
  assert.deepEqual(c[0], [0, 0, 0]);
  assert.equal(new Set(c.map((x) => x.join(','))).size, 18);
  const html = segmentationReportHtml({
    title: 't', settings: [['model', 'm']], timings: [['segment', 1.5], ['conform', 0.25]], notes: ['n'],
    slices: [{ caption: 'axial 1 (centre)', width: 1, height: 1, rgb: new Uint8Array([1, 2, 3]) }],
    classes: [{ label: 1, name: 'White <Matter>', color: [255, 0, 0], voxels: 1500, mm3: 1500 }],
  });
  for (const s of ['alt="axial 1 (centre)" src="data:image/png;base64,iVBORw0KGgo', 'White &lt;Matter&gt;', 'background:rgb(255,0,0)', '<td>1500</td><td>1.50</td>', '<td>total</td><td>1.75</td>']) assert.ok(html.includes(s), s);
});
