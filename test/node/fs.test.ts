import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { readBytes, removeStaleTemps, writeFileAtomic } from '../../src/node/index.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-fs-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic creates the file and leaves no temp files', () => {
  withDir((dir) => {
    const p = join(dir, 'a.bin');
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual(readdirSync(dir), ['a.bin']);
    assert.deepEqual([...readBytes(p)], [1, 2, 3]);
    writeFileAtomic(join(dir, 'b.txt'), 'héllo');
    assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'héllo');
    writeFileAtomic(join(dir, 'empty'), new Uint8Array(0));
    assert.equal(readBytes(join(dir, 'empty')).length, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'b.txt', 'empty']);
  });
});

test('writeFileAtomic overwrites whole files, subarray views included', () => {
  withDir((dir) => {
    const p = join(dir, 'w.bin');
    writeFileAtomic(p, new Uint8Array(100_000).fill(7));
    const big = new Uint8Array([9, 9, 4, 5, 6, 9]);
    writeFileAtomic(p, big.subarray(2, 5));
    assert.deepEqual([...readBytes(p)], [4, 5, 6]);
    assert.deepEqual(readdirSync(dir), ['w.bin']);
  });
});

test('a failed write removes its temp file and names the path', () => {
  withDir((dir) => {
    const target = join(dir, 'sub');
    mkdirSync(target); // rename of a file onto a directory fails after the temp is written
    assert.throws(() => writeFileAtomic(target, 'x'), (e: Error) => e.message.includes(target));
    assert.deepEqual(readdirSync(dir), ['sub']);
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'f'), 'x'), /missing/);
  });
});

test('readBytes errors name the path and keep the code', () => {
  const p = join(tmpdir(), 'dendrite-no-such-file-xyz');
  assert.throws(() => readBytes(p), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.message.includes(p));
});

// A writer killed between creating its temp file and renaming it (Ctrl-C, SIGKILL) leaves the
// temp behind; the next write to the same target, or a sweep of the folder, removes it.
function orphanOf(target: string): string {
  const code = `const fs = require('node:fs'); const p = require('node:path');
    const t = ${JSON.stringify(target)};
    fs.writeFileSync(p.join(p.dirname(t), '.' + p.basename(t) + '.' + process.pid + '.0123456789ab.tmp'), 'partial');
    process.kill(process.pid, 'SIGKILL');`;
  const r = spawnSync(process.execPath, ['-e', code]);
  assert.equal(r.signal, 'SIGKILL');
  const left = readdirSync(dirname(target)).filter((n) => n.startsWith(`.${basename(target)}.`) && n.endsWith('.tmp'));
  assert.equal(left.length, 1, 'the killed writer left its temp file');
  return join(dirname(target), left[0]!);
}

test('a later write removes the temp files that killed writers left for the same target', () => {
  withDir((dir) => {
    const p = join(dir, 'metrics.json');
    const orphan = orphanOf(p);
    const other = orphanOf(join(dir, 'other.json'));
    const live = join(dir, `.metrics.json.${process.ppid}.abcdefabcdef.tmp`); // a live process's temp stays
    writeFileSync(live, 'in progress');
    writeFileAtomic(p, '{}');
    assert.ok(!existsSync(orphan), 'orphan of a dead writer removed');
    assert.ok(existsSync(other), 'temps of other targets are left to their own writes');
    assert.ok(existsSync(live), "a live writer's temp is kept");
    assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('.')).sort(), ['metrics.json']);
  });
});

test('removeStaleTemps sweeps a folder and its run folders, keeping live writers\' temps', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'run1'));
    const a = orphanOf(join(dir, 'run1', 'lenet.safetensors'));
    const live = join(dir, `.x.${process.pid}.abcdefabcdef.tmp`);
    writeFileSync(live, '');
    writeFileSync(join(dir, 'notes.tmp'), 'not ours');
    assert.deepEqual(removeStaleTemps(dir), []);
    assert.deepEqual(removeStaleTemps(dir, 1), [a]);
    assert.ok(existsSync(live) && existsSync(join(dir, 'notes.tmp')));
  });
});

test('writeFileAtomic errors keep the system code', () => {
  withDir((dir) => {
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'f'), 'x'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.message.includes(join(dir, 'missing', 'f')));
  });
});
