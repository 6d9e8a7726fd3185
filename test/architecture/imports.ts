// Reads the import statements of the TypeScript under src/, for the tests that hold the
// architecture in place. Paths are repository-relative with '/' separators ('src/ops/reduce.ts');
// the tests run from the repository root, as every other test that reads files.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface ImportEdge {
  /** The imported file, resolved ('src/kernels/heap.ts'), or the bare specifier ('node:fs'). */
  target: string;
  /** `import type` / `export type`: erased at compile time, so no run-time edge. */
  typeOnly: boolean;
  /** `export ... from`: a re-export, no local use of the binding. */
  reexport: boolean;
  /** `import './x.js'`: loaded for its side effect only. */
  bare: boolean;
}

/** Every .ts file under `dir` (AssemblyScript sources excluded: they are not part of the module graph). */
export function sourceFiles(dir = 'src'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (p.split(/[\\/]/).join('/') !== 'src/kernels/wasm/asm') walk(p);
      } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p.split(/[\\/]/).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The file's text with comments blanked (a comment may quote code, e.g. `heap().f32`). */
export function codeOf(file: string): string {
  const src = readFileSync(file, 'utf8');
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

// import X from '…' | import { a, type b } from '…' | import * as N from '…' | import X, { a } from '…'
// export { a } from '…' | export * from '…' | export * as N from '…' | import '…'
const CLAUSE = String.raw`(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)`;
const FROM = new RegExp(String.raw`(?:^|[;\n])\s*(import|export)\s+(type\s+)?${CLAUSE}\s*from\s*(['"])([^'"]+)\3`, 'g');
const BARE = /(?:^|[;\n])\s*import\s*(['"])([^'"]+)\1/g;
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g;

function resolveSpec(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

export function importsOf(file: string): ImportEdge[] {
  const code = codeOf(file);
  const edges: ImportEdge[] = [];
  for (const m of code.matchAll(FROM)) {
    edges.push({ target: resolveSpec(file, m[4]!), typeOnly: m[2] !== undefined, reexport: m[1] === 'export', bare: false });
  }
  for (const m of code.matchAll(BARE)) edges.push({ target: resolveSpec(file, m[2]!), typeOnly: false, reexport: false, bare: true });
  for (const m of code.matchAll(DYNAMIC)) edges.push({ target: resolveSpec(file, m[2]!), typeOnly: false, reexport: false, bare: false });
  return edges;
}

/** Run-time import graph of the given files: file → files it loads (type-only imports dropped). */
export function runtimeGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const g = new Map<string, string[]>();
  for (const f of files) g.set(f, importsOf(f).filter((e) => !e.typeOnly && known.has(e.target)).map((e) => e.target));
  return g;
}

/** One cycle per strongly connected component of more than one file (or a file importing itself). */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Files reachable from `entry` over run-time imports. */
export function reachable(g: Map<string, string[]>, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const todo = [entry];
  while (todo.length) for (const w of g.get(todo.pop()!) ?? []) if (!seen.has(w)) (seen.add(w), todo.push(w));
  return seen;
}
