// The ops module graph: no circular imports among src/ops files (elementwise, reduce and movement
// used to import one another; expand, sum and sumTo now share broadcast.ts), and the Tensor
// methods installed in one place: src/ops/index.ts imports src/ops/methods.ts, no other file
// does (no side-effect imports scattered over the floors above), and every package entry point
// reaches it through its ordinary imports. Type-only imports are erased, so they are no edges.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycles, importsOf, reachable, runtimeGraph, sourceFiles } from './imports.js';

const all = sourceFiles('src');
const METHODS = 'src/ops/methods.ts';

test('architecture: no circular import among src/ops files', () => {
  const ops = all.filter((f) => f.startsWith('src/ops/'));
  assert.ok(ops.includes('src/ops/elementwise.ts') && ops.includes('src/ops/reduce.ts') && ops.includes('src/ops/movement.ts'));
  const found = cycles(runtimeGraph(ops));
  assert.deepEqual(found, [], `circular imports among ops files:\n${found.map((c) => c.join(' ↔ ')).join('\n')}`);
});

test('architecture: the cycle finder finds a cycle (a → b → c → a) and none in a chain', () => {
  const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
});

test('architecture: only src/ops/index.ts imports ops/methods (the Tensor methods are installed once)', () => {
  const importers = all.filter((f) => importsOf(f).some((e) => e.target === METHODS));
  assert.deepEqual(importers, ['src/ops/index.ts']);
});

test('architecture: every package entry point loads the Tensor methods through its imports', () => {
  const g = runtimeGraph(all);
  for (const entry of ['src/index.ts', 'src/node/index.ts', 'src/cli/main.ts']) {
    assert.ok(g.has(entry), `${entry} not found`);
    assert.ok(reachable(g, entry).has(METHODS), `${entry} never loads ${METHODS}: x.add(y) would be undefined`);
  }
});
