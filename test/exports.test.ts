// The package's subpath exports resolve (through the package's own name, as a consumer's import
// would) and hand out the very bindings the root export has, so both spellings share one engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; exports: Record<string, { types: string; default: string }> };

test('every "exports" entry points at a built module and its declarations', () => {
  for (const [sub, e] of Object.entries(pkg.exports)) {
    assert.ok(existsSync(e.default), `${sub}: ${e.default} missing`);
    assert.ok(existsSync(e.types), `${sub}: ${e.types} missing`);
  }
});

test('dendrite/engine, dendrite/linalg and dendrite/neuro share the root export\'s bindings', async () => {
  const root = await import(pkg.name) as Record<string, unknown>;
  const engine = await import(`${pkg.name}/engine`) as Record<string, unknown>;
  for (const k of ['heap', 'backend', 'setBackend', 'registerBackend', 'threadsReady', 'workerTaskCount', 'setNumThreads', 'getNumThreads']) {
    assert.equal(typeof engine[k], 'function', `engine.${k}`);
    assert.equal(engine[k], root[k], `engine.${k} is the root's`);
  }
  assert.ok(Array.isArray((engine.backendNames as () => string[])()));
  const linalg = await import(`${pkg.name}/linalg`) as Record<string, (...a: never[]) => unknown>;
  for (const k of ['matrix', 'matmul', 'eigh', 'svd', 'lstsq', 'empiricalCovariance']) assert.equal(typeof linalg[k], 'function', `linalg.${k}`);
  const neuro = await import(`${pkg.name}/neuro`) as Record<string, unknown>;
  for (const k of ['Raw', 'Epochs', 'trialWindows', 'createWindowsFromEvents']) assert.equal(neuro[k], root[k], `neuro.${k} is the root's`);
});

test('dendrite/insight is the root export\'s insight namespace: attribution, activations, RSA and electrophysiology', async () => {
  const root = await import(pkg.name) as { insight: Record<string, unknown> };
  const insight = await import(`${pkg.name}/insight`) as Record<string, unknown>;
  for (const k of ['integratedGradients', 'saliency', 'gradCam', 'occlusion', 'amplitudePerturbation', 'recordActivations', 'topomapSvg', 'computeRdm', 'compareRdms', 'noiseCeiling', 'gratingSweep', 'unitProperties', 'hebbianLearn']) {
    assert.equal(typeof insight[k], 'function', `insight.${k}`);
    assert.equal(insight[k], root.insight[k], `insight.${k} is the root's`);
  }
});
