// The heap stays behind the tensor. Tensor data lives in one WebAssembly.Memory today and in
// GPU buffers once a GPU backend lands, so only the engine floors may touch the heap itself:
//   src/kernels/  the heap, its allocator and the kernels that run over it;
//   src/tensor/   Tensor, creation, and the edges where data crosses: Tensor.fromFn (a fill
//                 callback), fromValues / tensor() (typed arrays), writeSync, dataSync, and
//                 memoryStats() for metrics.
// autograd, ops and every floor above them (DESIGN.md's order) go through those; a GPU backend then
// only has to make the tensor layer upload and read back. The one exception is a package entry
// (src/index.ts; the dendrite/engine subpath is src/kernels/index.ts) re-exporting `heap` for advanced
// users: `export { heap } from` uses nothing itself.
// The test reads src/ (comments ignored) and fails on a `heap()` call or an import of
// kernels/heap.ts from any other file, naming file and line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, importsOf, sourceFiles } from './imports.js';

const FLOORS = ['src/kernels/', 'src/tensor/'];
const ENTRIES = new Set(['src/index.ts']);
const HEAP = 'src/kernels/heap.ts';

const outside = sourceFiles('src').filter((f) => !FLOORS.some((d) => f.startsWith(d)));

test('architecture: the sources are found (the checks below see real files)', () => {
  assert.ok(outside.includes('src/datasets/mnist.ts') && outside.includes('src/ops/norm.ts') && outside.includes('src/index.ts'), outside.slice(0, 5).join(', '));
  assert.ok(outside.length > 100, `only ${outside.length} files outside the engine floors`);
});

test('architecture: no heap() call outside src/kernels and src/tensor', () => {
  const hits: string[] = [];
  for (const f of outside) {
    codeOf(f).split('\n').forEach((line, i) => {
      if (/\bheap\s*\(\s*\)/.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, [], `heap() used above the tensor layer (use Tensor.fromFn, tensor(typedArray), writeSync or memoryStats):\n${hits.join('\n')}`);
});

test('architecture: kernels/heap is imported only by the engine floors (entries may re-export it)', () => {
  const hits: string[] = [];
  for (const f of outside) {
    for (const e of importsOf(f)) {
      if (e.target !== HEAP) continue;
      if (ENTRIES.has(f) && e.reexport) continue;
      hits.push(`${f} ${e.reexport ? 're-exports' : 'imports'} ${HEAP}${e.typeOnly ? ' (type)' : ''}`);
    }
  }
  assert.deepEqual(hits, [], `kernels/heap reached above the tensor layer (DType and friends come from src/tensor):\n${hits.join('\n')}`);
});
