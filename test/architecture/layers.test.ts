// The layer order of ../shared/DESIGN.md, enforced: a floor of src/ imports only floors listed
// above it in DESIGN.md (below it in the stack) and itself, so the engine never reaches up into
// the application floors; and browser-safe code never imports node:* (only src/node and
// src/cli may). Type-only imports count too: they tie a floor to another's vocabulary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importsOf, sourceFiles } from './imports.js';

/** DESIGN.md's floors, bottom first; errors.ts is the one leaf below them all. */
const LAYERS = [
  'errors', 'kernels', 'tensor', 'autograd', 'ops', 'nn', 'optim', 'linalg', 'report', 'data', 'io', 'signal',
  'neuro', 'datasets', 'models', 'decode', 'insight', 'stream', 'dashboard', 'node', 'cli',
];
const rank = new Map(LAYERS.map((l, i) => [l, i]));
/** Package entries (the root and its subpaths) re-export from any floor. */
const ENTRIES = new Set(['src/index.ts']);
/** Floors that may import node:* (file paths, processes, threads through the pool's own loader). */
const NODE_ONLY = new Set(['node', 'cli']);

/** The floor of a path under src/: its first folder, or the file's stem for files at the top. */
function floor(path: string): string {
  const parts = path.split('/').slice(1);
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

/** The rule for one file: what is wrong with importing `targets` (resolved paths or node:*) from `f`. */
function judge(f: string, targets: readonly string[]): string[] {
  if (ENTRIES.has(f)) return [];
  const from = floor(f);
  if (!rank.has(from)) return [`${f}: folder '${from}' is not in DESIGN.md's layer list`];
  const bad: string[] = [];
  for (const t of targets) {
    if (t.startsWith('node:')) {
      if (!NODE_ONLY.has(from)) bad.push(`${f} imports ${t} (only src/node and src/cli may)`);
      continue;
    }
    if (!t.startsWith('src/')) continue;
    if (ENTRIES.has(t)) {
      bad.push(`${f} imports the package entry ${t}`);
      continue;
    }
    const to = floor(t);
    if (!rank.has(to)) bad.push(`${f} imports ${t}: folder '${to}' is not in the layer list`);
    else if (rank.get(to)! > rank.get(from)!) bad.push(`${f} (${from}) imports ${t} (${to}), a floor above it`);
  }
  return bad;
}

/** Every import under src/ that breaks the order. */
function layerViolations(files: readonly string[]): string[] {
  return files.flatMap((f) => judge(f, importsOf(f).map((e) => e.target)));
}

test('architecture: src/ imports follow the layer order of DESIGN.md; only src/node and src/cli import node:*', () => {
  const files = sourceFiles('src');
  assert.ok(files.length > 150 && files.includes('src/ops/conv.ts'), `${files.length} source files found (run from the repository root)`);
  assert.deepEqual(layerViolations(files), []);
});

test('architecture: the layer rule refuses an upward edge, node:* in browser code, an entry import and an unknown folder', () => {
  assert.deepEqual(judge('src/ops/conv.ts', ['src/kernels/registry.ts', 'src/tensor/tensor.ts', 'src/errors.ts', 'src/ops/util.ts']), []);
  assert.equal(judge('src/models/registry.ts', ['src/decode/eeg_eval.ts']).length, 1);
  assert.equal(judge('src/nn/module.ts', ['src/io/safetensors/safetensors.ts']).length, 1);
  assert.deepEqual(judge('src/io/state_dict.ts', ['src/tensor/tensor.ts', 'src/io/safetensors/safetensors.ts']), []);
  assert.equal(judge('src/signal/fir.ts', ['node:fs']).length, 1);
  assert.deepEqual(judge('src/node/fs.ts', ['node:fs']), []);
  assert.equal(judge('src/decode/x.ts', ['src/index.ts']).length, 1);
  assert.equal(judge('src/gadgets/x.ts', []).length, 1);
  assert.deepEqual(judge('src/kernels/index.ts', ['src/kernels/heap.ts']), []);
});
