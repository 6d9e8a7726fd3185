// Topomap projection against MNE's _find_topomap_coords on EEGMMIDB's 64 channels, and the
// biharmonic spline and SVG renderer's own properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { topomapCoords, biharmonicSpline, topomapSvg } from '../../src/report/topomap.js';
import { standardMontage, montagePositions } from '../../src/neuro/montage.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const ref = JSON.parse(readFileSync('test/golden/insight/montage_1005.json', 'utf8'));

test('topomapCoords of EEGMMIDB on standard_1005 match MNE _find_topomap_coords', () => {
  const xy = topomapCoords(ref.eegmmidb.head_pos);
  assert.equal(xy.length, 64);
  xy.forEach((p, i) => {
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(p[k]! - ref.eegmmidb.topomap_xy[i][k]) < 1e-12, `${ref.eegmmidb.standard_names[i]}[${k}]: ${p[k]} vs ${ref.eegmmidb.topomap_xy[i][k]}`);
  });
  // end to end from the montage table
  const xy2 = topomapCoords(montagePositions(standardMontage('standard_1005'), ref.eegmmidb.standard_names) as (readonly number[])[]);
  xy2.forEach((p, i) => assert.ok(Math.hypot(p[0] - ref.eegmmidb.topomap_xy[i][0], p[1] - ref.eegmmidb.topomap_xy[i][1]) < 2e-8)); // float32 head transform in MNE
});

test('biharmonicSpline interpolates exactly and reproduces a plane between electrodes', () => {
  const xy = topomapCoords(ref.eegmmidb.head_pos);
  const v = xy.map(([x, y], i) => Math.sin(40 * x) + Math.cos(30 * y) + (i % 3));
  const f = biharmonicSpline(xy, v);
  xy.forEach(([x, y], i) => assert.ok(Math.abs(f(x, y) - v[i]!) < 1e-8, `electrode ${i}: ${f(x, y)} vs ${v[i]}`));
  // the spline's space holds no linear term, so a plane is only approximated: close inside the hull
  const plane = biharmonicSpline(xy, xy.map(([x, y]) => 2 + 10 * x - 5 * y));
  assert.ok(Math.abs(plane(0.01, 0.02) - (2 + 0.1 - 0.1)) < 0.02, `plane at (0.01, 0.02): ${plane(0.01, 0.02)}`);
});

test('topomapSvg draws the map, outline and one dot per electrode; bad input is typed', () => {
  const xy = topomapCoords(ref.eegmmidb.head_pos);
  const v = xy.map(([x]) => x);
  const svg = topomapSvg(xy, v, { names: ref.eegmmidb.standard_names, title: 'x <pos>' });
  assert.match(svg, /^<svg /);
  assert.equal((svg.match(/<circle /g) ?? []).length, 65); // head + 64 electrodes
  assert.match(svg, /x &lt;pos&gt;/);
  assert.match(svg, /<title>C3: /);
  // left electrodes negative (blue), right positive (red): the leftmost cell is blue
  const fills = [...svg.matchAll(/<rect x="([\d.]+)"[^>]*fill="rgb\((\d+),(\d+),(\d+)\)"/g)].map((m) => [+m[1]!, +m[2]!, +m[4]!]);
  const left = fills.reduce((a, b) => (b[0]! < a[0]! ? b : a));
  const right = fills.reduce((a, b) => (b[0]! > a[0]! ? b : a));
  assert.ok(left[2]! > left[1]! && right[1]! > right[2]!, `left ${left}, right ${right}`);
  assert.throws(() => topomapSvg(xy, v.slice(1)), ShapeError);
  assert.throws(() => topomapSvg(xy, v.map((a, i) => (i === 3 ? NaN : a)), { names: ref.eegmmidb.standard_names }), (e: unknown) => e instanceof ArgumentError && /value 3 \(FCz\) is NaN/.test(e.message));
  assert.throws(() => topomapCoords([[0, 0]]), ArgumentError);
  assert.throws(() => topomapSvg(xy.slice(0, 2), [1, 2]), (e: unknown) => e instanceof ArgumentError && /2 electrodes, expected 3 to 2048/.test(e.message));
  assert.throws(() => topomapSvg(xy, v, { vlim: [1, 1] }), (e: unknown) => e instanceof ArgumentError && /vlim \[1, 1\]/.test(e.message));
  assert.throws(() => topomapSvg(xy, v, { resolution: 1e6 }), ArgumentError);
  // two electrodes at one spot: a singular system, named as such
  assert.throws(() => biharmonicSpline([[0, 0], [0.01, 0], [0, 0]], [1, 2, 3]), (e: unknown) => e instanceof ArgumentError && /singular/.test(e.message));
});
