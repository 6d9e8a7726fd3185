// Every registered backend against the JS reference (backend_conformance.ts), and the JS core
// alone ('js-core': the fused kernels composed from the core, no conv paths), which checks each
// composition against the reference's fused kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerBackend, setBackend, backend } from '../../src/index.js';
import { backendNames } from '../../src/kernels/registry.js';
import { heap } from '../../src/kernels/heap.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { coreOnly } from '../../src/kernels/compose/index.js';
import { supportedBuilds } from '../../src/kernels/wasm/loader.js';
import { CONV_METHODS, CORE_METHODS, FUSED_METHODS } from '../../src/kernels/backend.js';
import { backendConformance } from './backend_conformance.js';

registerBackend('js-core', () => coreOnly(jsBackend(heap()), 'js-core'));

// every backend that runs here: the wasm builds this engine supports ('wasm' is one of them)
const candidates = backendNames().filter((n) => n !== 'js' && n !== 'wasm' && (!n.startsWith('wasm-') || supportedBuilds().includes(n.slice(5) as 'simd' | 'relaxed')));

test('the core is at most 20 methods, and the JS core alone runs the compositions', () => {
  assert.ok(CORE_METHODS.length <= 20, `${CORE_METHODS.length} core methods`);
  assert.ok(candidates.includes('js-core'));
  setBackend('js-core');
  const b = backend() as unknown as Record<string, unknown>;
  for (const m of [...CORE_METHODS, ...FUSED_METHODS]) assert.equal(typeof b[m], 'function', m);
  for (const m of CONV_METHODS) assert.equal(b[m], undefined, m);
  setBackend('js');
});

backendConformance(candidates);
