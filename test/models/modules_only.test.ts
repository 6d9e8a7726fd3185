// models/ holds nn modules and the registry that names them: its files import only the engine
// floors (tensor, autograd, ops, nn) and each other — never decode/, optim/ or data/, where the
// estimators, the training loop and the datasets live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative, dirname } from 'node:path';

const root = 'src/models';
const allowed = ['src/errors.ts', 'src/tensor/', 'src/autograd/', 'src/ops/', 'src/nn/', 'src/models/'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('src/models imports only tensor, autograd, ops, nn and itself', () => {
  const bad: string[] = [];
  const list = files(root);
  assert.ok(list.length >= 8, `found ${list.length} files under ${root}`);
  for (const f of list) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'|import\s+'([^']+)'/g)) {
      const spec = (m[1] ?? m[2])!;
      if (!spec.startsWith('.')) {
        bad.push(`${f}: ${spec}`);
        continue;
      }
      const target = relative('.', normalize(join(dirname(f), spec))).replace(/\.js$/, '.ts').replaceAll('\\', '/');
      if (!allowed.some((a) => target === a || target.startsWith(a))) bad.push(`${f} -> ${target}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('nothing imports a models/ module for its side effect: listing a model in registry.ts registers it', () => {
  const bad: string[] = [];
  for (const f of ['src', 'test', 'bench'].flatMap(files)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^import\s+'([^']*\/models\/[^']*)';/gm)) bad.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(bad, []);
});
